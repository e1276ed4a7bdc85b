"""Composing an extractive, cited Danish answer from the passages that answer a question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from bot.entities import find_entities
from bot.language import looks_english
from bot.lexical import analyse
from bot.schema import Answer, Hit
from bot.sentences import split_sentences

MIN_WORDS = 30
TARGET_WORDS = 70
MAX_WORDS = 90
ENGLISH_NOTE = "(I answer in Danish, from Danish documents.)"


@dataclass(frozen=True)
class Passage:
    """The sentences picked from one hit."""

    hit: Hit
    text: str


SentenceScorer = Callable[[Hit], np.ndarray]
_LEXICAL_BONUS = 0.03


def _sentence_scores(question: str, sentences: list[str], similarities: np.ndarray | None) -> np.ndarray:
    """Dense similarity of each sentence to the question plus a small bonus per shared term."""
    terms = set(analyse(question))
    lexical = np.array([len(set(analyse(s)) & terms) for s in sentences], dtype=np.float32)
    dense = similarities if similarities is not None and len(similarities) == len(sentences) else 0.0
    return dense + _LEXICAL_BONUS * lexical


def pick_sentences(question: str, hit_sentences: list[str], similarities: np.ndarray | None = None,
                   max_words: int = MAX_WORDS) -> str:
    """The sentences that best answer the question, in document order, about 30-90 words.

    Starts from the best sentence and adds the next best ones (preferring its neighbours,
    which carry its context) until the answer is long enough.
    """
    if not hit_sentences:
        return ""
    scores = _sentence_scores(question, hit_sentences, similarities)
    best = int(np.argmax(scores))
    chosen = {best}
    words = len(hit_sentences[best].split())
    neighbour_bonus = 0.02
    while words < min(TARGET_WORDS, max_words):
        candidates = [i for i in range(len(hit_sentences)) if i not in chosen
                      and words + len(hit_sentences[i].split()) <= max_words]
        if not candidates:
            break
        pick = max(candidates, key=lambda i: scores[i] + (neighbour_bonus if i - 1 in chosen or i + 1 in chosen else 0))
        chosen.add(pick)
        words += len(hit_sentences[pick].split())
    return " ".join(hit_sentences[i] for i in sorted(chosen))


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


def compose_answer(question: str, hits: tuple[Hit, ...], scorer: SentenceScorer | None = None,
                   kind: str = "answer") -> Answer:
    """An extractive answer from the relevant hits, with its sources."""
    chosen = choose_passages(question, hits)
    budget = MAX_WORDS // len(chosen)
    passages = [
        Passage(hit, pick_sentences(question, list(hit.chunk.sentences), scorer(hit) if scorer else None, budget))
        for hit in chosen
    ]
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
    return Answer(kind, text, sources, confidence=chosen[0].dense)


def shorten(question: str, answer: dict[str, object]) -> Answer:
    """The last answer cut to its single best sentence per source, still cited."""
    sources = list(answer.get("sources", []))  # type: ignore[arg-type]
    parts = [pick_sentences(question, split_sentences(str(s["passage"])), max_words=0) for s in sources[:2]]
    names = " · ".join(dict.fromkeys(f"{s['publisher']}: »{s['title']}«" for s in sources[:2]))
    text = "Kort fortalt: " + " ".join(parts) + f"\n\nKilde: {names}"
    return Answer("answer", text, sources[:2], float(answer.get("confidence", 0.0)))  # type: ignore[arg-type]
