"""The bot's own servers as supervisor `Program`s: Rasa, the action server, the web page.

Shared by the single-process profile (`bot.ops.local_run`, `make run`) and the cluster
(`bot.ops.cluster`, `make run-cluster`), so both start the servers the same way.
"""

from __future__ import annotations

from pathlib import Path

from bot.ops.readiness import http_ok, rasa_has_model
from bot.ops.supervisor import Program
from bot.settings import PROJECT_ROOT

# Log lines that mean Rasa keeps running but will never be ready (e.g. no model).
RASA_FATAL_LINES = r"Can't find model|Failed to load model|No model found"
# Rasa on asyncio's own event loop, not uvloop (aiogram installs it unless DISABLE_UVLOOP):
# overloaded, uvloop leaves new connections unaccepted for 20 s and more (docs/benchmarks.md).
RASA_ENV = {"DISABLE_UVLOOP": "1", "SANIC_USE_UVLOOP": "false", "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
VENV_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
RASA = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"


def rasa_program(name: str, host: str, port: int, model: str, endpoints: str, log: Path, env: dict[str, str],
                 cors: list[str], token: str = "") -> Program:
    """A Rasa server with the HTTP API (behind `token` when one is given)."""
    command = [str(RASA), "run", "--enable-api", "-i", host, "-p", str(port), "-m", model,
               "--endpoints", endpoints, "--credentials", "credentials.yml", "--cors", *cors]
    if token:  # joined with "=": a token that starts with "-" (token_urlsafe gives one in 64) is no option then
        command.append(f"--auth-token={token}")
    return Program(name, command, log, rasa_has_model(f"http://127.0.0.1:{port}", token), env={**env, **RASA_ENV},
                   cwd=PROJECT_ROOT, fatal_lines=RASA_FATAL_LINES)


def action_program(name: str, host: str, port: int, log: Path, env: dict[str, str]) -> Program:
    """An action server (`python -m actions.server`), ready when /health answers."""
    return Program(name, [str(VENV_PYTHON), "-m", "actions.server", "--host", host, "--port", str(port)], log,
                   http_ok(f"http://127.0.0.1:{port}/health"), env=env, cwd=PROJECT_ROOT)


def web_program(host: str, port: int, log: Path, env: dict[str, str]) -> Program:
    """The chat page (bot/web) served by Python's http.server."""
    return Program("web page server", [str(VENV_PYTHON), "-m", "http.server", str(port), "--bind", host,
                                       "--directory", "bot/web"], log, http_ok(f"http://127.0.0.1:{port}/"),
                   env=env, cwd=PROJECT_ROOT)
