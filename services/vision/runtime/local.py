"""Runs the SavedModels with TensorFlow in this process (the models as TF Serving runs them)."""
from __future__ import annotations

import logging
import os

import numpy as np

from services.vision.runtime.in_process import InProcessRuntime

log = logging.getLogger(__name__)


class LocalRuntime(InProcessRuntime):
    def _load(self, model: str, entry: dict) -> object:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        try:
            tf.config.threading.set_intra_op_parallelism_threads(self.threads)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:  # TensorFlow already runs in this process with other threads (a test's TF Serving)
            log.info("TensorFlow already initialised: its thread counts stay")
        # the remapper's fused kernels crash on the converted face detector (seen with TF 2.18)
        tf.config.optimizer.set_experimental_options({"remapping": False})
        return tf.saved_model.load(str(self.models_dir / model / str(entry["version"]))).signatures["serving_default"]

    def _call(self, loaded, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        import tensorflow as tf

        outputs = loaded(**{name: tf.constant(value) for name, value in inputs.items()})
        return {name: tensor.numpy() for name, tensor in outputs.items()}
