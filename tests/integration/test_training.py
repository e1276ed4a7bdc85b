"""An example added from the console is understood by the running bot after a background training, without a restart.

The whole bot runs with scripts/run.sh (the shared harness), but its Rasa server starts from
a copy of models/bot.tar.gz in a temporary copy of the Rasa project, and the training runs in
that copy: the real data/, domain.yml and models/ are never modified. One training only
(it takes minutes on this machine).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest
import requests

from bot.console.intents import add_examples
from bot.console.training import ACTIVE_MODEL, RasaServer, TrainingBusy, TrainingJob
from bot.evaluation.harness import running_bot
from tests.conftest import ROOT

pytestmark = pytest.mark.servers

TARGET = "thanks"
NEW_EXAMPLES = ["solsikkefrø og regnbuer til hele holdet", "solsikkefrø og regnbuer til jer alle sammen"]
TRAINING_TIMEOUT_S = 2400


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the Rasa project with a copy of the trained model; the spaCy model is shared."""
    copy = tmp_path_factory.mktemp("rasa-project")
    shutil.copytree(ROOT / "data", copy / "data")
    for name in ("config.yml", "domain.yml"):
        shutil.copy2(ROOT / name, copy / name)
    (copy / ".cache").mkdir()
    (copy / ".cache" / "spacy-da").symlink_to(ROOT / ".cache" / "spacy-da")
    (copy / "models").mkdir()
    shutil.copy2(ROOT / "models" / ACTIVE_MODEL, copy / "models" / ACTIVE_MODEL)
    return copy


def _intent(rasa_url: str, token: str, text: str) -> tuple[str, float]:
    reply = requests.post(f"{rasa_url}/model/parse", params={"token": token} if token else {}, json={"text": text},
                          timeout=60)
    reply.raise_for_status()
    intent = reply.json()["intent"]
    return intent["name"], float(intent["confidence"])


def test_an_added_example_is_understood_after_background_training_without_a_restart(project: Path, tmp_path: Path):
    token = os.environ.get("RASA_AUTH_TOKEN", "")
    with running_bot(tmp_path / "run", env={"RASA_MODEL": str(project / "models" / ACTIVE_MODEL)},
                     ready_timeout=400) as bot:
        rasa = RasaServer(bot.rasa_url, token)
        rasa_process = bot.servers()["Rasa server"].pid
        assert Path(rasa.model_file()).name == ACTIVE_MODEL
        before, _ = _intent(bot.rasa_url, token, NEW_EXAMPLES[0])
        assert before != TARGET

        change = add_examples(TARGET, NEW_EXAMPLES, project)
        assert change.added == tuple(NEW_EXAMPLES)
        job = TrainingJob(project, rasa)
        started = job.start()
        assert started.state in ("queued", "running") and started.run == 1
        with pytest.raises(TrainingBusy):
            job.start()
        seen: set[tuple[str, str]] = set()
        deadline = time.monotonic() + TRAINING_TIMEOUT_S
        while job.status().state in ("queued", "running") and time.monotonic() < deadline:
            status = job.status()
            seen.add((status.state, status.stage))
            assert 0 <= status.percent <= 100 and status.elapsed_seconds >= 0
            time.sleep(2)
        status = job.wait(timeout=60)
        assert status.state == "succeeded", f"{status.message}\n" + "\n".join(status.log_tail)
        assert ("running", "train") in seen and status.log_tail and status.percent == 100
        new_model = Path(status.model)
        assert new_model.parent == project / "models" and new_model.name.startswith("bot-")

        # The same Rasa process now runs the new model and understands the new example.
        assert Path(rasa.model_file()).name == new_model.name
        assert bot.servers()["Rasa server"].pid == rasa_process
        intent, confidence = _intent(bot.rasa_url, token, NEW_EXAMPLES[0])
        assert intent == TARGET and confidence > 0.5
        reply = bot.send("training-test", NEW_EXAMPLES[0])
        assert reply and reply[0]["custom"]["kind"] == "smalltalk"
        assert any(phrase in reply[0]["text"] for phrase in ("Selv tak", "Det var så lidt"))
        # A restart would use it too.
        assert _sha(project / "models" / ACTIVE_MODEL) == _sha(new_model)

    # Nothing of it reached the real project (others may change it meanwhile: compare with what was made here).
    assert not any(NEW_EXAMPLES[0] in path.read_text(encoding="utf-8") for path in (ROOT / "data").rglob("*.yml"))
    assert _sha(ROOT / "models" / ACTIVE_MODEL) != _sha(new_model)
    assert not list((ROOT / "models").glob(new_model.name))


def test_a_failed_check_trains_nothing_and_keeps_the_model(project: Path, tmp_path: Path):
    broken = Path(shutil.copytree(project, tmp_path / "broken", symlinks=True))
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
