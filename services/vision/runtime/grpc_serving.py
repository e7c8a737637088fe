"""TensorFlow Serving over gRPC: the production ModelRuntime (a GPU server fed whole batches).

Uses the standard PredictionService stub of tensorflow-serving-api; deadlines per call, retries with backoff while
the server is UNAVAILABLE, and the model version pinned from the manifest.
"""
from __future__ import annotations

import asyncio
import logging

import grpc
import numpy as np

from services.vision.runtime.port import ModelError, ModelRuntime, check_batch

log = logging.getLogger(__name__)
RETRIED = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED)


class ServingUnavailable(ModelError):
    """The server did not answer within the retries: the stage retries the message later through the bus."""


class GrpcRuntime(ModelRuntime):
    def __init__(self, target: str, versions: dict[str, int], deadline_seconds: float = 30.0, retries: int = 3,
                 backoff_seconds: float = 0.5):
        from tensorflow_serving.apis import prediction_service_pb2_grpc

        self.target, self.versions = target, versions
        self.deadline, self.retries, self.backoff = deadline_seconds, retries, backoff_seconds
        self.calls = 0
        self._channel = grpc.aio.insecure_channel(target, options=[("grpc.max_receive_message_length", 64 << 20),
                                                                   ("grpc.max_send_message_length", 64 << 20)])
        self._stub = prediction_service_pb2_grpc.PredictionServiceStub(self._channel)

    async def predict(self, model: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        import tensorflow as tf
        from tensorflow_serving.apis import predict_pb2

        if model not in self.versions:
            raise ModelError(f"model {model!r} is not in the manifest")
        request = predict_pb2.PredictRequest()
        request.model_spec.name = model
        request.model_spec.version.value = self.versions[model]
        request.model_spec.signature_name = "serving_default"
        for name, value in inputs.items():
            request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
        delay = self.backoff
        for attempt in range(1, self.retries + 1):
            try:
                response = await self._stub.Predict(request, timeout=self.deadline)
                break
            except grpc.aio.AioRpcError as exc:
                if exc.code() not in RETRIED:
                    raise ModelError(f"TF Serving at {self.target} refused {model}: {exc.code().name}: "
                                     f"{exc.details()}") from exc
                if attempt == self.retries:
                    raise ServingUnavailable(f"TF Serving at {self.target} unavailable for {model}: "
                                             f"{exc.code().name}") from exc
                log.warning("TF Serving %s: %s; retry %d in %.1fs", self.target, exc.code().name, attempt, delay)
                await asyncio.sleep(delay)
                delay *= 2
        self.calls += 1
        return check_batch(model, inputs, {name: tf.make_ndarray(tensor) for name, tensor in response.outputs.items()})

    async def close(self) -> None:
        await self._channel.close()
