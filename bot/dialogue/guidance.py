"""Guidance for professionals who are worried about a child: the checklist and the guided steps.

The checklist is the team's own wording; the guide's advice comes from the documents (with
their sources), picked by what the professional answered: whether they have had sparring,
and whether the parents can take part.
"""

from __future__ import annotations

from dataclasses import replace

from bot.language.worry import speaks_of_a_worry
from bot.qa.citation import sources_line
from bot.qa.engine import Engine
from bot.schema import Answer, AnswerKind, DeclineReason, Source

NOTIFICATION_CHECKLIST = (
    "Tjekliste til en underretning:\n"
    "- Er barnet i akut fare, så ring 112 og kontakt kommunen (socialvagten uden for åbningstid) nu.\n"
    "- Tal med din leder og få sparring, fx med skolens eller dagtilbuddets socialrådgiver.\n"
    "- Beskriv det, du selv har set og hørt (hvad, hvornår, hvor ofte), ikke dine tolkninger.\n"
    "- Inddrag så vidt muligt forældrene, fx i en dialogbaseret underretning, medmindre det kan skade barnet.\n"
    "- Skriv ikke barnets navn eller CPR-nummer her i chatten."
)
# Declines that stay plain for a professional too: a rule of law the documents don't state, and what an
# organisation or programme the documents never name says ("Hvad mener Børns Vilkår om underretninger?").
PLAIN_DECLINES = frozenset({DeclineReason.LEGAL, DeclineReason.UNKNOWN_NAME})
GUIDE_OFFER = "Vil du have hjælp trin for trin til din underretning?"
GUIDE_BUTTON = "Ja, guid mig trin for trin"
GUIDE_START_PAYLOAD = "/start_notification_guide"
GUIDE_INTRO = "Her er, hvad dokumenterne siger om din situation:"
PARENTS_EXCLUDED = (
    "Kan forældrene ikke inddrages, fordi det kan skade barnet, så send underretningen direkte til kommunen "
    "og skriv, hvorfor forældrene ikke er inddraget. Er du i tvivl, så ring til kommunens børne- og familieafdeling."
)
# What to look up in the documents for each situation (questions as a professional would ask them).
SPARRING_QUESTION = "Hvor kan pædagoger og lærere få faglig sparring fra en socialrådgiver, når de er bekymrede for et barn?"
DIALOGUE_QUESTION = "Hvordan foregår en dialogbaseret underretning, hvor forældrene deltager?"
TEAM_QUESTION = "Hvordan kan en bekymring for et barn drøftes i et tværfagligt team på skolen eller i dagtilbuddet?"


def guide_questions(had_sparring: bool, parents_can_join: bool) -> list[str]:
    """The questions whose answers make up the guidance for these answers."""
    first = TEAM_QUESTION if had_sparring else SPARRING_QUESTION
    return [first, DIALOGUE_QUESTION] if parents_can_join else [first]


def as_guidance(answer: Answer, engine: Engine, message: str) -> Answer:
    """The engine's answer for a professional asking how to notify: the cited extract followed by the
    checklist. When the documents hold nothing on the particular worry, the extract is their first advice
    for any worry (whom to get sparring from), so the professional still gets cited guidance; a rule of
    law the documents don't state is still declined plainly, and so is a `message` that speaks of no child
    and no worry ("Hvilke planter trives på en altan?": NLU's intent was wrong)."""
    worry = answer.kind is AnswerKind.NO_ANSWER and answer.reason not in PLAIN_DECLINES and speaks_of_a_worry(message)
    if worry:
        answer = engine.answer(SPARRING_QUESTION)
    if answer.kind is AnswerKind.ANSWER:
        return replace(answer, kind=AnswerKind.GUIDANCE, text=f"{answer.text}\n\n{NOTIFICATION_CHECKLIST}")
    if worry:
        return Answer(AnswerKind.GUIDANCE, NOTIFICATION_CHECKLIST)
    return answer


def compose_guide(engine: Engine, had_sparring: bool, parents_can_join: bool) -> Answer:
    """Cited advice from the documents for the professional's situation, then the checklist."""
    parts, sources = [GUIDE_INTRO], list[Source]()
    for question in guide_questions(had_sparring, parents_can_join):
        answer = engine.answer(question)
        if answer.kind is AnswerKind.ANSWER:
            parts.extend(source.passage for source in answer.sources)
            sources.extend(answer.sources)
    if not parents_can_join:
        parts.append(PARENTS_EXCLUDED)
    if sources:
        parts.append(sources_line(sources))
    parts.append(NOTIFICATION_CHECKLIST)
    return Answer(AnswerKind.GUIDANCE, "\n\n".join(parts), sources, max((s.score for s in sources), default=0.0))
