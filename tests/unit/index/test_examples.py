"""Example questions: mapped to the passages holding their excerpt, embedded at ingest, used by search."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.index.examples import Example, ExampleBank, load_examples, passage_rows
from bot.index.ingest import ingest
from bot.index.store import current_build, load_index
from bot.language.query import Query
from bot.qa.search import Searcher
from bot.schema import Chunk
from tests.conftest import FIXTURES

EXCERPT = "Forældrene inviteres altid til en samtale, før der sendes en underretning"
QUESTION = "Hvad sker der inden papirerne går af sted?"


def _chunk(file: str, position: int, text: str) -> Chunk:
    return Chunk(f"{file}-{position}", file, "Titel", "Udgiver", None, "", position, text)


def test_an_excerpt_maps_to_the_passages_that_hold_it():
    chunks = [_chunk("a.txt", 0, "Første afsnit handler om noget helt andet end resten af teksten her."),
              _chunk("a.txt", 1, "Her står det, vi leder efter: dagplejeren ringer til rådgiveren, når hun er"),
              _chunk("a.txt", 2, "bekymret for et barn, og de taler om det sammen. Til sidst et tillæg."),
              _chunk("b.txt", 0, "Her står det, vi leder efter: dagplejeren ringer til rådgiveren i en kopi.")]
    straddling = Example("?", "a.txt", "dagplejeren ringer til rådgiveren, når hun er bekymret for et barn, og de taler")
    assert passage_rows(straddling, chunks) == (1, 2)  # not b.txt, although it holds part of it
    assert passage_rows(Example("?", "a.txt", "ord der slet ikke står nogen steder i teksten"), chunks) == ()
    assert passage_rows(Example("?", "c.txt", "Her står det, vi leder efter"), chunks) == ()
    assert passage_rows(Example("?", "a.txt", "til sidst"), chunks) == (2,)  # a short excerpt: shorter n-grams


def test_closeness_is_the_best_example_per_passage_and_skips_hidden_examples():
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    bank = ExampleBank(vectors, ((0,), (0, 2), (1,)), ("a", "b", "c"), ("q1", "q2", "q3"))
    query = np.array([1.0, 0.0], dtype=np.float32)
    assert bank.closeness(bank.similarities(query), 4).tolist() == pytest.approx([1.0, 0.0, 0.6, -1.0])
    hidden = bank.similarities(query, frozenset({"a"}))
    assert bank.closeness(hidden, 4).tolist() == pytest.approx([0.6, 0.0, 0.6, -1.0])
    empty = ExampleBank.empty(2)
    assert empty.closeness(empty.similarities(query), 3).tolist() == [-1.0, -1.0, -1.0]


def test_a_sentence_is_as_close_as_the_best_example_whose_excerpt_holds_it():
    sentences = ("Kommunen har ansat flere socialrådgivere i skolerne.",
                 "Det har givet færre anbringelser og en besparelse på 17 millioner kroner i 2020.",
                 "Læs mere på kommunens hjemmeside.")
    chunk = Chunk("a.txt-0", "a.txt", "Titel", "Udgiver", None, "", 0, " ".join(sentences), sentences=sentences)
    excerpts = ("færre anbringelser og en besparelse på 17 millioner kroner",  # part of the long second sentence
                "Kommunen har ansat flere socialrådgivere i skolerne. Det har givet færre",
                "Kommunen har ansat flere socialrådgivere i skolerne.")
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    bank = ExampleBank(vectors, ((0,), (0,), (1,)), ("a", "b", "c"), ("q1", "q2", "q3"), excerpts)
    similarities = bank.similarities(np.array([1.0, 0.0], dtype=np.float32))
    assert bank.sentence_closeness(similarities, 0, chunk).tolist() == pytest.approx([0.6, 1.0, -1.0])  # not c's row
    hidden = bank.similarities(np.array([1.0, 0.0], dtype=np.float32), frozenset({"a"}))
    assert bank.sentence_closeness(hidden, 0, chunk).tolist() == pytest.approx([0.6, -1.0, -1.0])
    without_excerpts = ExampleBank(vectors, ((0,), (0,), (1,)), ("a", "b", "c"), ("q1", "q2", "q3"))
    assert without_excerpts.sentence_closeness(similarities, 0, chunk).tolist() == [-1.0, -1.0, -1.0]


@pytest.fixture()
def corpus_with_examples(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", target)
    lines = [{"id": "e1", "question": QUESTION, "file": "dagpleje.md", "passage": EXCERPT},
             {"question": "Hvad står der ikke?", "file": "dagpleje.md", "passage": "ord som dokumentet slet ikke har"}]
    (target / "examples.jsonl").write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                                           encoding="utf-8")
    return target


def test_ingest_embeds_the_examples_and_rebuilds_when_they_change(corpus_with_examples: Path, tmp_path: Path,
                                                                 embedder):
    index_dir = tmp_path / "index"
    report = ingest(corpus_with_examples, index_dir, embedder)
    assert report.ok and "examples.jsonl" not in report.added  # not taken for a document
    assert "1 eksempelspørgsmål sprunget over" in report.warnings["examples.jsonl"]  # its excerpt is in no passage
    index = load_index(index_dir)
    assert index.manifest["example_count"] == len(index.examples) == 1
    assert all(index.chunks[row].file == "dagpleje.md" for row in index.examples.rows[0])
    assert np.allclose(index.examples.vectors[0], embedder.encode_queries([QUESTION])[0], atol=1e-5)
    first = current_build(index_dir)
    assert ingest(corpus_with_examples, index_dir, embedder).build == str(first)  # nothing changed: no new build
    (corpus_with_examples / "examples.jsonl").write_text("", encoding="utf-8")
    report = ingest(corpus_with_examples, index_dir, embedder)
    assert report.embedded == 0 and current_build(index_dir) != first  # rebuilt, no passage embedded again
    assert len(load_index(index_dir).examples) == 0 and load_examples(corpus_with_examples) == []


def test_search_prefers_the_passage_an_example_points_to(corpus_with_examples: Path, tmp_path: Path, embedder):
    ingest(corpus_with_examples, tmp_path / "index", embedder)
    searcher = Searcher(load_index(tmp_path / "index"), embedder)
    row = searcher.index.examples.rows[0][0]
    with_bank = {hit.row: hit.score for hit in searcher.search(QUESTION, 10)}
    searcher.hidden_examples = frozenset({"e1"})
    without = {hit.row: hit.score for hit in searcher.search(QUESTION, 10)}
    assert with_bank[row] - without[row] == pytest.approx(searcher.weights.example, abs=0.02)  # its own question
    assert max(with_bank, key=with_bank.__getitem__) == row


def test_the_sentence_an_example_points_to_is_supported_and_kept_with_the_build(corpus_with_examples: Path,
                                                                                tmp_path: Path, embedder):
    ingest(corpus_with_examples, tmp_path / "index", embedder)
    searcher = Searcher(load_index(tmp_path / "index"), embedder)
    assert searcher.index.examples.excerpts == (EXCERPT,)  # the excerpt survives the build's files
    query = Query.parse(QUESTION)
    hit = next(hit for hit in searcher.search(query, 10) if hit.row == searcher.index.examples.rows[0][0])
    support = searcher.example_support(query, searcher.encode(query))(hit)
    held = [EXCERPT.split(",")[0] in sentence for sentence in hit.chunk.sentences]
    assert support[held].min() == pytest.approx(1.0, abs=0.01) and support[[not h for h in held]].max() == 0.0
    searcher.hidden_examples = frozenset({"e1"})
    assert searcher.example_support(query, searcher.encode(query))(hit).max() == 0.0


def test_only_examples_naming_what_the_question_names_agree():
    questions = ("Hvad sparede Aabenraa på KIK?", "Hvad sparede Herning i 2016?", "Hvor ofte mødes teamet i Lærkereden?",
                 "Hvor ofte mødes teamet?")
    bank = ExampleBank(np.zeros((4, 2), dtype=np.float32), ((0,),) * 4, ("a", "b", "c", "d"), questions)

    def agreeing(question: str) -> list[bool]:
        query = Query.parse(question)
        return bank.agreeing(query.entities, list(query.names)).tolist()

    assert agreeing("Hvad har Herning sparet?") == [False, True, False, False]
    assert agreeing("Hvad sparede Herning i 2019?") == [False, False, False, False]  # another year
    assert agreeing("Hvor tit mødes det tværfaglige team i Lærkereden?") == [False, False, True, False]
    assert agreeing("Hvor tit mødes teamet?") == [True, True, True, True]  # names nothing: every example may count
