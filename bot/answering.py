"""Composing an extractive, cited Danish answer from the passages that answer a question."""

from __future__ import annotations

from dataclasses import dataclass

from bot.entities import find_entities
from bot.lexical import analyse
from bot.schema import Answer, Hit
from bot.sentences import split_sentences

MIN_WORDS = 30
MAX_WORDS = 90
ENGLISH_NOTE = "(I answer in Danish, from Danish documents.)"
_ENGLISH_MARKERS = {"the", "what", "how", "who", "why", "which", "is", "are", "does", "do", "did",
                    "was", "were", "many", "much", "and", "of", "in", "to", "should", "can", "i", "a"}


@dataclass(frozen=True)
class Passage:
    """The sentences picked from one hit."""

    hit: Hit
    text: str


def looks_english(question: str) -> bool:
    """A cheap language guess: several common English function words."""
    words = [w.strip("?.,!'\"").lower() for w in question.split()]
    return sum(1 for w in words if w in _ENGLISH_MARKERS) >= 2


def _sentence_score(sentence: str, terms: set[str]) -> float:
    found = set(analyse(sentence))
    return len(found & terms) + (0.5 if any(ch.isdigit() for ch in sentence) and terms & found else 0.0)


def pick_sentences(question: str, passage: str, max_words: int = MAX_WORDS) -> str:
    """The passage's sentences that best match the question, in document order, ~30-90 words."""
    sentences = split_sentences(passage)
    if not sentences:
        return passage
    terms = set(analyse(question))
    ranked = sorted(range(len(sentences)), key=lambda i: (-_sentence_score(sentences[i], terms), i))
    chosen: set[int] = set()
    words = 0
    for i in ranked:
        length = len(sentences[i].split())
        if chosen and words + length > max_words:
            continue
        chosen.add(i)
        words += length
        if words >= MIN_WORDS and _sentence_score(sentences[i], terms) == 0:
            break
    return " ".join(sentences[i] for i in sorted(chosen))


def source_entry(hit: Hit, passage: str) -> dict[str, object]:
    """One `custom.sources` entry of the answer contract."""
    chunk = hit.chunk
    return {"file": chunk.file, "title": chunk.title, "publisher": chunk.publisher, "year": chunk.year,
            "url": chunk.url, "passage": passage, "score": round(hit.score, 4)}


def citation(hit: Hit) -> str:
    """"Publisher: »Title« (year). url" for the text."""
    chunk = hit.chunk
    year = f" ({chunk.year})" if chunk.year else ""
    url = f" {chunk.url}" if chunk.url else ""
    return f"{chunk.publisher}: »{chunk.title}«{year}.{url}".strip()


def choose_passages(question: str, hits: tuple[Hit, ...]) -> list[Hit]:
    """The best hit, plus the best hit of each other municipality asked about or a close second source."""
    best = hits[0]
    chosen = [best]
    wanted = find_entities(question).municipalities
    covered = find_entities(best.chunk.text).municipalities
    for hit in hits[1:]:
        places = find_entities(hit.chunk.text).municipalities & wanted
        if places - covered:
            chosen.append(hit)
            covered |= places
    return chosen[:3]


def compose_answer(question: str, hits: tuple[Hit, ...]) -> Answer:
    """An extractive answer from the relevant hits, with its sources."""
    chosen = choose_passages(question, hits)
    budget = MAX_WORDS // len(chosen)
    passages = [Passage(hit, pick_sentences(question, hit.chunk.text, budget)) for hit in chosen]
    body = "\n\n".join(p.text for p in passages)
    cited: list[str] = []
    for p in passages:
        line = citation(p.hit)
        if line not in cited:
            cited.append(line)
    sources_line = ("Kilde: " if len(cited) == 1 else "Kilder: ") + " · ".join(cited)
    text = f"{body}\n\n{sources_line}"
    if looks_english(question):
        text = f"{text}\n\n{ENGLISH_NOTE}"
    sources = [source_entry(p.hit, p.text) for p in passages]
    return Answer("answer", text, sources, confidence=chosen[0].dense)


def shorten(question: str, answer: dict[str, object]) -> Answer:
    """The last answer cut to its single best sentence per source, still cited."""
    sources = list(answer.get("sources", []))  # type: ignore[arg-type]
    parts = [pick_sentences(question, str(s["passage"]), max_words=MIN_WORDS) for s in sources[:2]]
    names = " · ".join(dict.fromkeys(f"{s['publisher']}: »{s['title']}«" for s in sources[:2]))
    text = "Kort fortalt: " + " ".join(parts) + f"\n\nKilde: {names}"
    return Answer("answer", text, sources[:2], float(answer.get("confidence", 0.0)))  # type: ignore[arg-type]
