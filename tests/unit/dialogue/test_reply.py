"""The reply path on the real corpus index: guidance for a worried professional, and its plain declines."""

from __future__ import annotations

import numpy as np
import pytest

from bot.dialogue.reply import policy_for, reply_to
from bot.language.query import Query
from bot.qa.engine import Engine
from bot.qa.relevance import GUIDANCE_POLICY, STRICT_POLICY
from bot.schema import AnswerKind, DeclineReason
from bot.settings import get_settings


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(get_settings())


def test_the_policy_follows_the_intent_and_a_question_for_a_view():
    assert policy_for("notification_help", "Hvordan skriver jeg en underretning om Emma?") is GUIDANCE_POLICY
    assert policy_for("notification_help", "Hvad mener Børns Vilkår om underretninger?") is None
    assert policy_for("out_of_scope", "Hvad siger KL om lærernes arbejdstid?") is STRICT_POLICY
    assert policy_for("ask_question") is None


def test_a_child_named_in_full_still_gets_guidance(engine: Engine):
    reply = reply_to(engine, "Jeg er bekymret for Emma Hansen i min gruppe. Hvordan skriver jeg en underretning?",
                     "notification_help")
    assert reply.answer.kind is AnswerKind.GUIDANCE and reply.answer.sources


@pytest.mark.parametrize("message", ["jeg er træner i en fodboldklub og bekymret for en dreng",
                                     "skal jeg underrette om en pige der altid har snavset tøj på i vuggestuen"])
def test_a_worry_the_documents_do_not_speak_of_gets_their_first_advice_cited(engine: Engine, message: str):
    assert engine.answer(message, GUIDANCE_POLICY).kind is AnswerKind.NO_ANSWER
    reply = reply_to(engine, message, "notification_help")
    assert reply.answer.kind is AnswerKind.GUIDANCE and reply.answer.sources
    assert "sparring" in reply.answer.text.split("Tjekliste")[0]


@pytest.mark.parametrize("message", ["Hvilke planter trives på en altan, der vender mod nord?",
                                     "Skriv en invitation til vores sommerfest i børnehaven"])
def test_a_message_about_no_child_and_no_worry_is_declined_plainly_whatever_the_intent(engine: Engine, message: str):
    reply = reply_to(engine, message, "notification_help")
    assert reply.answer.kind is AnswerKind.NO_ANSWER and not reply.answer.sources


@pytest.mark.parametrize("message", ["Hvad mener Børns Vilkår om underretninger?",
                                     "Hvad siger Danske Regioner om børne- og ungdomspsykiatrien?"])
def test_the_view_of_an_organisation_the_documents_never_name_is_declined_plainly(engine: Engine, message: str):
    reply = reply_to(engine, message, "notification_help")
    assert reply.answer.kind is AnswerKind.NO_ANSWER and reply.answer.reason is DeclineReason.UNKNOWN_NAME


def test_the_headline_conversation_carries_over_to_another_municipality(engine: Engine):
    """What Herning invested and got back, then "og Aarhus?", then "siden hvornår?" (the issue's headline)."""
    from bot.dialogue.followup import Context

    first = reply_to(engine, "Hvad investerede Herning, og hvad fik de igen?", "ask_question")
    assert first.answer.kind is AnswerKind.ANSWER and "4,7 mio. kr." in first.answer.text
    aarhus = reply_to(engine, "og Aarhus?", "followup_municipality", Context.after(first.question, first.answer))
    assert aarhus.answer.kind is AnswerKind.ANSWER and "Aarhus" in aarhus.answer.text
    since = reply_to(engine, "siden hvornår?", "ask_followup", Context.after(aarhus.question, aarhus.answer))
    assert since.answer.kind is AnswerKind.ANSWER and "2016" in since.answer.text


def test_the_english_headline_conversation_gets_the_passage_about_the_municipality_asked_again(engine: Engine):
    """"and Aarhus?" after the English Herning question: Aarhus's own passage, not a list of ten municipalities."""
    from bot.dialogue.followup import Context

    first = reply_to(engine, "How much did Herning invest in early intervention, and what did they get back?", "ask_question")
    assert first.answer.kind is AnswerKind.ANSWER and "4,7 mio. kr." in first.answer.text
    aarhus = reply_to(engine, "and Aarhus?", "followup_municipality", Context.after(first.question, first.answer))
    assert aarhus.answer.kind is AnswerKind.ANSWER and "Tættere på Familien" in aarhus.answer.text


def test_a_follow_up_is_encoded_from_its_own_words_first(engine: Engine):
    query = Query.in_context(Query.parse("siden hvornår?"), Query.parse("Hvad er Tættere på Familien?"))
    searcher = engine.searcher()
    vector = searcher.encode(query)
    assert np.allclose(vector, searcher.encoder.encode_queries(["siden hvornår? Hvad er Tættere på Familien?"])[0])
    assert not np.allclose(vector, searcher.encoder.encode_queries([query.text])[0])


def test_an_off_topic_question_after_an_answer_is_declined(engine: Engine):
    """NLU's out-of-scope verdict stands for a question of its own after an answer, even in everyday words (a rule
    that let everyday words overrule it answered this one from Herning's passage)."""
    from bot.dialogue.followup import Context

    first = reply_to(engine, "Hvad investerede Herning, og hvad fik de igen?", "ask_question")
    context = Context("").next(first.question, first.answer)
    assert context.files
    reply = reply_to(engine, "Hvad koster en pizza i Rom?", "out_of_scope", context)
    assert reply.answer.kind is AnswerKind.NO_ANSWER


def test_a_worry_the_documents_do_not_cover_gets_their_advice_on_sparring_without_contact_names(engine: Engine):
    """The fallback guidance (`SPARRING_QUESTION`) quotes where to get sparring, not the consultants' names that
    stand before it in the folder (asked with "Hvem ...?", the answer led with "Louise Carlsberg Christensen eller
    Mette Laurberg")."""
    from bot.dialogue.guidance import as_guidance
    from bot.schema import Answer

    declined = Answer(AnswerKind.NO_ANSWER, "", reason=DeclineReason.NOT_CLOSE)
    answer = as_guidance(declined, engine, "Jeg er nabo til en familie, hvor børnene virker forsømte. Hvad gør jeg?")
    assert answer.kind is AnswerKind.GUIDANCE and answer.sources
    assert "faglig sparring" in answer.text
    assert "Louise Carlsberg" not in answer.text
