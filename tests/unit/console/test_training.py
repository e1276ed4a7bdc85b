"""The console's training backend: a failed check trains nothing and keeps the model (no server is asked).
An example added in the console and understood after training, without a restart: tests/browser/test_console_training.py."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from bot.console.training import ACTIVE_MODEL, RasaServer, TrainingJob


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failed_check_trains_nothing_and_keeps_the_model(rasa_project: Path, tmp_path: Path):
    broken = Path(shutil.copytree(rasa_project, tmp_path / "broken", symlinks=True))
    rules = broken / "data" / "rules" / "smalltalk.yml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n  - rule: Broken\n    steps:\n      - intent: greet\n"
                     "      - action: utter_no_such_response\n", encoding="utf-8")
    before = _sha(broken / "models" / ACTIVE_MODEL)
    models = sorted(p.name for p in (broken / "models").glob("*.tar.gz"))
    job = TrainingJob(broken, RasaServer("http://127.0.0.1:9"))  # no server is asked: the check fails first
    status = job.start() and job.wait(timeout=600)
    assert status.state == "failed" and "ikke trænet" in status.message and "utter_no_such_response" in status.message
    assert _sha(broken / "models" / ACTIVE_MODEL) == before
    assert sorted(p.name for p in (broken / "models").glob("*.tar.gz")) == models
