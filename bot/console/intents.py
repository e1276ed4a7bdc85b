"""The Rasa project's intents for the consultants' console: list them, add examples, add an intent.

Every change is first made in a temporary copy of the project and checked there with
`make validate`'s Rasa checks (`scripts/validate_rasa.py`: `rasa data validate` without
warnings; `bot.evaluation.project_checks`: enough examples per intent, no example in two
intents). Only when they pass are the project's files replaced (each atomically); a refused
change leaves every file as it was and says why in Danish (`IntentChangeRefused`). The YAML
files keep their layout and comments (ruamel.yaml round trip).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from bot.evaluation.project_checks import (
    MIN_EXAMPLES,
    Example,
    check_duplicates,
    check_example_counts,
    example_key,
    load_examples,
)
from bot.settings import PROJECT_ROOT

RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"
VALIDATE_SCRIPT = PROJECT_ROOT / "scripts" / "validate_rasa.py"
PROJECT_FILES = ("config.yml", "domain.yml")
DEFAULT_TOPIC = "konsulent"  # data/nlu/konsulent.yml and data/rules/konsulent.yml: intents added in the console
RESPONSE_KIND = "smalltalk"  # custom.kind of a response added in the console
VALIDATE_TIMEOUT_S = 300
MAX_EXAMPLE_CHARS = 300
MAX_RESPONSE_CHARS = 2000
_INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{2,49}$")
_TOPIC_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_MARKUP = re.compile(r"[\[\]{}]")  # Rasa reads [text](entity) and {...} inside examples
# Layouts (mapping, sequence, offset indents) the project's YAML files are written in.
_LAYOUTS = ((2, 4, 2), (2, 2, 0))
_lock = threading.Lock()  # one change at a time in this process


class IntentChangeRefused(ValueError):
    """A change that was not saved; the message (Danish) says why."""


@dataclass(frozen=True)
class Intent:
    """An intent with its examples and what the rules answer it with."""

    name: str
    examples: tuple[str, ...]
    files: tuple[str, ...]  # NLU files holding its examples (relative to the project)
    actions: tuple[str, ...]  # what rules do after it: responses (utter_*) or custom actions
    responses: tuple[str, ...]  # the texts of those responses

    @property
    def example_count(self) -> int:
        """How many examples it has."""
        return len(self.examples)

    def to_dict(self) -> dict[str, object]:
        """JSON for the console."""
        return {**asdict(self), "example_count": self.example_count}


@dataclass(frozen=True)
class Change:
    """A saved change: the files written and what was added."""

    intent: str
    added: tuple[str, ...]
    files: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON for the console."""
        return asdict(self)


# --- YAML that keeps its layout -----------------------------------------------------------


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long response texts
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _load(text: str, default: tuple[int, int, int]) -> tuple[Any, YAML]:
    """The file's data and a YAML writer in the layout that gives the file back unchanged."""
    for layout in (default, *_LAYOUTS):
        yaml = _yaml(layout)
        data = yaml.load(text)
        if _dump(yaml, data) == text:
            return data, yaml
    yaml = _yaml(default)
    return yaml.load(text), yaml


# --- reading the project ------------------------------------------------------------------


def _read(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8")) if path.exists() else None


def _domain_intents(domain: Any) -> list[str]:
    names = []
    for item in (domain or {}).get("intents") or []:
        names.append(next(iter(item)) if isinstance(item, dict) else str(item))
    return names


def _rule_actions(root: Path) -> dict[str, list[str]]:
    """Intent → the actions that rules run right after it."""
    actions: dict[str, list[str]] = {}
    for path in sorted((root / "data" / "rules").glob("*.yml")):
        for rule in (_read(path) or {}).get("rules") or []:
            steps = rule.get("steps") or []
            for step, following in zip(steps, steps[1:]):
                if "intent" in step and "action" in following:
                    found = actions.setdefault(str(step["intent"]), [])
                    if following["action"] not in found:
                        found.append(str(following["action"]))
    return actions


def _response_texts(domain: Any, action: str) -> list[str]:
    variants = ((domain or {}).get("responses") or {}).get(action) or []
    return [str(variant["text"]) for variant in variants if isinstance(variant, dict) and "text" in variant]


def list_intents(root: Path = PROJECT_ROOT) -> list[Intent]:
    """Every intent of the domain and the NLU data, by name, with its examples and responses."""
    domain = _read(root / "domain.yml")
    examples, _ = load_examples(root / "data" / "nlu", root)
    actions = _rule_actions(root)
    names = sorted(set(_domain_intents(domain)) | {example.intent for example in examples})
    intents = []
    for name in names:
        own = [example for example in examples if example.intent == name]
        done = tuple(actions.get(name, ()))
        intents.append(Intent(name, tuple(e.text for e in own), tuple(sorted({e.path for e in own})), done,
                              tuple(text for action in done for text in _response_texts(domain, action))))
    return intents


def topics(root: Path = PROJECT_ROOT) -> list[str]:
    """The NLU files' topics (file names without `.yml`), where a new intent can go."""
    return sorted(path.stem for path in (root / "data" / "nlu").glob("*.yml"))


# --- checking a change ---------------------------------------------------------------------


def _copy_project(root: Path, target: Path) -> None:
    for name in PROJECT_FILES:
        shutil.copy2(root / name, target / name)
    shutil.copytree(root / "data", target / "data")


def validate_project(root: Path) -> list[str]:
    """`make validate`'s checks of the Rasa project in `root`: the problems found (Danish), if any."""
    examples, problems = load_examples(root / "data" / "nlu", root)
    problems += check_example_counts(examples) + check_duplicates(examples)
    found = [str(problem) for problem in problems]
    try:
        run = subprocess.run([str(RASA_PYTHON), str(VALIDATE_SCRIPT)], cwd=root, capture_output=True, text=True,
                             timeout=VALIDATE_TIMEOUT_S,
                             env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false"})
    except (OSError, subprocess.TimeoutExpired) as error:
        return [*found, f"Rasa-kontrollen (rasa data validate) kunne ikke køre: {error}"]
    if run.returncode != 0:
        lines = [line for line in (run.stderr or run.stdout).splitlines() if line.strip()]
        found.append("Rasa-kontrollen (rasa data validate) fejlede: " + " / ".join(lines[-6:]))
    return found


def _save_checked(root: Path, changes: dict[str, str]) -> None:
    """Write `changes` (relative path → new text) into a copy of the project, check the copy,
    and only then replace the project's files; raises `IntentChangeRefused` with the problems."""
    before = {name: (root / name).read_text(encoding="utf-8") if (root / name).exists() else None for name in changes}
    with tempfile.TemporaryDirectory(prefix="intents-check-") as folder:
        copy = Path(folder)
        _copy_project(root, copy)
        for name, text in changes.items():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            (copy / name).write_text(text, encoding="utf-8")
        problems = validate_project(copy)
    if problems:
        raise IntentChangeRefused("Ændringen er ikke gemt, fordi kontrollen fandt fejl:\n"
                                  + "\n".join(f"- {problem}" for problem in problems))
    for name, text in before.items():
        now = (root / name).read_text(encoding="utf-8") if (root / name).exists() else None
        if now != text:
            raise IntentChangeRefused(f"Ændringen er ikke gemt: {name} blev ændret imens. Prøv igen.")
    for name, text in changes.items():
        _write_atomically(root / name, text)


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --- the changes ---------------------------------------------------------------------------


def _clean_examples(texts: Iterable[str]) -> list[str]:
    """The examples with single spaces, refusing empty, over-long or marked-up ones."""
    cleaned: list[str] = []
    for text in texts:
        text = " ".join(str(text).split())
        if not example_key(text):
            raise IntentChangeRefused(f"Eksemplet »{text}« indeholder ingen ord.")
        if len(text) > MAX_EXAMPLE_CHARS:
            raise IntentChangeRefused(f"Eksemplet »{text[:60]}…« er for langt (højst {MAX_EXAMPLE_CHARS} tegn).")
        if _MARKUP.search(text):
            raise IntentChangeRefused(f"Eksemplet »{text}« må ikke indeholde [ ] {{ }} (Rasa læser dem som opmærkning).")
        if example_key(text) not in {example_key(seen) for seen in cleaned}:
            cleaned.append(text)
    if not cleaned:
        raise IntentChangeRefused("Der er ingen eksempler at tilføje.")
    return cleaned


def _refuse_taken(texts: list[str], examples: list[Example], intent: str) -> list[str]:
    """The texts not yet examples of `intent`; refuses any that is an example of another intent."""
    owners = {example_key(e.text): e for e in examples}
    for text in texts:
        owner = owners.get(example_key(text))
        if owner is not None and owner.intent != intent:
            raise IntentChangeRefused(f"Eksemplet »{text}« findes allerede under intent '{owner.intent}' "
                                      f"({owner.path} som »{owner.text}«). Et eksempel kan kun høre til én intent.")
    return [text for text in texts if example_key(text) not in owners]


def _with_examples(block: Any, texts: list[str]) -> None:
    """Append examples to an NLU block (a `|` list of `- text` lines or a YAML list)."""
    current = block.get("examples")
    if isinstance(current, list):
        current.extend(texts)
        return
    body = str(current or "")
    if body and not body.endswith("\n"):
        body += "\n"
    block["examples"] = LiteralScalarString(body + "".join(f"- {text}\n" for text in texts))


def add_examples(intent: str, texts: Iterable[str], root: Path = PROJECT_ROOT) -> Change:
    """Add examples to an existing intent, in the NLU file that already holds its examples (or
    `data/nlu/konsulent.yml`). Examples it already has are skipped; raises `IntentChangeRefused`."""
    with _lock:
        wanted = _clean_examples(texts)
        examples, _ = load_examples(root / "data" / "nlu", root)
        if intent not in _domain_intents(_read(root / "domain.yml")):
            raise IntentChangeRefused(f"Intent '{intent}' findes ikke i domain.yml.")
        new = _refuse_taken(wanted, examples, intent)
        if not new:
            return Change(intent, (), ())
        files = sorted({e.path for e in examples if e.intent == intent})
        name = files[0] if files else f"data/nlu/{DEFAULT_TOPIC}.yml"
        _save_checked(root, {name: _nlu_text_with(root / name, intent, new)})
        return Change(intent, tuple(new), (name,))


def _nlu_text_with(path: Path, intent: str, texts: list[str]) -> str:
    """The NLU file's text with the examples added to the intent's block (made when missing)."""
    if not path.exists():
        data, yaml = CommentedMap(version=DoubleQuotedScalarString("3.1"), nlu=CommentedSeq()), _yaml((2, 2, 0))
    else:
        data, yaml = _load(path.read_text(encoding="utf-8"), (2, 2, 0))
    blocks = data.setdefault("nlu", CommentedSeq())
    block = next((b for b in blocks if isinstance(b, dict) and b.get("intent") == intent), None)
    if block is None:
        block = CommentedMap(intent=intent, examples=LiteralScalarString(""))
        blocks.append(block)
    _with_examples(block, texts)
    return _dump(yaml, data)


def _rules_text_with(path: Path, intent: str, action: str) -> str:
    """The rules file's text with the rule "intent → response" added (file made when missing)."""
    if not path.exists():
        data, yaml = CommentedMap(version=DoubleQuotedScalarString("3.1"), rules=CommentedSeq()), _yaml((2, 4, 2))
    else:
        data, yaml = _load(path.read_text(encoding="utf-8"), (2, 4, 2))
    steps = CommentedSeq([CommentedMap(intent=intent), CommentedMap(action=action)])
    data.setdefault("rules", CommentedSeq()).append(CommentedMap(rule=f"Answer {intent}", steps=steps))
    return _dump(yaml, data)


def _domain_text_with(path: Path, intent: str, action: str, response: str) -> str:
    """domain.yml's text with the intent and its response (`custom.kind: smalltalk`) added."""
    data, yaml = _load(path.read_text(encoding="utf-8"), (2, 4, 2))
    data.setdefault("intents", CommentedSeq()).append(intent)
    variant = CommentedMap(text=DoubleQuotedScalarString(response), custom=CommentedMap(kind=RESPONSE_KIND))
    data.setdefault("responses", CommentedMap())[action] = CommentedSeq([variant])
    return _dump(yaml, data)


def add_intent(name: str, texts: Iterable[str], response: str, root: Path = PROJECT_ROOT,
               topic: str = DEFAULT_TOPIC) -> Change:
    """Add a new intent with its examples (at least `MIN_EXAMPLES`), its response `utter_<name>`
    in domain.yml and the rule intent → response, in `data/nlu/<topic>.yml` and
    `data/rules/<topic>.yml`; raises `IntentChangeRefused` saying why it was not saved."""
    with _lock:
        if not _INTENT_NAME.match(name):
            raise IntentChangeRefused(f"Navnet '{name}' kan ikke bruges: brug 3-50 små bogstaver (a-z), tal og _, "
                                      "begyndende med et bogstav, fx 'opening_hours'.")
        if not _TOPIC_NAME.match(topic):
            raise IntentChangeRefused(f"Emnet '{topic}' kan ikke bruges som filnavn: brug små bogstaver (a-z), tal og _.")
        response = " ".join(response.split())
        if not response or len(response) > MAX_RESPONSE_CHARS:
            raise IntentChangeRefused(f"Svaret skal være mellem 1 og {MAX_RESPONSE_CHARS} tegn.")
        wanted = _clean_examples(texts)
        if len(wanted) < MIN_EXAMPLES:
            raise IntentChangeRefused(f"En ny intent skal have mindst {MIN_EXAMPLES} forskellige eksempler "
                                      f"(der er {len(wanted)}).")
        domain = _read(root / "domain.yml")
        action = f"utter_{name}"
        examples, _ = load_examples(root / "data" / "nlu", root)
        if name in _domain_intents(domain) or any(e.intent == name for e in examples):
            raise IntentChangeRefused(f"Intent '{name}' findes allerede; tilføj eksempler til den i stedet.")
        if action in ((domain or {}).get("responses") or {}):
            raise IntentChangeRefused(f"Svaret '{action}' findes allerede i domain.yml.")
        _refuse_taken(wanted, examples, name)
        nlu, rules = f"data/nlu/{topic}.yml", f"data/rules/{topic}.yml"
        changes = {nlu: _nlu_text_with(root / nlu, name, wanted),
                   rules: _rules_text_with(root / rules, name, action),
                   "domain.yml": _domain_text_with(root / "domain.yml", name, action, response)}
        _save_checked(root, changes)
        return Change(name, tuple(wanted), tuple(changes))
