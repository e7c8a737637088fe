"""TensorFlow.js graph models (model.json + weight shards) to SavedModels with TensorFlow alone.

A tfjs graph model is a GraphDef in JSON whose Const values were moved to the weight files: the values are put
back (float16-quantized weights widened again), the graph is imported and pruned to the chosen outputs.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import tensorflow as tf
from google.protobuf import json_format
from tensorflow.core.framework import graph_pb2

DTYPES = {"float32": np.float32, "int32": np.int32, "float16": np.float16, "uint8": np.uint8, "uint16": np.uint16,
          "bool": np.bool_}


def read_weights(model_json: dict, folder: Path) -> dict[str, np.ndarray]:
    weights: dict[str, np.ndarray] = {}
    for group in model_json["weightsManifest"]:
        data = b"".join((folder / path).read_bytes() for path in group["paths"])
        offset = 0
        for spec in group["weights"]:
            quantization = spec.get("quantization")
            stored = np.dtype(DTYPES[quantization["dtype"] if quantization else spec["dtype"]])
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            array = np.frombuffer(data, stored, count, offset).reshape(spec["shape"])
            offset += count * stored.itemsize
            if quantization:
                if quantization["dtype"] != "float16":
                    raise ValueError(f"{spec['name']}: {quantization['dtype']} quantization is not supported")
                array = array.astype(DTYPES[spec["dtype"]])
            weights[spec["name"]] = array
    return weights


def graph_def(model_json_path: Path) -> graph_pb2.GraphDef:
    model = json.loads(model_json_path.read_text())
    graph = json_format.ParseDict(model["modelTopology"], graph_pb2.GraphDef(), ignore_unknown_fields=True)
    weights = read_weights(model, model_json_path.parent)
    for node in graph.node:
        if node.op == "Const" and node.name in weights:
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(weights[node.name]))
        elif node.op in ("_FusedConv2D", "_FusedDepthwiseConv2dNative") and "TArgs" not in node.attr:
            # tfjs drops the extra arguments' types; each is of the op's own type
            extra = len(node.input) - 2
            node.attr["TArgs"].list.type.extend([node.attr["T"].type] * extra)
            node.attr["num_args"].i = extra
    return graph


class GraphModule(tf.Module):
    """The pruned graph behind one serving signature: one input named `images`, outputs renamed."""

    def __init__(self, graph: graph_pb2.GraphDef, input_name: str, outputs: dict[str, str], input_shape):
        super().__init__()
        wrapped = tf.compat.v1.wrap_function(lambda: tf.graph_util.import_graph_def(graph, name=""), [])
        self._pruned = wrapped.prune(feeds=[wrapped.graph.get_tensor_by_name(input_name)],
                                     fetches={alias: wrapped.graph.get_tensor_by_name(name)
                                              for alias, name in outputs.items()})
        shape = [None if d == -1 else d for d in input_shape]
        self.serve = tf.function(lambda images: self._pruned(images),
                                 input_signature=[tf.TensorSpec(shape, tf.float32, name="images")])


def export(model_json_path: Path, input_name: str, outputs: dict[str, str], input_shape, target: Path) -> None:
    module = GraphModule(graph_def(model_json_path), input_name, outputs, input_shape)
    tf.saved_model.save(module, str(target), signatures={"serving_default": module.serve})
