"""Ingest and hybrid search with the real model on a small fixture corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.documents.corpus import documents_named, load_sources
from bot.index.ingest import ingest
from bot.index.store import IndexUnavailable, current_build, load_index
from bot.index.vectors import build_vector_index, choose_index_type, index_type_of
from bot.language.analysis import ANALYSER_VERSION
from bot.language.query import Query
from bot.qa.search import EmptyQuery, Searcher, lexical_terms
from bot.settings import get_settings
from tests.conftest import FIXTURES, ROOT


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(FIXTURES / "corpus", target)
    return target


@pytest.fixture()
def built(fixture_index: Path, tmp_path: Path) -> Path:
    """A private copy of the built index (the `current` link is relative, so it copies)."""
    index_dir = tmp_path / "index"
    shutil.copytree(fixture_index, index_dir, symlinks=True)
    return index_dir


def test_index_round_trip_keeps_chunks_and_metadata(built: Path):
    index = load_index(built)
    assert index.manifest["chunk_count"] == len(index.chunks) == index.vectors.shape[0] == index.dense.ntotal
    assert index.manifest["model_id"] and set(index.manifest["files"]) == {
        "skolesocialraadgivere.txt", "dagpleje.md", "vejret.txt"}
    school = [c for c in index.chunks if c.file == "skolesocialraadgivere.txt"]
    assert school[0].title == "Socialrådgivere på skolerne i Testkommune" and school[0].year == 2022
    assert school[0].url == "https://example.dk/skole"
    weather = [c for c in index.chunks if c.file == "vejret.txt"][0]
    assert weather.title == "Vejrudsigt for weekenden"  # no metadata: first line


@pytest.mark.parametrize(
    ("question", "expected_file"),
    [
        ("Hvad har det kostet at have socialrådgivere på skolerne?", "skolesocialraadgivere.txt"),
        ("Har lærerne fået det lettere ved at handle på bekymringer om elever?", "skolesocialraadgivere.txt"),
        ("skal foraeldrene vide besked inden vi underretter fra dagplejen", "dagpleje.md"),
        ("Will it rain on Sunday?", "vejret.txt"),
    ],
)
def test_search_finds_the_right_file_for_paraphrases(built: Path, embedder, question: str, expected_file: str):
    hits = Searcher(load_index(built), embedder).search(question, 3)
    assert hits[0].chunk.file == expected_file
    assert hits[0].score >= hits[-1].score


def test_numbers_are_found_exactly(built: Path, embedder):
    hits = Searcher(load_index(built), embedder).search("5,1 mio. kr.", 1)
    assert "5,1 mio. kr." in hits[0].chunk.text


@pytest.mark.parametrize("question", ["", "   ", "?!"])
def test_empty_query_is_a_clear_error(built: Path, embedder, question: str):
    with pytest.raises(EmptyQuery):
        Searcher(load_index(built), embedder).search(question)


def test_incremental_ingest_embeds_only_changes(built: Path, corpus: Path, embedder):
    before = load_index(built)
    unchanged = ingest(corpus, built, embedder)
    assert unchanged.embedded == 0 and current_build(built) == before.path

    (corpus / "dagpleje.md").write_text("# Sparring i dagplejen\n\nNy tekst om 42 dagplejere.", encoding="utf-8")
    (corpus / "vejret.txt").unlink()
    report = ingest(corpus, built, embedder)
    assert report.changed == ["dagpleje.md"] and report.removed == ["vejret.txt"]
    assert report.unchanged == ["skolesocialraadgivere.txt"]
    assert report.embedded == len([c for c in load_index(built).chunks if c.file == "dagpleje.md"])
    after = load_index(built)
    assert not any(c.file == "vejret.txt" for c in after.chunks)
    assert any("42 dagplejere" in c.text for c in after.chunks)


def test_a_new_analyser_rebuilds_the_lexical_index_without_re_embedding(built: Path, corpus: Path, embedder):
    before = load_index(built)
    manifest = before.path / "manifest.json"
    manifest.write_text(json.dumps({**before.manifest, "analyser_version": ANALYSER_VERSION - 1}), encoding="utf-8")
    report = ingest(corpus, built, embedder)
    after = load_index(built)
    assert report.ok and report.embedded == 0 and after.path != before.path
    assert after.manifest["analyser_version"] == ANALYSER_VERSION
    assert (after.vectors == before.vectors).all()


def test_unreadable_file_is_reported_and_the_rest_indexed(built: Path, corpus: Path, embedder):
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\x00 not utf-8 \xc3")
    report = ingest(corpus, built, embedder)
    assert not report.ok and "broken.txt" in report.failed and "UTF-8" in report.failed["broken.txt"]
    assert {c.file for c in load_index(built).chunks} == {"skolesocialraadgivere.txt", "dagpleje.md", "vejret.txt"}


def test_failed_ingest_keeps_the_old_index(built: Path, corpus: Path, embedder):
    before = current_build(built)

    class Exploding:
        model_id = embedder.model_id

        def encode_passages(self, texts):
            raise RuntimeError("power cut")

    (corpus / "dagpleje.md").write_text("# Ændret\n\nNyt indhold.", encoding="utf-8")
    with pytest.raises(RuntimeError):
        ingest(corpus, built, Exploding())
    assert current_build(built) == before
    assert any("Forældrene inviteres altid" in c.text for c in load_index(built).chunks)


def test_missing_and_corrupt_index_name_the_fix(tmp_path: Path, built: Path):
    with pytest.raises(IndexUnavailable, match="ingest"):
        load_index(tmp_path / "nowhere")
    (current_build(built) / "dense.faiss").write_bytes(b"garbage")
    with pytest.raises(IndexUnavailable, match="ingest"):
        load_index(built)


def test_adjacent_rows_are_the_passages_around_a_chunk_in_its_document():
    index = load_index(get_settings().index_dir)  # the project's index: its documents have many passages
    for row, chunk in enumerate(index.chunks):
        around = {(index.chunks[r].file, index.chunks[r].position) for r in index.adjacent_rows(row)}
        expected = {(c.file, c.position) for c in index.chunks
                    if c.file == chunk.file and abs(c.position - chunk.position) == 1}
        assert around == expected
    assert any(index.adjacent_rows(row) for row in range(len(index.chunks)))


def test_index_type_follows_size():
    import numpy as np

    assert choose_index_type(1_000) == "flat" and choose_index_type(1_000_000) == "hnsw"
    vectors = np.random.default_rng(0).normal(size=(50, 8)).astype("float32")
    assert index_type_of(build_vector_index(vectors, "hnsw")) == "hnsw"


def test_cli_search_json_and_batch(built: Path, tmp_path: Path):
    env_cmd = [sys.executable, "-m", "bot", "search", "Hvad koster ordningen om året?", "--index", str(built),
               "-k", "2", "--json"]
    hits = json.loads(subprocess.run(env_cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert len(hits) == 2 and {"file", "title", "publisher", "passage", "score"} <= set(hits[0])
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "question": "regn søndag?", "extra": 1}\n{"id": "b", "question": "dagpleje"}\n')
    lines = subprocess.run([sys.executable, "-m", "bot", "search", "--batch", str(batch), "--index", str(built)],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]
    assert json.loads(lines[0])["hits"][0]["file"] == "vejret.txt"


def test_cli_ingest_reports_unreadable_file_and_exits_non_zero(corpus: Path, tmp_path: Path):
    (corpus / "broken.txt").write_bytes(b"\xff\xfe broken")
    result = subprocess.run([sys.executable, "-m", "bot", "ingest", "--corpus", str(corpus),
                             "--index", str(tmp_path / "idx")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "broken.txt" in result.stderr
    assert "failed 1" in result.stdout


def test_a_comparison_gets_the_passage_about_each_place(tmp_path: Path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    herning = ("Herning investerede i tidlig indsats for udsatte familier og sparede 4,7 mio. kr. på anbringelser. "
               "Sagsbehandlerne i Herning fik færre sager og fulgte familierne tæt.")
    (corpus / "herning1.txt").write_text(herning, encoding="utf-8")
    (corpus / "herning2.txt").write_text(herning.replace("4,7", "5,2"), encoding="utf-8")
    (corpus / "liste.txt").write_text("Projektet om udsatte familier blev gennemført i Aalborg, Aarhus, Assens, "
                                      "Faxe, Fredericia og Thisted.", encoding="utf-8")
    (corpus / "aarhus.txt").write_text("I Aarhus gav projektet Tættere på Familien en besparelse på 6,3 millioner "
                                       "kroner for børn med handicap.", encoding="utf-8")
    assert ingest(corpus, tmp_path / "index", embedder).ok
    searcher = Searcher(load_index(tmp_path / "index"), embedder)
    files = [hit.chunk.file for hit in searcher.search("Herning eller Aarhus – hvor har tidlig indsats sparet mest?", 2)]
    assert "aarhus.txt" in files and any(f.startswith("herning") for f in files)
    alone = [hit.chunk.file for hit in searcher.search("Hvad har Herning sparet på tidlig indsats?", 2)]
    assert set(alone) == {"herning1.txt", "herning2.txt"}


def test_a_publisher_named_as_the_source_is_no_search_term():
    publishers = frozenset({"KL", "VIVE"})
    assert lexical_terms(Query.parse("Hvad mener KL om samskabelse?"), publishers) == ("men", "samskab")
    # An organisation that publishes none of the documents is part of the subject.
    assert "socialstyr" in lexical_terms(Query.parse("Hvilken rolle har Socialstyrelsen ifølge KL?"), publishers)
    # A question that is nothing but the publisher's name keeps it.
    assert lexical_terms(Query.parse("KL?"), publishers) == ("kl",)


def test_a_document_named_by_what_people_call_it_is_preferred(tmp_path: Path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = ("Herning investerede i tidlig indsats for udsatte familier og sparede 4,7 mio. kr. på anbringelser. "
            "Sagsbehandlerne i Herning fik færre sager og fulgte familierne tæt.")
    # Nearly the same text twice: only the name a question uses tells them apart.
    (corpus / "slides.txt").write_text(f"{text} Se side 4.", encoding="utf-8")
    (corpus / "folder.txt").write_text(f"{text} Se side 7.", encoding="utf-8")
    (corpus / "andet.txt").write_text("Kommunerne skal samarbejde med frivillige foreninger.", encoding="utf-8")
    (corpus / "sources.yml").write_text("documents:\n  - file: slides.txt\n    called: [slide]\n"
                                        "  - file: folder.txt\n    called: [valgfolder]\n", encoding="utf-8")
    assert ingest(corpus, tmp_path / "index", embedder).ok
    searcher = Searcher(load_index(tmp_path / "index"), embedder,
                        named=lambda text: documents_named(text, load_sources(corpus)))
    for question, wanted in (("Hvad sparede Herning ifølge valgfolderen?", "folder.txt"),
                             ("Hvad sparede Herning ifølge DS' slides?", "slides.txt")):
        hits = searcher.search(question, 2)
        assert hits[0].chunk.file == wanted and hits[0].score > hits[1].score, question
