"""Fail when NLU cross-validation falls below the agreed floor (run after `rasa test nlu`)."""

import json
import sys

WEIGHTED_F1_FLOOR = 0.85
INTENT_F1_FLOOR = 0.70
# Below this many held-out examples one mistake moves F1 by ~0.1: such intents count in the
# weighted average but are not judged alone (critical intents always are).
MIN_SUPPORT = 10
# Intents that must never be missed badly: a child in danger.
CRITICAL_INTENTS = {"acute_concern": 0.90}


def main(path: str) -> int:
    """Print the per-intent F1 and return 1 when a floor is broken."""
    report = json.load(open(path, encoding="utf-8"))
    failures = []
    for intent, scores in sorted(report.items()):
        if not isinstance(scores, dict) or "f1-score" not in scores or intent in ("micro avg", "macro avg"):
            continue
        f1, support = scores["f1-score"], scores.get("support", 0)
        floor = WEIGHTED_F1_FLOOR if intent == "weighted avg" else CRITICAL_INTENTS.get(intent, INTENT_F1_FLOOR)
        judged = intent == "weighted avg" or intent in CRITICAL_INTENTS or support >= MIN_SUPPORT
        print(f"{intent:24s} F1 {f1:.3f} support {support:4d} (floor {floor:.2f}{'' if judged else ', too few to judge alone'})")
        if judged and f1 < floor:
            failures.append(intent)
    if failures:
        print(f"NLU below floor: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
