"""Training the Rasa model in the background and switching the running Rasa server to it.

One training at a time (in this process and, through a lock file, on this machine):

1. check the project as `make validate` does (`bot.console.intents.validate_project`);
2. `rasa train` into an empty staging folder (so Rasa never skips training because an older
   model looks the same), then move the model to a NEW file `models/bot-<time>.tar.gz`;
   the running model and `models/bot.tar.gz` are not touched;
3. ask the running Rasa server to load it (`PUT /model`, with `?token=` when the server has
   an auth token) and check that `/status` names it: no restart;
4. only then copy it over `models/bot.tar.gz`, so a restart keeps it.

A failed check, training or switch leaves the running model and `models/bot.tar.gz` as they
were, and the status says why (Danish). `TrainingJob.status()` is what a page polls.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import subprocess
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import requests

from bot.console.intents import validate_project
from bot.console.jobs import JobStatus
from bot.settings import PROJECT_ROOT

logger = logging.getLogger(__name__)

RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
ACTIVE_MODEL = "bot.tar.gz"  # what scripts/run.sh starts the Rasa server with
MODEL_PREFIX = "bot-"
KEEP_MODELS = 2  # trained model files kept besides bot.tar.gz (the running one included)
LOG_LINES = 40
TRAIN_TIMEOUT_S = 3600
LOAD_TIMEOUT_S = 600
# Share of the bar each stage fills.
STAGES = {"check": (0, 5), "train": (5, 90), "load": (90, 98), "save": (98, 100)}
STAGE_LABELS = {"": "Venter", "check": "Kontrollerer projektet", "train": "Træner modellen",
                "load": "Skifter den kørende bot til den nye model", "save": "Gemmer modellen"}
_EPOCHS = re.compile(r"Epochs:\s+(\d+)%")
_LINE_BREAK = re.compile(r"[\r\n]+")


class TrainingBusy(RuntimeError):
    """A training is already running; the message (Danish) says so."""


class TrainingFailed(RuntimeError):
    """A stage failed; the message (Danish) says why."""


@dataclass
class TrainingStatus(JobStatus):
    """What the intents page shows; `state` is idle, queued, running, succeeded or failed."""

    label: str = STAGE_LABELS[""]
    started_at: float = 0.0  # epoch seconds
    elapsed_seconds: float = 0.0
    log_tail: list[str] = field(default_factory=list)
    message: str = ""  # the outcome, or why it failed (Danish)
    model: str = ""  # the new model file, once trained


@dataclass(frozen=True)
class RasaServer:
    """The running Rasa server's HTTP API (started with --enable-api)."""

    url: str
    token: str = ""  # RASA_AUTH_TOKEN, when the server was started with --auth-token

    def _params(self) -> dict[str, str]:
        return {"token": self.token} if self.token else {}

    def model_file(self) -> str:
        """The model file the server runs (`GET /status`)."""
        reply = requests.get(f"{self.url}/status", params=self._params(), timeout=30)
        reply.raise_for_status()
        return str(reply.json().get("model_file", ""))

    def load_model(self, model: Path) -> None:
        """Make the server run `model` (`PUT /model`); raises `TrainingFailed` saying why."""
        try:
            reply = requests.put(f"{self.url}/model", params=self._params(), json={"model_file": str(model)},
                                 timeout=LOAD_TIMEOUT_S)
        except requests.RequestException as error:
            raise TrainingFailed(f"Rasa-serveren på {self.url} svarer ikke ({type(error).__name__}); "
                                 "den kørende model er uændret.") from error
        if reply.status_code != 204:
            raise TrainingFailed(f"Rasa-serveren kunne ikke indlæse den nye model (HTTP {reply.status_code}: "
                                 f"{reply.text[:300]}); den kørende model er uændret.")
        running = self.model_file()
        if Path(running).name != model.name:
            raise TrainingFailed(f"Rasa-serveren kører stadig {running or 'ingen model'} efter skiftet.")


class TrainingJob:
    """Trains the Rasa project in `project` in a thread and switches `rasa` to the new model.

    `models_dir` (default `project/models`) receives the new model files and holds
    `bot.tar.gz`, the model a restart uses.
    """

    def __init__(self, project: Path, rasa: RasaServer, models_dir: Path | None = None) -> None:
        self.project = project
        self.rasa = rasa
        self.models_dir = models_dir or project / "models"
        self._status = TrainingStatus()
        self._log: deque[str] = deque(maxlen=LOG_LINES)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def status(self) -> TrainingStatus:
        """A copy of the current status (elapsed time up to now while it runs)."""
        with self._lock:
            status = TrainingStatus(**{**asdict(self._status), "log_tail": list(self._log)})
        if status.state in ("queued", "running"):
            status.elapsed_seconds = round(time.time() - status.started_at, 1)
        return status

    def start(self) -> TrainingStatus:
        """Start a training; raises `TrainingBusy` while one runs."""
        with self._lock:
            if self._status.state in ("queued", "running"):
                raise TrainingBusy("Der kører allerede en træning; vent, til den er færdig.")
            self._log.clear()
            self._status = TrainingStatus(state="queued", run=self._status.run + 1, started_at=time.time())
            self._thread = threading.Thread(target=self._run, name="rasa-training", daemon=True)
            self._thread.start()
        return self.status()

    def wait(self, timeout: float | None = None) -> TrainingStatus:
        """Block until the running training ends (or `timeout` seconds pass); its status."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status()

    # --- the run ---------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        with self._lock:
            for name, value in changes.items():
                setattr(self._status, name, value)
            if "stage" in changes:
                self._status.label = STAGE_LABELS[changes["stage"]]
                self._status.percent = STAGES[changes["stage"]][0]

    def _note(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        with self._lock:
            self._log.append(line[:500])
            epochs = _EPOCHS.search(line)
            if epochs and self._status.stage == "train":
                low, high = STAGES["train"]
                self._status.percent = max(self._status.percent, low + (high - low) * int(epochs.group(1)) // 100)

    def _run(self) -> None:
        self.models_dir.mkdir(parents=True, exist_ok=True)
        with (self.models_dir / ".training.lock").open("w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._finish("failed", "En anden proces træner allerede en model; prøv igen, når den er færdig.")
                return
            self._set(state="running")
            try:
                model = self._train_and_switch()
            except TrainingFailed as error:
                self._finish("failed", str(error))
            except Exception as error:  # a bug or a full disk: say so, keep the running model
                logger.exception("Training failed")
                self._finish("failed", f"Træningen fejlede uventet ({type(error).__name__}: {error}); "
                                       "den kørende model er uændret.")
            else:
                self._finish("succeeded", f"Den nye model kører nu ({model.name}) og bruges også efter en genstart.",
                             model=str(model))

    def _finish(self, state: str, message: str, **changes: Any) -> None:
        percent = 100 if state == "succeeded" else self._status.percent
        self._set(state=state, message=message, percent=percent,
                  elapsed_seconds=round(time.time() - self._status.started_at, 1), **changes)
        logger.info("Training %s: %s", state, message)

    def _train_and_switch(self) -> Path:
        self._set(stage="check")
        problems = validate_project(self.project)
        if problems:
            raise TrainingFailed("Projektet består ikke kontrollen, så der er ikke trænet:\n"
                                 + "\n".join(f"- {problem}" for problem in problems))
        self._set(stage="train")
        model = self._train()
        self._set(stage="load", model=str(model))
        try:
            self.rasa.load_model(model)
        except TrainingFailed:
            model.unlink(missing_ok=True)
            raise
        self._set(stage="save")
        active = self.models_dir / ACTIVE_MODEL
        temporary = active.with_name(f".{ACTIVE_MODEL}.{os.getpid()}.tmp")
        shutil.copyfile(model, temporary)
        os.replace(temporary, active)
        self._prune(model)
        return model

    def _train(self) -> Path:
        """`rasa train` into a staging folder; the model moved to a new file in `models_dir`."""
        name = MODEL_PREFIX + time.strftime("%Y%m%d-%H%M%S")
        staging = self.models_dir / f".{name}.training"
        staging.mkdir()
        try:
            command = [str(RASA), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
                       "--out", str(staging), "--fixed-model-name", name]
            env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                   "PYTHONPATH": str(PROJECT_ROOT)}
            process = subprocess.Popen(command, cwd=self.project, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT)
            assert process.stdout is not None
            self._follow(process.stdout)
            try:
                code = process.wait(timeout=TRAIN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise TrainingFailed(f"Træningen tog mere end {TRAIN_TIMEOUT_S // 60} minutter og blev stoppet; "
                                     "den kørende model er uændret.") from None
            trained = staging / f"{name}.tar.gz"
            if code != 0 or not trained.exists():
                last = " / ".join(list(self._log)[-5:])
                raise TrainingFailed(f"Træningen fejlede (rasa train, exit {code}): {last}; "
                                     "den kørende model er uændret.")
            model = self.models_dir / trained.name
            os.replace(trained, model)
            return model
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _follow(self, stream: IO[bytes]) -> None:
        """Read the training's output into the log tail (progress bars end lines with \\r)."""
        pending = ""
        while True:
            block = stream.read1(4096) if hasattr(stream, "read1") else stream.read(4096)
            if not block:
                break
            pending += block.decode("utf-8", errors="replace")
            *lines, pending = _LINE_BREAK.split(pending)
            for line in lines:
                self._note(line)
        self._note(pending)

    def _prune(self, keep: Path) -> None:
        """Remove older trained model files, keeping the newest `KEEP_MODELS` (`keep` among them)."""
        models = sorted(self.models_dir.glob(f"{MODEL_PREFIX}*.tar.gz"), key=lambda p: p.stat().st_mtime)
        for old in models[:-KEEP_MODELS]:
            if old != keep:
                old.unlink(missing_ok=True)
