"""The English glossary: an English question's domain words bring the Danish terms the documents use."""

from __future__ import annotations

import yaml

from bot.language.analysis import analyse
from bot.language.glossary import GLOSSARY_FILE, danish_terms
from bot.language.query import Query


def test_every_entry_is_an_english_word_with_danish_words_that_have_terms():
    entries = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    assert len(entries) > 100
    for english, danish in entries.items():
        assert isinstance(english, str) and english == english.lower(), english
        assert isinstance(danish, list) and danish, english
        assert all(isinstance(word, str) and analyse(word) for word in danish), english


def test_domain_words_bring_their_danish_terms_once():
    terms = danish_terms("How much did Herning invest in vulnerable children and CHILDREN?")
    for word in ("børn", "investering", "udsatte"):
        assert analyse(word)[0] in terms
    assert len(terms) == len(set(terms))
    assert danish_terms("the of and what") == ()


def test_only_an_english_question_gets_the_danish_terms():
    english = Query.parse("Which indicators does Copenhagen use to follow the early intervention?")
    assert english.english and analyse("pejlemærker")[0] in english.terms and analyse("indsats")[0] in english.terms
    danish = Query.parse("Hvilke indikatorer bruger København?")
    assert not danish.english and analyse("pejlemærker")[0] not in danish.terms
