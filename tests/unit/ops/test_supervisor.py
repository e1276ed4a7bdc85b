"""The supervisor with real (tiny) processes: start in stages, restart with backoff, fail a start plainly."""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.evaluation.harness import wait_until
from bot.ops.readiness import http_ok, tcp_open
from bot.ops.supervisor import Backoff, Program, StartFailed, Supervisor
from tests.conftest import _free_port


def _web(name: str, port: int, folder: Path) -> Program:
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)]
    return Program(name, command, folder / f"{name}.log", http_ok(f"http://127.0.0.1:{port}/"))


def test_backoff_doubles_from_one_second_up_to_thirty() -> None:
    assert [Backoff().delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_killed_server_is_restarted_and_logged(tmp_path: Path) -> None:
    first, second = _free_port(), _free_port()
    out = io.StringIO()
    supervisor = Supervisor([[_web("first", first, tmp_path)], [_web("second", second, tmp_path)]],
                            tmp_path / "supervisor.log", backoff=Backoff(first_s=0.2), ready_timeout_s=30, out=out)
    try:
        supervisor.start()
        victim, other = supervisor.pid("first"), supervisor.pid("second")
        assert victim and other
        os.kill(victim, signal.SIGKILL)
        assert wait_until(lambda: (supervisor.check_once() or True) and not tcp_open(first)(), 10, 0.1)
        assert wait_until(lambda: (supervisor.check_once() or True) and http_ok(f"http://127.0.0.1:{first}/")(),
                          30, 0.2)
        assert wait_until(lambda: (supervisor.check_once() or True) and "is ready again" in out.getvalue(), 10, 0.2)
        assert supervisor.pid("first") not in (None, victim)
        assert supervisor.pid("second") == other, "the others keep running"
    finally:
        supervisor.stop()
    events = (tmp_path / "supervisor.log").read_text()
    assert f"first (pid {victim}) exited with code -9" in events and "restarting in 0 s" in events
    assert "first restarted" in events
    assert supervisor.pid("first") is None and supervisor.pid("second") is None


def test_a_server_that_cannot_start_fails_the_start_naming_it(tmp_path: Path) -> None:
    broken = Program("broken", [sys.executable, "-c", "import sys; print('no model here'); sys.exit(3)"],
                     tmp_path / "broken.log", lambda: False)
    supervisor = Supervisor([[broken]], tmp_path / "supervisor.log", ready_timeout_s=30, out=io.StringIO())
    started = time.monotonic()
    with pytest.raises(StartFailed, match="broken exited during start-up"):
        supervisor.start()
    assert time.monotonic() - started < 20
    assert "no model here" in (tmp_path / "broken.log").read_text()


def test_a_fatal_log_line_fails_the_start(tmp_path: Path) -> None:
    hanging = Program("rasa", [sys.executable, "-c", "import time; print(\"Can't find model\", flush=True); "
                               "time.sleep(60)"], tmp_path / "rasa.log", lambda: False, fatal_lines="Can't find model")
    supervisor = Supervisor([[hanging]], tmp_path / "supervisor.log", ready_timeout_s=30, out=io.StringIO())
    try:
        with pytest.raises(StartFailed, match="could not load what it needs"):
            supervisor.start()
    finally:
        supervisor.stop()
