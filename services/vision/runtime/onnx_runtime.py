"""Runs the models with ONNX Runtime in this process: the ONNX files `models build` converts from the SavedModels
(tf2onnx); about 10% less CPU per photo than TensorFlow here, loaded in a fraction of the time and without
TensorFlow's memory (bench/vision_bench.py)."""
from __future__ import annotations

import numpy as np

from services.vision.runtime.in_process import InProcessRuntime
from services.vision.runtime.port import ModelError


class OnnxRuntime(InProcessRuntime):
    def _load(self, model: str, entry: dict) -> object:
        import onnxruntime

        converted = entry.get("onnx")
        if converted is None or not (self.models_dir / converted["path"]).exists():
            raise ModelError(f"model {model!r} has no ONNX file in {self.models_dir}: run `picsift models build`")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = self.threads, 1
        # idle threads sleep instead of spinning: on cores shared with decoding and the other stages, spinning
        # threads took twice as long per call (bench/vision_bench.py)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return onnxruntime.InferenceSession(str(self.models_dir / converted["path"]), options,
                                            providers=["CPUExecutionProvider"])

    def _call(self, loaded, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        names = [output.name for output in loaded.get_outputs()]
        return dict(zip(names, loaded.run(names, inputs)))
