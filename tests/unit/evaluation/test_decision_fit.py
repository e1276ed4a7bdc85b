"""The cross-validated comparison of a fitted answer decision with the rules."""

from __future__ import annotations

import numpy as np

from bot.evaluation.decision_fit import SIGNALS, Decision, collect, cross_validate, fit_decide
from bot.qa.engine import Engine
from bot.settings import get_settings


def _decisions(rules_right: bool) -> list[Decision]:
    """Questions whose answerability a dense signal separates; the rules get all right or answer every one."""
    rng = np.random.default_rng(7)
    decisions = []
    for number in range(200):
        answerable = number % 2 == 0
        dense = (0.88 if answerable else 0.80) + rng.normal(0, 0.01)
        signals = np.array([dense, 0.5, 1.0, 0.0, 0.0, 0.0])
        decisions.append(Decision(signals, True, answerable if rules_right else True, answerable, number % 5))
    return decisions


def test_a_model_fitted_on_a_separating_signal_beats_rules_that_answer_everything():
    results = cross_validate(_decisions(rules_right=False))
    assert [total for total, *_ in results] == [40] * 5
    assert all(rules == 20 for _, rules, _, _ in results)  # half of each fold is out of scope
    assert all(fitted >= 38 for _, _, fitted, _ in results)


def test_rules_that_are_right_stay_right_with_their_outcome_as_a_signal():
    results = cross_validate(_decisions(rules_right=True))
    assert all(rules == total and stacked == total for total, rules, _, stacked in results)


def test_a_question_the_protective_checks_stop_is_never_answered():
    train_x = np.array([[0.9], [0.8], [0.91], [0.79]])
    assert list(fit_decide(train_x, np.array([True, False, True, False]), np.array([[0.95], [0.7]]))) == [True, False]
    # Half the answerable questions (every fourth) fail a protective check: declined whatever the signals.
    blocked = [Decision(d.signals, number % 4 != 0, d.rules_answer, d.answerable, d.fold)
               for number, d in enumerate(_decisions(False))]
    assert all(28 <= fitted <= 30 for _, _, fitted, _ in cross_validate(blocked))


def test_signals_come_from_the_real_engine():
    items = [{"id": "a", "fold": 0, "kind": "factual", "question": "Hvad har Herning investeret i sin investeringsmodel?"},
             {"id": "b", "fold": 1, "kind": "out_of_scope", "question": "Hvad er hovedstaden i Frankrig?"},
             {"id": "c", "fold": 1, "kind": "smalltalk", "question": "Hej"}]
    decisions = collect(Engine(get_settings()), items, lambda message: None)
    assert [d.answerable for d in decisions] == [True, False]
    herning, paris = decisions
    assert len(herning.signals) == len(SIGNALS)
    assert herning.rules_answer and herning.protected and not paris.rules_answer
    assert herning.signals[0] > paris.signals[0]  # the dense match
