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
from tensorflow.core.framework import graph_pb2, node_def_pb2

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
    nodes = []
    for node in graph.node:
        if node.op == "Const" and node.name in weights:
            node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(weights[node.name]))
        nodes += split_fused(node) if node.op in FUSED else [node]
    del graph.node[:]
    graph.node.extend(nodes)
    return graph


# tfjs's fused ops and the plain op each one starts with; the rest (bias, activation) become their own nodes.
FUSED = {"_FusedConv2D": "Conv2D", "FusedDepthwiseConv2dNative": "DepthwiseConv2dNative",
         "_FusedDepthwiseConv2dNative": "DepthwiseConv2dNative", "_FusedMatMul": "MatMul"}
BASE_ATTRS = {"Conv2D": ("T", "strides", "padding", "explicit_paddings", "data_format", "dilations"),
              "DepthwiseConv2dNative": ("T", "strides", "padding", "explicit_paddings", "data_format", "dilations"),
              "MatMul": ("T", "transpose_a", "transpose_b")}
ACTIVATIONS = {"Relu", "Relu6", "Elu", "Sigmoid", "Tanh"}


def split_fused(node) -> list:
    """A fused node as base op -> BiasAdd -> activation, the last one keeping the node's name."""
    base_op, fused = FUSED[node.op], [op.decode() for op in node.attr["fused_ops"].list.s]
    unknown = [op for op in fused if op != "BiasAdd" and op not in ACTIVATIONS]
    if unknown:
        raise ValueError(f"{node.name}: fused {unknown} cannot be split")
    steps = [("base", base_op, list(node.input[:2]))]
    if "BiasAdd" in fused:
        steps.append(("bias", "BiasAdd", [None, node.input[2]]))
    steps += [(op.lower(), op, [None]) for op in fused if op in ACTIVATIONS]
    result, previous = [], None
    for i, (suffix, op, inputs) in enumerate(steps):
        part = node_def_pb2.NodeDef()
        part.name = node.name if i == len(steps) - 1 else f"{node.name}/{suffix}"
        part.op = op
        part.device = node.device
        part.input.extend(previous if name is None else name for name in inputs)
        part.attr["T"].CopyFrom(node.attr["T"])
        if op == base_op:
            for key in BASE_ATTRS[op]:
                if key in node.attr:
                    part.attr[key].CopyFrom(node.attr[key])
        if op == "BiasAdd" and "data_format" in node.attr:
            part.attr["data_format"].CopyFrom(node.attr["data_format"])
        result.append(part)
        previous = part.name
    return result


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
