"""A fictional municipal report, "Familiehuset i Fjordby", written in every corpus format.

Its facts (317 families, 4,6 and 7,9 mio. kr., 38 fathers) are in no corpus document, so
an answer that states them must come from the file written here. The PDF has the
"Økonomi" section on page 2; the other formats mark their headings as the format does
(Markdown `#`, Word heading styles, HTML h1/h2).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import FIXTURES

FORMATS = ("txt", "md", "pdf", "docx", "html")
TITLE = "Familiehuset i Fjordby – status 2024"
PUBLISHER = "Fjordby Kommune, Børn og Familie"
QUESTION = "Hvor mange familier fik hjælp i Familiehuset i Fjordby i 2024?"
FACT = "317 familier"
ECONOMY_FACT = "7,9 mio. kr."
# A question the fixture corpus answers (tests/fixtures/corpus/skolesocialraadgivere.txt).
CORPUS_QUESTION = "Hvad har det kostet at have socialrådgivere på skolerne?"

# (heading level or 0 for a paragraph, text); PAGE marks the PDF's page break.
PAGE = (-1, "")
BLOCKS: list[tuple[int, str]] = [
    (1, TITLE),
    (0, "Fjordby Kommune åbnede Familiehuset på Havnevej i marts 2023 som en del af kommunens omlægning "
        "til en tidlig forebyggende indsats. Huset samler sundhedsplejersker, familierådgivere og en "
        "psykolog under ét tag, så familier kan få hjælp uden at vente på en sag i myndighedsafdelingen."),
    (2, "Hvem fik hjælp"),
    (0, "I 2024 fik 317 familier hjælp i Familiehuset. Heraf kom 142 familier selv, uden en henvisning "
        "fra kommunen. Den gennemsnitlige ventetid på en første samtale var seks dage, og 81 procent af "
        "familierne afsluttede forløbet inden for tre måneder."),
    PAGE,
    (2, "Økonomi"),
    (0, "Byrådet investerede 4,6 mio. kr. i Familiehuset i 2024. Samme år faldt kommunens udgifter til "
        "anbringelser uden for hjemmet med 7,9 mio. kr. i forhold til 2022. Forvaltningen vurderer, at "
        "Familiehuset har bidraget til faldet, men peger på, at flere forhold spiller ind."),
    (2, "Forældregrupper"),
    (0, "Familiehuset holder forældregrupper for nybagte forældre hver tirsdag. Gruppen Far på banen "
        "samlede 38 fædre i 2024. Fra 2025 udvides åbningstiden til lørdag, og huset ansætter to "
        "familiebehandlere mere."),
]


def _text_blocks(markdown: bool) -> str:
    blocks = [f"{'#' * level} {text}" if level and markdown else text for level, text in BLOCKS if (level, text) != PAGE]
    return "\n\n".join(blocks) + "\n"


def _write_pdf(path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # the core fonts' WinAnsi encoding: æøå and dashes
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for level, text in BLOCKS:
        if (level, text) == PAGE:
            pdf.add_page()
            continue
        pdf.set_font("Helvetica", "B" if level else "", 16 if level == 1 else 13 if level else 11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(path))


def _write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for level, text in BLOCKS:
        if (level, text) == PAGE:
            continue
        if level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text)
    document.save(str(path))


def _write_html(path: Path) -> None:
    body = "\n".join(f"<h{level}>{text}</h{level}>" if level else f"<p>{text}</p>"
                     for level, text in BLOCKS if (level, text) != PAGE)
    path.write_text(
        "<!doctype html><html lang=\"da\"><head><meta charset=\"utf-8\"><title>Familiehuset – Fjordby Kommune"
        "</title></head><body><header><nav><a href=\"/\">Forside</a> <a href=\"/borger\">Borger</a> "
        "<a href=\"/politik\">Politik og demokrati</a></nav></header>\n"
        f"<main><article>\n{body}\n</article></main>\n"
        "<footer><p>Fjordby Kommune · Rådhustorvet 1 · 9999 Fjordby · Cookiepolitik</p></footer></body></html>\n",
        encoding="utf-8")


def write_document(folder: Path, fmt: str, stem: str = "familiehuset") -> Path:
    """Write the report as `folder/<stem>.<fmt>` and return its path."""
    path = folder / f"{stem}.{fmt}"
    if fmt in ("txt", "md"):
        path.write_text(_text_blocks(markdown=fmt == "md"), encoding="utf-8")
    else:
        {"pdf": _write_pdf, "docx": _write_docx, "html": _write_html}[fmt](path)
    return path


def add_metadata(folder: Path, file: str) -> None:
    """Add the report's entry to `folder/sources.yml`."""
    sources = folder / "sources.yml"
    data = yaml.safe_load(sources.read_text(encoding="utf-8")) if sources.exists() else None
    data = data or {"documents": []}
    data["documents"].append({"file": file, "title": TITLE, "publisher": PUBLISHER, "year": 2025})
    sources.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def copy_corpus(folder: Path) -> Path:
    """A private copy of the small fixture corpus (tests/fixtures/corpus) as `folder/corpus`."""
    return Path(shutil.copytree(FIXTURES / "corpus", folder / "corpus"))


def add_report(corpus: Path, fmt: str) -> str:
    """Write the test report in `fmt` into the corpus with its metadata; its file name."""
    name = write_document(corpus, fmt).name
    add_metadata(corpus, name)
    return name
