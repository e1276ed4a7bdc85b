"""`make validate`'s project checks (scripts/check_project.py) on a copy of the project.

Each test breaks one thing in a copy under tmp_path (the shared checkout is never
touched) and runs the real script as `make validate` does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "check_project.py"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's Rasa files, NLU data and corpus."""
    copy = tmp_path / "project"
    for folder in ("data", "corpus"):
        shutil.copytree(ROOT / folder, copy / folder)
    for name in ("config.yml", "domain.yml"):
        shutil.copy2(ROOT / name, copy / name)
    return copy


def check(project: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the check script on the copy, without the dev eval unless a file is given."""
    dev = ["--dev-file", str(project / "absent.jsonl")] if "--dev-file" not in args else []
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(project), *dev, *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def add_nlu_file(project: Path, name: str, intents: dict[str, list[str]]) -> None:
    """Write an NLU file in Rasa's format into the copy."""
    blocks = "".join(f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {text}\n" for text in texts)
                     for intent, texts in intents.items())
    (project / "data" / "nlu" / name).write_text(f'version: "3.1"\nnlu:\n{blocks}', encoding="utf-8")


def test_the_project_passes_and_the_eval_is_skipped_without_its_file(project: Path) -> None:
    result = check(project)
    assert result.returncode == 0, result.stderr
    assert "SPRINGER OVER retrieval-evaluering" in result.stdout
    assert str(project / "absent.jsonl") in result.stdout
    assert "0 problemer" in result.stdout


def test_an_example_in_two_intents_fails(project: Path) -> None:
    # Same text as affirm's "ja tak" and ask_question's annotated example, apart from case,
    # punctuation and entity annotation.
    add_nlu_file(project, "broken.yml", {"greet": ["Ja tak!"],
                                         "out_of_scope": ["Hvad gør Herning som andre kommuner ikke gør"]})
    result = check(project)
    assert result.returncode == 1
    assert "data/nlu/broken.yml" in result.stderr
    assert "eksemplet 'ja tak' står i flere intents (affirm, greet)" in result.stderr
    assert "eksemplet 'hvad gør herning som andre kommuner ikke gør' står i flere intents " \
           "(ask_question, out_of_scope)" in result.stderr


def test_an_intent_with_too_few_examples_fails(project: Path) -> None:
    add_nlu_file(project, "weather.yml", {"ask_weather": ["hvordan er vejret", "regner det i morgen", "er det koldt"]})
    result = check(project)
    assert result.returncode == 1
    assert "data/nlu/weather.yml: intent 'ask_weather' har kun 3 eksempler; der skal være mindst 10" in result.stderr


def test_unreadable_nlu_yaml_fails(project: Path) -> None:
    (project / "data" / "nlu" / "broken.yml").write_text("nlu:\n- intent: greet\n  examples: |\n - hej\n  x: [",
                                                         encoding="utf-8")
    result = check(project)
    assert result.returncode == 1
    assert "data/nlu/broken.yml: kan ikke læses som YAML" in result.stderr


def test_a_corpus_file_without_metadata_fails(project: Path) -> None:
    (project / "corpus" / "999_ny_rapport.txt").write_text("Ny rapport\n\nTekst.", encoding="utf-8")
    result = check(project)
    assert result.returncode == 1
    assert "corpus/999_ny_rapport.txt: mangler en post i corpus/sources.yml" in result.stderr


def test_retrieval_below_its_floors_fails(project: Path, tmp_path: Path) -> None:
    """A dev question whose gold passage is in no indexed file: every metric is 0."""
    dev = tmp_path / "dev.jsonl"
    dev.write_text(json.dumps({"id": "x1", "question": "Hvad investerede Herning?", "kind": "factual",
                               "gold_sources": ["findes_ikke.txt"], "gold_facts": ["Herning"]}) + "\n",
                   encoding="utf-8")
    result = check(project, "--dev-file", str(dev))
    assert result.returncode == 1
    assert f"{dev}: recall@1 er 0.000, under gulvet" in result.stderr
    assert "ikke fundet som nr. 1: x1" in result.stderr


def test_make_validate_fails_on_a_broken_nlu_file(project: Path) -> None:
    """The real `make validate` target, run in a copy that shares the venvs and the index."""
    for name in ("Makefile", "bot", "scripts", "requirements"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, project / name)
    for name in (".venv", ".venv-rasa", ".cache", "index"):
        (project / name).symlink_to(ROOT / name)
    add_nlu_file(project, "broken.yml", {"greet": ["Ja tak!"]})
    env = {**os.environ, "BOT_DEV_EVAL": str(project / "absent.jsonl")}
    # -o: never rebuild the shared venvs or index from inside the copy.
    keep = [f"-o{target}" for target in (".venv/.installed", ".venv-rasa/.installed", "index/current/manifest.json")]
    result = subprocess.run(["make", "--no-print-directory", *keep, "validate"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "eksemplet 'ja tak' står i flere intents (affirm, greet)" in result.stderr
