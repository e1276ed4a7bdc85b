"""What the load benchmark's simulated users say: dev-set questions, paraphrases and smalltalk."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

PARAPHRASES = [
    "Hvor mange penge afsatte satspuljeaftalen til tidlig indsats?",
    "hvad gav satspuljen i 2016 til tidlig forebyggelse",
    "Hvad fik Herning ud af at ansætte flere socialrådgivere?",
    "hvor mange familier er med i Tættere på Familien i Aarhus",
    "Hvad anbefaler KL om tidlig indsats?",
    "Hvad fandt VIVE i de 18 kommuner?",
    "Hvordan har Aabenraa arbejdet med tidlig indsats?",
    "Har det virket med socialrådgivere på skolerne i Odense?",
    "Hvad er Herning-modellen?",
    "What did Herning invest and what did they get back?",
    "Hvordan skriver jeg en underretning?",
    "Jeg er pædagog og bekymret for et barn, hvad gør jeg?",
    "Hvad koster en pizza i Rom?",
]
SMALLTALK = ["hej", "hej, hvad kan du?", "tak", "tak for hjælpen", "farvel", "hvem er du?"]
MIX = (("dev", 0.6), ("paraphrase", 0.25), ("smalltalk", 0.15))


@dataclass(frozen=True)
class Workload:
    """The messages simulated users pick from, by category."""

    messages: dict[str, list[str]]

    @classmethod
    def load(cls, eval_file: Path) -> "Workload":
        """Dev-set questions (all kinds) plus paraphrases and smalltalk."""
        dev = [json.loads(line)["question"] for line in eval_file.read_text(encoding="utf-8").splitlines()
               if line.strip()]
        return cls({"dev": dev, "paraphrase": PARAPHRASES, "smalltalk": SMALLTALK})

    def pick(self, rng: random.Random) -> tuple[str, str]:
        """(category, message) drawn by the mix's weights."""
        category = rng.choices([name for name, _ in MIX], [weight for _, weight in MIX])[0]
        return category, rng.choice(self.messages[category])
