"""Project checks of `make validate`, after `rasa data validate`.

- every intent in data/nlu has at least MIN_EXAMPLES examples;
- no example (lower-cased, entity annotations and punctuation stripped) is in two intents;
- every file in corpus/ has an entry in corpus/sources.yml;
- retrieval on the dev question set (`python -m bot eval --json`) still reaches EVAL_FLOORS;
  skipped, with a message, when the dev file is absent.

Every problem is printed as `file: problem`; the exit status is 1 when there is any.
Run with the action-server venv: `.venv/bin/python scripts/check_project.py [--root DIR]`
(or, from the project root, `.venv/bin/python -m bot.evaluation.project_checks [--root DIR]`).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.documents.corpus import SOURCES_FILE, is_document, load_sources
from bot.language.text import words
from bot.settings import PROJECT_ROOT, get_settings

MIN_EXAMPLES = 10
# Measured 2026-11-24 on the dev set (30 answerable questions), ~170-word passages: R@1 0.800,
# R@5 1.000, R@10 1.000, MRR@10 0.894. The floors sit a little below, to catch regressions.
EVAL_FLOORS = {"recall@1": 0.76, "recall@5": 0.96, "recall@10": 0.96, "mrr@10": 0.86}
_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Example:
    """One NLU training example and where it is."""

    intent: str
    text: str
    path: str


@dataclass(frozen=True)
class Problem:
    """One failed check, about one file."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def example_key(text: str) -> str:
    """An example as the classifier sees it: entity annotations stripped, lower-case words only."""
    return " ".join(words(_ENTITY.sub(r"\1", text)))


def _example_texts(examples: object) -> list[str]:
    """The texts of an `examples:` block (`- text` lines) or list (of strings or `text:` maps)."""
    if isinstance(examples, str):
        return [line.strip()[2:].strip() for line in examples.splitlines() if line.strip().startswith("- ")]
    if isinstance(examples, list):
        return [str(item.get("text", "")) if isinstance(item, dict) else str(item) for item in examples]
    return []


def load_examples(nlu_dir: Path, root: Path) -> tuple[list[Example], list[Problem]]:
    """Every intent example under `nlu_dir`, and the files that could not be read."""
    examples: list[Example] = []
    problems: list[Problem] = []
    for path in sorted([*nlu_dir.rglob("*.yml"), *nlu_dir.rglob("*.yaml")]):
        name = str(path.relative_to(root))
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            problems.append(Problem(name, f"kan ikke læses som YAML: {error}"))
            continue
        blocks = data.get("nlu") if isinstance(data, dict) else None
        for block in blocks or []:
            if isinstance(block, dict) and "intent" in block:
                examples += [Example(str(block["intent"]), text, name)
                             for text in _example_texts(block.get("examples"))]
    return examples, problems


def check_example_counts(examples: list[Example], minimum: int = MIN_EXAMPLES) -> list[Problem]:
    """Intents with fewer than `minimum` examples."""
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(example)
    return [Problem(", ".join(sorted({e.path for e in found})),
                    f"intent '{intent}' har kun {len(found)} eksempler; der skal være mindst {minimum}")
            for intent, found in sorted(by_intent.items()) if len(found) < minimum]


def check_duplicates(examples: list[Example]) -> list[Problem]:
    """Examples that (normalised) occur in more than one intent."""
    by_key: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_key[example_key(example.text)].append(example)
    problems = []
    for key, found in sorted(by_key.items()):
        intents = sorted({e.intent for e in found})
        if key and len(intents) > 1:
            where = "; ".join(f"'{e.text}' i {e.intent}" for e in found)
            problems.append(Problem(", ".join(sorted({e.path for e in found})),
                                    f"eksemplet '{key}' står i flere intents ({', '.join(intents)}): {where}"))
    return problems


def check_corpus_metadata(corpus_dir: Path, root: Path) -> list[Problem]:
    """Corpus files without an entry in `sources.yml`."""
    sources_path = str((corpus_dir / SOURCES_FILE).relative_to(root))
    try:
        sources = load_sources(corpus_dir)
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        return [Problem(sources_path, f"kan ikke læses (hver post skal have 'file:'): {error!r}")]
    return [Problem(str(path.relative_to(root)), f"mangler en post i {sources_path} (title, publisher, year, url)")
            for path in sorted(corpus_dir.iterdir()) if is_document(path) and path.name not in sources]


def check_eval(dev_file: Path, index_dir: Path) -> list[Problem]:
    """Retrieval metrics on the dev set against `EVAL_FLOORS` (nothing to check without the file)."""
    if not dev_file.is_file():
        print(f"SPRINGER OVER retrieval-evaluering: {dev_file} findes ikke (angiv filen med --dev-file "
              "eller BOT_DEV_EVAL)")
        return []
    command = [sys.executable, "-m", "bot", "eval", "--json", "--file", str(dev_file), "--index", str(index_dir)]
    run = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        return [Problem(str(dev_file), f"'python -m bot eval' fejlede (exit {run.returncode}): "
                                       f"{run.stderr.strip()[-1000:]}")]
    metrics = json.loads(run.stdout)
    print("retrieval: " + ", ".join(f"{name} {metrics[name]:.3f} (gulv {floor:.2f})"
                                    for name, floor in EVAL_FLOORS.items()))
    misses = ", ".join(str(miss["id"]) for miss in metrics.get("misses", []))
    return [Problem(str(dev_file), f"{name} er {metrics[name]:.3f}, under gulvet {floor:.2f} "
                                   f"(ikke fundet som nr. 1: {misses}; se 'make eval')")
            for name, floor in EVAL_FLOORS.items() if metrics[name] < floor]


def main(argv: list[str] | None = None) -> int:
    """Run every check, print each problem, and return 1 if there is any."""
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT,
                        help="project folder with data/nlu and corpus (default: this project)")
    parser.add_argument("--dev-file", type=Path, default=settings.dev_eval_file,
                        help="dev question set (.jsonl); the eval is skipped when it is absent")
    parser.add_argument("--index", type=Path, default=settings.index_dir, help="index folder for the eval")
    args = parser.parse_args(argv)
    root = args.root.resolve()

    examples, problems = load_examples(root / "data" / "nlu", root)
    problems += check_example_counts(examples) + check_duplicates(examples)
    problems += check_corpus_metadata(root / "corpus", root)
    problems += check_eval(args.dev_file, args.index)
    for problem in problems:
        print(f"FEJL: {problem}", file=sys.stderr)
    intents = len({e.intent for e in examples})
    print(f"{len(examples)} eksempler i {intents} intents; {len(problems)} problemer")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
