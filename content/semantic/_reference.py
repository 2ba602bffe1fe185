"""A plain numpy forward pass of the MiniLM BERT encoder, mean pooling and L2 normalisation.

It is the yardstick the ONNX graph is checked against (when it is built and in the tests), not the
runtime: it is several times slower and holds every weight as a numpy array.
"""

from __future__ import annotations

import numpy as np

from content.semantic._graph import BertShape


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7, under float32's resolution of GELU's
    # output, and fast enough for a 256-token batch (math.erf element by element takes seconds).
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return (np.sign(x) * (1.0 - poly * np.exp(-x * x))).astype(x.dtype)


def _dense(x: np.ndarray, weights: dict[str, np.ndarray], name: str, dtype) -> np.ndarray:
    return x @ weights[f"{name}.weight"].astype(dtype).T + weights[f"{name}.bias"].astype(dtype)


def reference_encode(
    weights: dict[str, np.ndarray],
    input_ids: np.ndarray,
    attention_mask: np.ndarray,
    *,
    shape: BertShape,
    dtype=np.float32,
) -> np.ndarray:
    """Sentence vectors (batch, hidden) for padded token ids, as sentence-transformers computes them."""
    w = {name: np.asarray(value) for name, value in weights.items()}
    batch, seq = input_ids.shape
    x = (
        w["embeddings.word_embeddings.weight"][input_ids]
        + w["embeddings.position_embeddings.weight"][np.arange(seq)][None, :, :]
        + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
    ).astype(dtype)
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], shape.layer_norm_eps)
    mask = attention_mask.astype(dtype)
    # Padded keys get a large negative score so that softmax gives them no weight.
    key_bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
    heads, head_size = shape.heads, shape.hidden // shape.heads

    def split_heads(t: np.ndarray) -> np.ndarray:
        # Contiguous, so that numpy's stacked matmul goes through BLAS.
        return np.ascontiguousarray(t.reshape(batch, seq, heads, head_size).transpose(0, 2, 1, 3))

    for layer in range(shape.layers):
        prefix = f"encoder.layer.{layer}"
        q = split_heads(_dense(x, w, f"{prefix}.attention.self.query", dtype))
        k = split_heads(_dense(x, w, f"{prefix}.attention.self.key", dtype))
        v = split_heads(_dense(x, w, f"{prefix}.attention.self.value", dtype))
        scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) / np.sqrt(head_size).astype(dtype) + key_bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = scores / scores.sum(axis=-1, keepdims=True)
        context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, shape.hidden)
        attended = _dense(context, w, f"{prefix}.attention.output.dense", dtype)
        x = _layer_norm(
            attended + x,
            w[f"{prefix}.attention.output.LayerNorm.weight"],
            w[f"{prefix}.attention.output.LayerNorm.bias"],
            shape.layer_norm_eps,
        )
        inner = _dense(x, w, f"{prefix}.intermediate.dense", dtype)
        inner = inner * 0.5 * (1.0 + _erf(inner / np.sqrt(2.0).astype(dtype)))
        out = _dense(inner, w, f"{prefix}.output.dense", dtype)
        x = _layer_norm(
            out + x,
            w[f"{prefix}.output.LayerNorm.weight"],
            w[f"{prefix}.output.LayerNorm.bias"],
            shape.layer_norm_eps,
        )
    summed = (x * mask[:, :, None]).sum(axis=1)
    pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
