"""What composition knows about each sentence of a relevant passage, as numbers (one row a sentence).

The sentence ranker (`bot.qa.sentence_ranker`) weighs these to pick the sentences of an answer.
"""

from __future__ import annotations

import re

import numpy as np

from bot.language.analysis import analyse, restates_title
from bot.language.entities import find_entities
from bot.language.query import Query
from bot.language.sentences import is_contact_line, is_source_line
from bot.language.subject_terms import contains_term, covered
from bot.schema import Hit

FEATURES = (
    "dense",  # cosine of the question and the sentence
    "shared_terms",  # question terms in the sentence (a term may sit inside a compound)
    "asked_shape",  # the sentence holds the kind of thing asked for (a number, a name, a date, ...)
    "source_line",  # a figure's source line ("Kilde: ...")
    "passage_score",  # the passage's fused retrieval score
    "shared_share",  # share of the question's terms in the sentence
    "weighted_coverage",  # share of the question's subject weight (rare words weigh more) in the sentence
    "passage_dense",  # the passage's dense score
    "asked_amount",  # the question asks how much money and the sentence states an amount
    "asked_place",  # the sentence names a municipality the question asks about
    "length",  # words / 100
    "first",  # the passage's first sentence (often a heading)
    "restates_title",  # the sentence only repeats the document's title or publisher
    "contact_line",  # contact details, a byline or a list of names, when the question asks for none of these
    "example",  # the sentence is in the excerpt that answered an example question close to this one (0-1)
)
_MONEY_AMOUNT = re.compile(r"\d[\d.,]*\s*(mio|mia|millioner|milliarder|kr|kroner)\b", re.IGNORECASE)


def _names_one(query: Query, sentence: str) -> bool:
    """The sentence holds a name the question uses ("Katrine Iversen"): a byline the question asks about."""
    return any(name in sentence or name.removesuffix("s") in sentence for name in query.names if len(name.split()) > 1)


def sentence_features(query: Query, sentences: list[str], similarities: np.ndarray | None, hit: Hit | None,
                      common: frozenset[str] = frozenset(), weights: dict[str, float] | None = None,
                      support: np.ndarray | None = None) -> np.ndarray:
    """The feature rows (`FEATURES`) of the sentences of one passage for the question.

    `similarities`: the dense cosine of each sentence (None: unknown); `hit`: the passage's search hit
    (None: scored without it); `common`: the terms of the document's title and publisher, which earn no
    shared-term credit; `weights`: the question's subject terms with their weights (`SubjectTerms.weights`);
    `support`: each sentence's example support (`Searcher.example_support`; None: no examples).
    """
    terms = set(query.terms) - common
    analysed = [set(analyse(s)) for s in sentences]
    shared = np.array([sum(contains_term(term, have) for term in terms) for have in analysed], dtype=np.float32)
    dense = similarities if similarities is not None and len(similarities) == len(sentences) else np.zeros(len(sentences))
    places = query.entities.municipalities
    asked = [any(shape.search(s) for shape in query.wanted_shapes) for s in sentences]
    columns = [
        dense,
        shared,
        asked,
        [is_source_line(s) for s in sentences],
        np.full(len(sentences), hit.score if hit else 0.0),
        shared / max(len(terms), 1),
        [covered(weights, s) if weights else 0.0 for s in sentences],
        np.full(len(sentences), hit.dense if hit else 0.0),
        [query.asks_amount and bool(_MONEY_AMOUNT.search(s)) for s in sentences],
        [bool(places & find_entities(s).municipalities) for s in sentences],
        [len(s.split()) / 100 for s in sentences],
        [i == 0 for i in range(len(sentences))],
        [restates_title(s, common) for s in sentences],
        [is_contact_line(s) and not holds and not _names_one(query, s) for s, holds in zip(sentences, asked)],
        support if support is not None and len(support) == len(sentences) else np.zeros(len(sentences)),
    ]
    return np.column_stack([np.asarray(column, dtype=np.float32) for column in columns]).reshape(len(sentences), -1)
