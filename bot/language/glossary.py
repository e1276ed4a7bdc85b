"""The Danish terms of an English question's domain words (`english_glossary.yml` beside this module).

The documents are Danish: an English question shares none of their words except names and numbers, so
BM25 and the sentence ranker's term features see nothing of it. Its words looked up in the glossary give
the Danish terms the documents use ("children" → "børn", "invested" → "investering").
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.language.analysis import analyse

GLOSSARY_FILE = Path(__file__).with_name("english_glossary.yml")
_ENGLISH_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


@lru_cache(maxsize=1)
def _glossary() -> dict[str, tuple[str, ...]]:
    entries = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8")) or {}
    return {str(english).lower(): tuple(str(word) for word in danish) for english, danish in entries.items()}


def danish_terms(text: str) -> tuple[str, ...]:
    """The analysed Danish terms of the glossary's translations of the text's English words, each once."""
    glossary = _glossary()
    words = [danish for english in _ENGLISH_WORD.findall(text.lower()) for danish in glossary.get(english, ())]
    return tuple(dict.fromkeys(term for word in words for term in analyse(word)))
