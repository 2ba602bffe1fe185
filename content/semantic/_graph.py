"""Builds the ONNX graph of the MiniLM sentence encoder from its safetensors weights.

No exported graph ships with the weights and no torch is installed to export one, so the BERT
encoder is written out op by op: embeddings, 6 post-norm transformer layers, mean pooling over the
attention mask and L2 normalisation. Inputs are `input_ids` and `attention_mask` (int64, batch x
tokens); the output `sentence_embedding` is float32, batch x hidden.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Standard ops only (LayerNormalization needs 17); onnxruntime fuses the GELU and skip + LayerNorm.
OPSET = 17
IR_VERSION = 8


@dataclass(frozen=True)
class BertShape:
    hidden: int = 384
    heads: int = 12
    layers: int = 6
    intermediate: int = 1536
    layer_norm_eps: float = 1e-12

    @classmethod
    def from_config(cls, config_json: str) -> BertShape:
        config = json.loads(config_json)
        if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("config.json describes a BERT variant this graph does not implement")
        return cls(
            hidden=config["hidden_size"],
            heads=config["num_attention_heads"],
            layers=config["num_hidden_layers"],
            intermediate=config["intermediate_size"],
            layer_norm_eps=config["layer_norm_eps"],
        )


class _GraphWriter:
    """Collects nodes and initializers, naming each intermediate value after the node that makes it."""

    def __init__(self, int8_block_size: int | None) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.int8_block_size = int8_block_size

    def constant(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str, **attributes) -> str:
        self.nodes.append(helper.make_node(op_type, inputs, [name], name=name, **attributes))
        return name

    def dense(self, x: str, weights: dict[str, np.ndarray], key: str) -> str:
        b = self.constant(f"{key}.bias", weights[f"{key}.bias"].astype(np.float32))
        if self.int8_block_size:
            product = self.int8_matmul(x, weights[f"{key}.weight"].astype(np.float32), key)
        else:
            # Torch stores Linear weights as (out, in); MatMul wants (in, out).
            w = self.constant(f"{key}.weight_t", weights[f"{key}.weight"].astype(np.float32).T)
            product = self.op("MatMul", [x, w], f"{key}/MatMul")
        return self.op("Add", [product, b], f"{key}/Add")

    def int8_matmul(self, x: str, weight: np.ndarray, key: str) -> str:
        """x @ weight.T with int8 weights, one scale per block of `int8_block_size` inputs per output.

        onnxruntime's MatMulNBits: weights stored as uint8 offset by 128, (out, blocks, block_size).
        With accuracy_level 4 it quantizes the activations too, block by block and row by row, so
        a long text in the batch does not coarsen a short one (as dynamic per-tensor int8 does).
        """
        block = self.int8_block_size
        out_features, in_features = weight.shape
        if in_features % block:
            raise ValueError(f"{key}: {in_features} inputs do not split into blocks of {block}")
        blocks = weight.reshape(out_features, in_features // block, block)
        scales = np.abs(blocks).max(axis=2) / 127.0
        scales = np.where(scales == 0, 1.0, scales).astype(np.float32)
        quantized = np.clip(np.rint(blocks / scales[:, :, None]), -127, 127).astype(np.int16) + 128
        packed = self.constant(f"{key}.weight_int8", quantized.astype(np.uint8))
        scale = self.constant(f"{key}.weight_scales", scales)
        name = f"{key}/MatMulNBits"
        self.nodes.append(
            helper.make_node(
                "MatMulNBits",
                [x, packed, scale],
                [name],
                name=name,
                domain="com.microsoft",
                K=in_features,
                N=out_features,
                bits=8,
                block_size=block,
                accuracy_level=4,
            )
        )
        return name

    def layer_norm(self, x: str, weights: dict[str, np.ndarray], key: str, eps: float) -> str:
        gamma = self.constant(f"{key}.weight", weights[f"{key}.weight"].astype(np.float32))
        beta = self.constant(f"{key}.bias", weights[f"{key}.bias"].astype(np.float32))
        return self.op("LayerNormalization", [x, gamma, beta], f"{key}/LayerNorm", axis=-1, epsilon=eps)


def build_graph(
    weights: dict[str, np.ndarray], shape: BertShape, *, int8_block_size: int | None = None
) -> onnx.ModelProto:
    """The graph, in float32 or, given a block size, with the dense layers' weights in int8."""
    g = _GraphWriter(int8_block_size)
    head_size = shape.hidden // shape.heads

    # Embeddings. Every token has type 0 for single sentences, so that row is folded into the
    # position table, which is sliced to the input's length.
    word_table = g.constant("embeddings.word_embeddings.weight", weights["embeddings.word_embeddings.weight"])
    position_table = g.constant(
        "embeddings.position_plus_type0",
        (
            weights["embeddings.position_embeddings.weight"] + weights["embeddings.token_type_embeddings.weight"][0]
        ).astype(np.float32),
    )
    seq_len = g.op("Shape", ["input_ids"], "seq_len", start=1, end=2)
    zero = g.constant("const.zero_1d", np.array([0], dtype=np.int64))
    positions = g.op("Slice", [position_table, zero, seq_len, zero], "embeddings/positions")
    words = g.op("Gather", [word_table, "input_ids"], "embeddings/words")
    x = g.op("Add", [words, positions], "embeddings/sum")
    x = g.layer_norm(x, weights, "embeddings.LayerNorm", shape.layer_norm_eps)

    # Padded keys get a large negative score so that softmax gives them no weight.
    mask = g.op("Cast", ["attention_mask"], "mask_float", to=TensorProto.FLOAT)
    one = g.constant("const.one", np.array(1.0, dtype=np.float32))
    big_negative = g.constant("const.big_negative", np.array(-10000.0, dtype=np.float32))
    inverted = g.op("Sub", [one, mask], "mask_inverted")
    key_bias = g.op("Mul", [inverted, big_negative], "key_bias_2d")
    key_bias = g.op("Unsqueeze", [key_bias, g.constant("const.axes_1_2", np.array([1, 2], dtype=np.int64))], "key_bias")

    split_shape = g.constant("const.split_heads", np.array([0, 0, shape.heads, head_size], dtype=np.int64))
    merge_shape = g.constant("const.merge_heads", np.array([0, 0, shape.hidden], dtype=np.int64))
    scale = g.constant("const.attention_scale", np.array(1.0 / np.sqrt(head_size), dtype=np.float32))
    sqrt2 = g.constant("const.sqrt2", np.array(np.sqrt(2.0), dtype=np.float32))
    half = g.constant("const.half", np.array(0.5, dtype=np.float32))

    for layer in range(shape.layers):
        p = f"encoder.layer.{layer}"

        def heads(name: str, perm: list[int], p: str = p, x: str = x) -> str:
            projected = g.dense(x, weights, f"{p}.attention.self.{name}")
            split = g.op("Reshape", [projected, split_shape], f"{p}.attention.self.{name}/Reshape")
            return g.op("Transpose", [split], f"{p}.attention.self.{name}/Transpose", perm=perm)

        q = heads("query", [0, 2, 1, 3])
        k = heads("key", [0, 2, 3, 1])
        v = heads("value", [0, 2, 1, 3])
        scores = g.op("MatMul", [q, k], f"{p}.attention.self/scores")
        scores = g.op("Mul", [scores, scale], f"{p}.attention.self/scaled")
        scores = g.op("Add", [scores, key_bias], f"{p}.attention.self/masked")
        probs = g.op("Softmax", [scores], f"{p}.attention.self/Softmax", axis=-1)
        context = g.op("MatMul", [probs, v], f"{p}.attention.self/context")
        context = g.op("Transpose", [context], f"{p}.attention.self/context_t", perm=[0, 2, 1, 3])
        context = g.op("Reshape", [context, merge_shape], f"{p}.attention.self/merged")
        attended = g.dense(context, weights, f"{p}.attention.output.dense")
        residual = g.op("Add", [attended, x], f"{p}.attention.output/residual")
        x = g.layer_norm(residual, weights, f"{p}.attention.output.LayerNorm", shape.layer_norm_eps)

        # GELU with erf, written the way onnxruntime's GELU fusion recognises it.
        inner = g.dense(x, weights, f"{p}.intermediate.dense")
        erf = g.op("Erf", [g.op("Div", [inner, sqrt2], f"{p}.intermediate/div")], f"{p}.intermediate/erf")
        gelu = g.op("Mul", [inner, g.op("Add", [erf, one], f"{p}.intermediate/add1")], f"{p}.intermediate/mul")
        gelu = g.op("Mul", [gelu, half], f"{p}.intermediate/gelu")
        out = g.dense(gelu, weights, f"{p}.output.dense")
        residual = g.op("Add", [out, x], f"{p}.output/residual")
        x = g.layer_norm(residual, weights, f"{p}.output.LayerNorm", shape.layer_norm_eps)

    # Mean pooling over real tokens, then L2 normalisation (sentence-transformers' Pooling + Normalize).
    mask_3d = g.op("Unsqueeze", [mask, g.constant("const.axes_2", np.array([2], dtype=np.int64))], "pool/mask_3d")
    axis_1 = g.constant("const.axes_1", np.array([1], dtype=np.int64))
    summed = g.op("ReduceSum", [g.op("Mul", [x, mask_3d], "pool/masked"), axis_1], "pool/sum", keepdims=0)
    counts = g.op("ReduceSum", [mask_3d, axis_1], "pool/count", keepdims=0)
    counts = g.op("Max", [counts, g.constant("const.min_count", np.array(1e-9, dtype=np.float32))], "pool/count_min")
    pooled = g.op("Div", [summed, counts], "pool/mean")
    norm = g.op("ReduceL2", [pooled], "norm/l2", axes=[1], keepdims=1)
    norm = g.op("Max", [norm, g.constant("const.min_norm", np.array(1e-12, dtype=np.float32))], "norm/l2_min")
    g.op("Div", [pooled, norm], "sentence_embedding")

    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        outputs=[helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", shape.hidden])],
        initializer=g.initializers,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="enablement")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model
