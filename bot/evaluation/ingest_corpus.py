"""A synthetic corpus of any size for the ingest benchmark, made from the real documents.

Each document is one of the corpus files with its paragraphs shuffled, a random share of
them kept, every number replaced by another with as many digits and the municipalities
renamed, plus a sources.yml entry. Document i is the same for every corpus size (seeded by i).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml

KEEP_SHARE = (0.1, 0.45)  # share of a source's paragraphs a synthetic document keeps
MUNICIPALITIES = ("Herning", "Aarhus", "Aabenraa", "Odense", "København", "Holstebro", "Syddjurs",
                  "Tønder", "Odder", "Holbæk")
OTHER_NAMES = ("Vejle", "Randers", "Viborg", "Silkeborg", "Horsens", "Kolding", "Esbjerg", "Næstved",
               "Slagelse", "Roskilde", "Hjørring", "Svendborg", "Skive", "Thisted", "Ringsted", "Favrskov")
NAME_PATTERN = re.compile("|".join(MUNICIPALITIES))
NUMBER_PATTERN = re.compile(r"\d+")


def _vary_number(match: re.Match[str], rng: random.Random) -> str:
    digits = len(match.group())
    return str(rng.randint(10 ** (digits - 1) if digits > 1 else 0, 10**digits - 1))


def perturb(text: str, rng: random.Random) -> str:
    """Shuffle the paragraphs after the first, keep a random share, vary numbers and names."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    head, body = paragraphs[:1], paragraphs[1:]
    rng.shuffle(body)
    body = body[: max(1, round(len(body) * rng.uniform(*KEEP_SHARE)))]
    names = dict(zip(MUNICIPALITIES, rng.sample(OTHER_NAMES, len(MUNICIPALITIES))))
    varied = NAME_PATTERN.sub(lambda m: names[m.group()], "\n\n".join(head + body))
    return NUMBER_PATTERN.sub(lambda m: _vary_number(m, rng), varied)


def build_corpus(source_dir: Path, dest: Path, documents: int) -> None:
    """Write `documents` perturbed copies of the source documents and their sources.yml."""
    from bot.documents.corpus import list_corpus_files, load_sources

    sources = load_sources(source_dir)
    files = [f.path for f in list_corpus_files(source_dir)]
    texts = [path.read_text(encoding="utf-8") for path in files]
    dest.mkdir(parents=True)
    entries = []
    for number in range(documents):
        rng = random.Random(number)
        which = number % len(files)
        name = f"{number:04d}_{files[which].name}"
        (dest / name).write_text(perturb(texts[which], rng), encoding="utf-8")
        source = sources[files[which].name]
        entries.append({"file": name, "title": f"{source.title} ({number})", "publisher": source.publisher,
                        "year": source.year, "url": source.url})
    (dest / "sources.yml").write_text(yaml.safe_dump({"documents": entries}, allow_unicode=True), encoding="utf-8")
