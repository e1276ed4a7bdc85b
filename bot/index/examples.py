"""Example questions: questions known to be answered by a passage, as a second way to find it.

`corpus/examples.jsonl` holds one example a line: `{"question", "file", "passage", "id"}`, where
`passage` is an excerpt of the document `file` that answers `question` (`id` is optional; the
evaluation uses it to hide a fold's own examples). Ingest maps each example to the passages that
hold its excerpt (`passage_rows`) and embeds its question as a query; search then prefers a passage
whose example questions are close to the question asked (`ExampleBank.closeness`): a question
close to one answered before by that passage is likely answered by it again, in whatever words
(a paraphrase, English, a misspelling) it comes. The file is written from the evaluation sets'
tuning questions by `python -m scripts.export_examples`; consultants can add lines of their own.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from bot.documents.corpus import EXAMPLES_FILE
from bot.language.entities import Entities, find_entities
from bot.language.text import folded_text
from bot.schema import Chunk

GRAM = 4  # words per n-gram when matching an excerpt to passages (fewer for a shorter excerpt)
# Bump when mapping or embedding examples changes, so that the next ingest redoes them.
EXAMPLES_VERSION = 3
MIN_SHARE = 0.3  # share of an excerpt's n-grams a passage must hold (an excerpt may straddle two passages)
SENTENCE_GRAM = 3  # words per n-gram when matching an excerpt to the sentences of a passage
# Share of a sentence's n-grams an excerpt must hold for the excerpt to hold the sentence (or the other way round:
# an excerpt may be part of a long sentence).
SENTENCE_SHARE = 0.5


@dataclass(frozen=True)
class Example:
    """A question and the excerpt of a document that answers it."""

    question: str
    file: str
    passage: str
    id: str = ""


def examples_path(corpus_dir: Path) -> Path:
    """Where the corpus folder keeps its example questions."""
    return corpus_dir / EXAMPLES_FILE


def load_examples(corpus_dir: Path) -> list[Example]:
    """The corpus folder's example questions (none when it has no examples file)."""
    path = examples_path(corpus_dir)
    if not path.exists():
        return []
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [Example(row["question"], row["file"], row["passage"], row.get("id", "")) for row in rows]


def add_example(corpus_dir: Path, example: Example) -> None:
    """Add an example question to the corpus folder's examples file (written whole, then swapped in);
    the next ingest embeds it."""
    path = examples_path(corpus_dir)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    fields = {"question": example.question, "file": example.file, "passage": example.passage}
    line = json.dumps({**fields, "id": example.id} if example.id else fields, ensure_ascii=False)
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(existing + ("\n" if existing and not existing.endswith("\n") else "") + line + "\n",
                       encoding="utf-8")
    os.replace(staging, path)


def examples_sha256(corpus_dir: Path) -> str:
    """The examples file's hash with `EXAMPLES_VERSION` ("" without a file): a change rebuilds the index."""
    path = examples_path(corpus_dir)
    return hashlib.sha256(path.read_bytes() + f"{EXAMPLES_VERSION}".encode()).hexdigest() if path.exists() else ""


def _words(text: str) -> list[str]:
    """Every run of word characters: finer than `bot.language.text.words`, which keeps hyphenated words and
    numbers like "4,7" whole, so an excerpt still meets a passage whose extraction split a URL or a compound."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())


@lru_cache(maxsize=4096)
def _grams(text: str, size: int) -> frozenset[tuple[str, ...]]:
    """The text's word n-grams (cached: every example of a document is matched against the same passages)."""
    tokens = _words(text)
    return frozenset(tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1))


def passage_rows(example: Example, chunks: list[Chunk]) -> tuple[int, ...]:
    """The rows of the passages of the example's document that hold its excerpt: those with at least
    `MIN_SHARE` of its n-grams, else the one holding most; none when no passage holds any."""
    size = min(GRAM, len(_words(example.passage)))
    if not size:
        return ()
    wanted = _grams(example.passage, size)
    shares = {row: len(wanted & _grams(chunk.text, size)) / len(wanted)
              for row, chunk in enumerate(chunks) if chunk.file == example.file}
    held = tuple(row for row, share in shares.items() if share >= MIN_SHARE)
    if held:
        return held
    best = max(shares, key=shares.__getitem__, default=None)
    return (best,) if best is not None and shares[best] > 0 else ()


@dataclass(frozen=True)
class ExampleBank:
    """The embedded example questions of a build and the passage rows each one points to."""

    vectors: np.ndarray  # one query vector per example
    rows: tuple[tuple[int, ...], ...]
    ids: tuple[str, ...]
    questions: tuple[str, ...]
    excerpts: tuple[str, ...] = ()  # the excerpt that answers each example ("" when the build did not keep it)

    @classmethod
    def empty(cls, dimension: int = 0) -> "ExampleBank":
        """A bank without examples."""
        return cls(np.zeros((0, dimension), dtype=np.float32), (), (), (), ())

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def _pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """(example, row) for every row every example points to, as two flat arrays."""
        examples = np.array([n for n, rows in enumerate(self.rows) for _ in rows], dtype=np.int64)
        rows = np.array([row for rows in self.rows for row in rows], dtype=np.int64)
        return examples, rows

    @cached_property
    def _named(self) -> list[tuple[Entities, str]]:
        """Each example question's entities and its folded text between spaces."""
        return [(find_entities(question), f" {folded_text(question)} ") for question in self.questions]

    def agreeing(self, entities: Entities, names: list[str]) -> np.ndarray:
        """Which examples name every municipality, organisation, region and year the question names, and each
        of its other names ("Lærkereden"): an example about another place, year or thing is another question."""
        keys = [f" {folded_text(name)} " for name in names if not find_entities(name)]
        return np.array([entities.municipalities <= named.municipalities and entities.organisations <= named.organisations
                         and entities.regions <= named.regions and entities.years <= named.years
                         and all(key in text for key in keys) for named, text in self._named], dtype=bool)

    def similarities(self, vector: np.ndarray, hidden: frozenset[str] = frozenset(),
                     allowed: np.ndarray | None = None) -> np.ndarray:
        """The cosine between the query vector and each example question; -1 for the examples left out: those
        whose id is in `hidden` (the evaluation hides the fold it measures) and those `allowed` (a mask) does not
        allow."""
        similarities = self.vectors @ vector if len(self) else np.zeros(0, dtype=np.float32)
        if allowed is not None:
            similarities[~allowed] = -1.0
        if hidden:
            similarities[[n for n, example_id in enumerate(self.ids) if example_id and example_id in hidden]] = -1.0
        return similarities

    def closeness(self, similarities: np.ndarray, chunk_count: int) -> np.ndarray:
        """For each passage row: the highest of its example questions' `similarities` (-1 for a passage
        without examples)."""
        best = np.full(chunk_count, -1.0, dtype=np.float32)
        if not len(self):
            return best
        examples, rows = self._pairs
        np.maximum.at(best, rows, similarities[examples])
        return best

    @cached_property
    def _examples_of_row(self) -> dict[int, tuple[int, ...]]:
        """The examples that point to each passage row."""
        of_row: dict[int, list[int]] = {}
        for example, rows in enumerate(self.rows):
            for row in rows:
                of_row.setdefault(row, []).append(example)
        return {row: tuple(examples) for row, examples in of_row.items()}

    def sentence_closeness(self, similarities: np.ndarray, row: int, chunk: Chunk) -> np.ndarray:
        """For each sentence of the passage (`chunk`, at `row`): the highest of `similarities` among the example
        questions whose excerpt holds the sentence (-1 for a sentence no example's excerpt holds)."""
        best = np.full(len(chunk.sentences), -1.0, dtype=np.float32)
        for example in self._examples_of_row.get(row, ()):
            held = _held_sentences(self.excerpts[example] if example < len(self.excerpts) else "", chunk.sentences)
            best[held] = np.maximum(best[held], similarities[example])
        return best

    def to_lines(self) -> list[str]:
        """The bank without its vectors, one JSON line an example (written beside them in a build)."""
        return [json.dumps({"id": example_id, "question": question, "rows": list(rows), "passage": excerpt},
                           ensure_ascii=False)
                for example_id, question, rows, excerpt in zip(self.ids, self.questions, self.rows, self.excerpts)]

    @classmethod
    def from_lines(cls, lines: list[str], vectors: np.ndarray) -> "ExampleBank":
        """Inverse of `to_lines`, with the vectors."""
        rows = [json.loads(line) for line in lines if line.strip()]
        return cls(vectors.astype(np.float32), tuple(tuple(r["rows"]) for r in rows), tuple(r["id"] for r in rows),
                   tuple(r["question"] for r in rows), tuple(r.get("passage", "") for r in rows))


@lru_cache(maxsize=16384)
def _held_sentences(excerpt: str, sentences: tuple[str, ...]) -> np.ndarray:
    """Which of the sentences the excerpt holds: most of the sentence's n-grams are in the excerpt, or most of
    the excerpt's are in the sentence (an excerpt may be part of a long sentence)."""
    wanted = _grams(excerpt, SENTENCE_GRAM)
    held = []
    for sentence in sentences:
        grams = _grams(sentence, SENTENCE_GRAM)
        shared = len(grams & wanted)
        held.append(bool(wanted) and bool(grams) and (shared >= SENTENCE_SHARE * len(grams)
                                                      or shared >= SENTENCE_SHARE * len(wanted)))
    return np.array(held, dtype=bool)


def embed_examples(examples: list[Example], chunks: list[Chunk],
                   encode_queries: Callable[[list[str]], np.ndarray]) -> ExampleBank:
    """The bank of the examples whose excerpt some passage holds, their questions embedded as queries
    with `encode_queries` (the embedding model's)."""
    mapped = [(example, rows) for example in examples if (rows := passage_rows(example, chunks))]
    if not mapped:
        return ExampleBank.empty()
    vectors = encode_queries([example.question for example, _ in mapped]).astype(np.float32)
    return ExampleBank(vectors, tuple(rows for _, rows in mapped), tuple(example.id for example, _ in mapped),
                       tuple(example.question for example, _ in mapped), tuple(example.passage for example, _ in mapped))
