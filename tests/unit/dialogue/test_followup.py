"""Follow-ups in the dialogue layer: rewriting ("og hvad med Aarhus?"), elliptical messages read with the
previous question, and questions told from smalltalk."""

from __future__ import annotations

import pytest

from bot.dialogue.followup import Context, asks_its_own, in_context, is_followup, rewrite_followup
from bot.dialogue.routing import asks_the_documents
from bot.language.analysis import analyse
from bot.language.query import Query


def test_followup_is_rewritten_with_the_new_municipality():
    assert is_followup("og hvad med Aarhus?") and not is_followup("Hvad investerede Aarhus i tidlig indsats i 2016?")
    assert rewrite_followup("Hvad investerede Herning, og hvad fik de igen?", "og hvad med Aarhus?") == \
        "Hvad investerede Aarhus, og hvad fik de igen?"
    assert "Odense" in rewrite_followup("Hvad er en dialogbaseret underretning?", "hvad så med Odense?")
    # An organisation is replaced as the question wrote it, not only by its canonical name.
    assert rewrite_followup("Hvorfor siger Socialrådgiverforeningen, at indsatsen er vigtig?", "og VIVE?") == \
        "Hvorfor siger VIVE, at indsatsen er vigtig?"
    assert rewrite_followup("Hvad mener Kommunernes Landsforening om samskabelse?", "og hvad med DS?") == \
        "Hvad mener Dansk Socialrådgiverforening om samskabelse?"
    # Only the name (or its genitive) is replaced, not a word that starts like it ("klare" after "KL").
    assert rewrite_followup("Hvordan vil KL klare de store klasser?", "og VIVE?") == \
        "Hvordan vil VIVE klare de store klasser?"
    assert rewrite_followup("Hvad er Hernings model?", "og Aarhus?") == "Hvad er Aarhus model?"


VOCABULARY = frozenset(analyse("satspuljeaftale tidlig indsats offentliggjort minister penge herning aarhus "
                               "investeret familier projekt tværfaglige team skole"))
PREVIOUS = Context("Hvornår blev satspuljeaftalen om tidlig indsats offentliggjort?", ("004.txt",), ("28-10-2015",))


@pytest.mark.parametrize("message", ["siden hvornår?", "hvem var minister dengang?", "hvor mange penge?",
                                     "and what did they get back?", "og hvad har det givet?",
                                     "hvor mange familier i projektet har den hjulpet?",
                                     "hvordan kan jeg få fat i hende?"])
def test_an_elliptical_message_is_read_with_the_previous_question(message: str):
    query = in_context(Query.parse(message), PREVIOUS, VOCABULARY)
    assert query.text.startswith(PREVIOUS.question) and query.text.endswith(message)
    assert query.context_files == ("004.txt",) and query.leans_on_context
    # The kind of answer wanted is its own when it asks one ("siden hvornår?", "hvor mange penge?", "hvordan"), else the
    # previous question's ("og hvad har det givet?" after a question asking when: a date).
    own = Query.parse(message)
    asks_its_own = bool(own.wanted_shapes) or message.startswith(("hvem", "siden", "hvordan"))
    assert query.wanted_shapes == (own if asks_its_own else Query.parse(PREVIOUS.question)).wanted_shapes
    # The dense encoder reads the follow-up's own words first (folds: follow-up turns 140 vs 136 of 169).
    assert query.search_text == f"{message} {PREVIOUS.question}"


@pytest.mark.parametrize("message", ["Hvad har Herning investeret i tidlig indsats?",
                                     "Hvordan arbejder et tværfagligt team på skolen med projektet?"])
def test_a_message_with_a_subject_of_its_own_is_a_new_question(message: str):
    query = in_context(Query.parse(message), PREVIOUS, VOCABULARY)
    assert query.text == message and not query.leans_on_context
    assert query.context_files == ("004.txt",)  # the documents of the answer before are still preferred


def test_a_new_place_asks_the_previous_question_again_and_nothing_without_context():
    herning = Context("Hvad har Herning investeret?", ("000.txt",))
    assert in_context(Query.parse("og Aarhus?"), herning, VOCABULARY).text == "Hvad har Aarhus investeret?"
    assert in_context(Query.parse("og Aarhus?"), herning, VOCABULARY).asked_again
    assert in_context(Query.parse("siden hvornår?"), None, VOCABULARY) == Query.parse("siden hvornår?")
    # A bare name is "and what about X?" when NLU says so (its followup_municipality intent).
    assert not in_context(Query.parse("Aarhus?"), herning, VOCABULARY).asked_again
    assert in_context(Query.parse("Aarhus?"), herning, VOCABULARY, names_another=True).text == "Hvad har Aarhus investeret?"


@pytest.mark.parametrize(("message", "own"), [("og hvad har Aarhus investeret?", True), ("og Aarhus?", False),
                                              ("og hvad med Aarhus?", False), ("og hvad siger KL?", False),
                                              ("hvad med familierne i Aarhus?", True), ("and Aarhus?", False),
                                              ("and what about Aarhus?", False)])
def test_a_new_place_with_a_question_of_its_own_is_asked_as_it_stands(message: str, own: bool):
    herning = Context("Hvor mange penge har Herning brugt på projektet?", ("000.txt",))
    query = in_context(Query.parse(message), herning, VOCABULARY)
    assert asks_its_own(Query.parse(message), VOCABULARY) is own
    assert (query.text == message) is own and not query.leans_on_context
    if own:
        assert query.context_files == ("000.txt",)


def test_an_english_and_x_asks_the_question_before_again_even_when_and_is_a_word_of_the_documents():
    vocabulary = VOCABULARY | {"and", "about"}  # "and" is Danish for duck: it may be a term of the documents
    herning = Context("How much did Herning invest?", ("000.txt",))
    query = in_context(Query.parse("and Aarhus?"), herning, vocabulary)
    assert query.asked_again and query.text == "How much did Aarhus invest?"


@pytest.mark.parametrize(("message", "follows", "expected"), [
    ("hvem var minister dengang?", True, True),
    ("siden hvornår?", True, True),
    ("siden hvornår?", False, False),  # nothing to lean on, and no word of the documents
    ("hvor mange penge fik Herning?", False, True),  # words of the documents
    ("hvem er du?", True, False),  # addressed to the bot
    ("hvad kan du?", True, False),
    ("godt svar", True, False),  # no question
])
def test_a_question_for_the_documents_is_told_from_smalltalk(message: str, follows: bool, expected: bool):
    assert asks_the_documents(Query.parse(message), follows, VOCABULARY) is expected


def test_before_any_answer_a_smalltalk_intent_nlu_is_very_sure_of_stands():
    message = Query.parse("Er det en kunstig intelligens, jeg skriver med?")
    vocabulary = VOCABULARY | {"skriv"}
    assert asks_the_documents(message, False, vocabulary, confidence=0.4)
    assert not asks_the_documents(message, False, vocabulary, confidence=0.99)
    # After an answer the shape decides: "hvem var minister dengang?" reads as "hvem er du?" to NLU.
    assert asks_the_documents(Query.parse("hvem var minister dengang?"), True, VOCABULARY, confidence=1.0)


def test_a_follow_up_without_a_kind_of_answer_of_its_own_wants_the_previous_ones():
    """'og hvad har det givet?' after what Herning invested asks for an amount too (folds: follow-up turns
    160 vs 157 of 196); 'hvordan?' asks something else."""
    previous = Context("Hvad har Herning investeret i tidlig indsats?", ("000.txt",), ())
    given = in_context(Query.parse("og hvad har det givet?"), previous, VOCABULARY)
    assert given.asks_amount and given.wanted_shapes == Query.parse(previous.question).wanted_shapes
    how = in_context(Query.parse("og hvordan?"), previous, VOCABULARY)
    assert how.leans_on_context and not how.asks_amount and not how.wanted_shapes


def test_a_short_and_question_is_read_in_context_even_with_two_words_of_its_own():
    """"og børnenes alder?" after what happened to the number of children sent home (folds: follow-up turns 161
    vs 160 of 196); a longer message with two subject words of its own is a new question."""
    vocabulary = frozenset(analyse("hjemgivelser antallet børnenes alder tværfaglige team skole"))
    previous = Context("Hvad skete der med antallet af hjemgivelser?", ("003.txt",), ())
    assert in_context(Query.parse("og børnenes alder?"), previous, vocabulary).leans_on_context
    longer = in_context(Query.parse("og hvordan arbejder et tværfagligt team på skolen?"), previous, vocabulary)
    assert not longer.leans_on_context


def test_a_follow_up_read_in_context_knows_what_the_answer_before_showed():
    """Composition prefers what the answer before did not say; a new question carries nothing of it."""
    shown = Context("Hvad er Tættere på Familien?", ("001.txt",), ("Et projekt  i Aarhus.\nFor 580 familier.",))
    vocabulary = frozenset(analyse("tættere familien aarhus projekt familier dagtilbudssocialrådgiver praksis"))
    assert in_context(Query.parse("siden hvornår?"), shown, vocabulary).shown == "Et projekt i Aarhus. For 580 familier."
    assert in_context(Query.parse("Hvad laver en dagtilbudssocialrådgiver i praksis?"), shown, vocabulary).shown == ""


def test_a_message_naming_another_document_prefers_it_over_the_answers():
    context = Context("Hvad siger KL om forebyggelse?", ("002_kl.txt",), ("KL anbefaler ...",))
    assert context.turned_to(frozenset({"000_slides.txt"})).files == ("000_slides.txt",)
    assert context.turned_to(frozenset({"000_slides.txt"})).question == context.question
    # Naming one of the answer's documents, or none, keeps the context as it is.
    assert context.turned_to(frozenset({"002_kl.txt", "000_slides.txt"})) is context
    assert context.turned_to(frozenset()) is context


def test_a_decline_keeps_the_context_of_the_answer_before_it():
    from bot.schema import Answer, AnswerKind, Source

    source = Source(file="002_x.txt", title="Investér før det sker", publisher="KL", year=2013, url="",
                    passage="BROEN hjælper udsatte børn.", score=0.9)
    answered = Context("").next("Fortæl om BROEN", Answer(AnswerKind.ANSWER, "BROEN ...", [source]))
    declined = Answer(AnswerKind.NO_ANSWER, "Det kan jeg desværre ikke svare på.")
    assert answered.files == ("002_x.txt",)
    assert answered.next("Hvor mange penge fik BROEN i fondsstøtte?", declined) == answered
    first = Context("").next("Hvad er hovedstaden i Frankrig?", declined)  # nothing answered yet: the question asked
    assert first.question == "Hvad er hovedstaden i Frankrig?" and first.files == ()
