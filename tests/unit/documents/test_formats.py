"""Documents in every format: read with their structure, ingested, and answered through `bot ask`.

The fixture report "Familiehuset i Fjordby" (tests/fixture_documents.py) states facts no
corpus document has; each format is written with its own library (fpdf2, python-docx) and
read back with the project's readers, the real embedding model and a real FAISS index.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.documents.chunking import chunk_document
from bot.documents.corpus import load_document
from bot.documents.pdf_text import page_paragraphs
from bot.documents.readers import PAGE_BREAK, UnreadableDocument, read_text
from bot.index.ingest import ingest
from bot.index.store import load_index
from bot.schema import Document, SourceInfo
from tests.conftest import ROOT
from tests.fixture_documents import (
    ECONOMY_FACT,
    FACT,
    FORMATS,
    QUESTION,
    TITLE,
    add_metadata,
    copy_corpus,
    write_document,
)


def _ask(question: str, index_dir: Path) -> list[dict]:
    """`python -m bot ask --json` in a subprocess: the messages the bot would send."""
    run = subprocess.run([sys.executable, "-m", "bot", "ask", question, "--index", str(index_dir), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return copy_corpus(tmp_path)


@pytest.fixture()
def index_dir(fixture_index: Path, tmp_path: Path) -> Path:
    """A private copy of the fixture index (incremental ingest embeds only what is new)."""
    return Path(shutil.copytree(fixture_index, tmp_path / "index", symlinks=True))


# --- reading: structure, headings, pages -------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_as_paragraphs_with_the_facts(tmp_path: Path, fmt: str):
    text = read_text(write_document(tmp_path, fmt))
    paragraphs = [p.strip("# ") for p in text.replace(PAGE_BREAK, "\n\n").split("\n\n") if p.strip()]
    assert paragraphs[0] == TITLE
    assert "Økonomi" in paragraphs and "Hvem fik hjælp" in paragraphs
    assert any(p.startswith("I 2024 fik 317 familier hjælp") and p.endswith("inden for tre måneder.")
               for p in paragraphs), paragraphs
    assert "Forside" not in text and "Cookiepolitik" not in text  # the web page's menu and footer


@pytest.mark.parametrize("fmt", ["md", "docx", "html"])
def test_headings_are_marked_by_level(tmp_path: Path, fmt: str):
    lines = read_text(write_document(tmp_path, fmt)).splitlines()
    assert f"# {TITLE}" in lines and "## Økonomi" in lines and "## Forældregrupper" in lines


def test_pdf_chunks_keep_their_page(tmp_path: Path):
    chunks = chunk_document(load_document(write_document(tmp_path, "pdf"), {}))
    by_fact = {fact: next(c for c in chunks if fact in c.text) for fact in (FACT, ECONOMY_FACT)}
    assert by_fact[FACT].page == 1
    assert by_fact[ECONOMY_FACT].page == 2 and by_fact[ECONOMY_FACT].heading == "Økonomi"


def test_chunks_keep_the_heading_they_stand_under():
    paragraph = " ".join(["Familierådgiverne mødes med lærerne hver uge og taler om elevernes trivsel."] * 6)
    text = "\n\n".join(["# Rapport", "## Skolen", paragraph, paragraph, paragraph, "## Dagtilbud", paragraph, paragraph])
    chunks = chunk_document(Document(SourceInfo("r.md", "R"), text))
    # A heading opens a new passage; a lone title joins the first section's passage.
    assert [c.heading for c in chunks] == ["Skolen", "Dagtilbud"]
    assert chunks[0].text.startswith("Rapport\nSkolen\nFamilierådgiverne")
    assert chunks[1].text.startswith("Dagtilbud\nFamilierådgiverne")
    assert not any("#" in c.text for c in chunks)


def test_pdf_pages_lose_running_headers_and_page_numbers_and_mend_hyphens():
    bodies = ["Indledning", "Tre familier fik hjælp.", "I 2024 fik 317 familier hjælp i forebyg-\n"
              "gelsen, og social- og sundhedsområdet.", "Tabel 2\nI alt 12"]
    pages = [f"Fjordby Kommune · Årsrapport 2024\n{body}\nSide {n} af 4" for n, body in enumerate(bodies, 1)]
    result = page_paragraphs(pages)
    assert result[2] == "I 2024 fik 317 familier hjælp i forebyggelsen, og social- og sundhedsområdet."
    assert result[0] == "Indledning" and result[3] == "Tabel 2 I alt 12"


# --- unreadable files --------------------------------------------------------------------


def _encrypted_pdf(folder: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=write_document(folder, "pdf"))
    writer.encrypt("hemmelig", algorithm="AES-256")
    writer.write(folder / "krypteret.pdf")
    return folder / "krypteret.pdf"


def _blank_pdf(folder: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.output(str(folder / "tom.pdf"))
    return folder / "tom.pdf"


def _zip_without_document(folder: Path) -> Path:
    with zipfile.ZipFile(folder / "ikke-word.docx", "w") as archive:
        archive.writestr("hej.txt", "ingen Word-dokument her")
    return folder / "ikke-word.docx"


@pytest.mark.parametrize(("make", "reason"), [(_encrypted_pdf, "beskyttet med adgangskode"),
                                              (_blank_pdf, "ingen tekst"),
                                              (_zip_without_document, "ikke en gyldig Word-fil")])
def test_encrypted_or_blank_pdf_and_broken_docx_say_why(tmp_path: Path, make, reason: str):
    with pytest.raises(UnreadableDocument, match=reason):
        read_text(make(tmp_path))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("kaputt.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nstop", "ikke en gyldig PDF-fil"),
        ("nul.pdf", b"", "ikke en gyldig PDF-fil"),
        ("kaputt.docx", b"PK\x03\x04 not a zip", "ikke en gyldig Word-fil"),
        ("gammel.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "gammelt .doc-format"),
        ("billede.html", b"<html><head><script>var x = 1;</script></head><body><img src=x.png></body></html>",
         "ingen brødtekst"),
        ("latin1.txt", "Børn".encode("latin-1"), "ikke gyldig UTF-8"),
    ],
)
def test_corrupt_files_say_why(tmp_path: Path, name: str, content: bytes, reason: str):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(UnreadableDocument, match=reason):
        read_text(tmp_path / name)


# --- ingest and ask ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_ingested_and_answered_with_its_citation(corpus: Path, index_dir: Path, embedder, fmt: str):
    name = write_document(corpus, fmt).name
    add_metadata(corpus, name)
    report = ingest(corpus, index_dir, embedder)
    assert report.added == [name] and report.ok and set(report.warnings) == {"vejret.txt"}  # no metadata
    assert report.embedded == len([c for c in load_index(index_dir).chunks if c.file == name])

    messages = _ask(QUESTION, index_dir)
    answer = messages[-1]["custom"]
    assert [m["custom"]["kind"] for m in messages] == ["answer"]
    assert FACT in messages[-1]["text"] and TITLE in messages[-1]["text"]
    assert answer["sources"][0]["file"] == name and answer["sources"][0]["title"] == TITLE
    assert FACT in answer["sources"][0]["passage"] and answer["sources"][0]["score"] > 0


def test_corrupt_pdf_is_skipped_by_name_and_a_file_without_metadata_gets_a_title_and_warning(
        corpus: Path, index_dir: Path):
    name = write_document(corpus, "docx").name  # no sources.yml entry
    (corpus / "kaputt.pdf").write_bytes(b"%PDF-1.4\nthis is no PDF\n")
    run = subprocess.run([sys.executable, "-m", "bot", "ingest", "--corpus", str(corpus), "--index", str(index_dir)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 1
    assert "kaputt.pdf" in run.stderr
    assert "Sprunget over: 1\n  - kaputt.pdf: ikke en gyldig PDF-fil" in run.stdout
    assert "Advarsler: 2\n" in run.stdout
    assert f"  - {name}: ingen post i sources.yml; titlen er sat til »{TITLE}«\n" in run.stdout
    assert f"Tilføjet: 1 ({name})" in run.stdout and "Uændret: 3" in run.stdout
    index = load_index(index_dir)
    assert {c.file for c in index.chunks} == {"skolesocialraadgivere.txt", "dagpleje.md", "vejret.txt", name}
    assert {c.title for c in index.chunks if c.file == name} == {TITLE}

    messages = _ask(QUESTION, index_dir)
    assert messages[-1]["custom"]["sources"][0]["file"] == name


def test_removing_a_file_removes_its_chunks(corpus: Path, index_dir: Path, embedder):
    path = write_document(corpus, "html")
    add_metadata(corpus, path.name)
    ingest(corpus, index_dir, embedder)
    assert any(c.file == path.name for c in load_index(index_dir).chunks)
    path.unlink()
    report = ingest(corpus, index_dir, embedder)
    assert report.removed == [path.name] and report.embedded == 0
    assert not any(c.file == path.name or FACT in c.text for c in load_index(index_dir).chunks)


def test_a_file_that_becomes_unreadable_leaves_the_index(corpus: Path, index_dir: Path, embedder):
    path = write_document(corpus, "pdf")
    ingest(corpus, index_dir, embedder)
    path.write_bytes(b"%PDF-1.4 overwritten by a failed download")
    report = ingest(corpus, index_dir, embedder)
    assert report.removed == [path.name] and path.name in report.failed
    assert not any(c.file == path.name for c in load_index(index_dir).chunks)


def test_unsupported_files_are_skipped_with_a_reason(corpus: Path, index_dir: Path, embedder):
    (corpus / "budget.xlsx").write_bytes(b"PK\x03\x04")
    (corpus / "~$notat.docx").write_bytes(b"Word lock file")
    report = ingest(corpus, index_dir, embedder)
    assert report.failed == {"budget.xlsx": "filtypen '.xlsx' understøttes ikke (brug .docx, .htm, .html, .md, "
                                            ".pdf, .txt)"}


def test_progress_bar_on_stderr_only_when_asked_or_long(corpus: Path, index_dir: Path, embedder, capsys):
    write_document(corpus, "md")
    ingest(corpus, index_dir, embedder)
    assert "Indlejrer" not in capsys.readouterr().err  # a short run, stderr is no terminal
    (corpus / "andet.txt").write_text("Et andet notat om forældregrupper i dagtilbud.", encoding="utf-8")  # not a copy
    ingest(corpus, index_dir, embedder, progress=True)
    assert "Indlejrer" in capsys.readouterr().err


def test_ask_gives_the_emergency_message_first_like_the_action(index_dir: Path):
    messages = _ask("Min elev har blå mærker på halsen og tør ikke gå hjem i dag", index_dir)
    assert messages[0]["custom"]["kind"] == "emergency" and "112" in messages[0]["text"]
    assert len(messages) == 2


def test_ask_without_an_index_names_the_fix(tmp_path: Path):
    run = subprocess.run([sys.executable, "-m", "bot", "ask", QUESTION, "--index", str(tmp_path / "intet")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and "ingest" in run.stderr
