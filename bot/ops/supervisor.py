"""A small process supervisor: start servers in stages, restart the ones that die, stop all on a signal.

`Supervisor.start` spawns each stage's programs and waits until every one is ready (its
readiness check passes); a program that exits, logs a fatal line or is not ready in time
makes the start fail (`StartFailed`). After that, `watch` restarts a program that exits,
after a backoff (1 s, doubling up to 30 s; back to 1 s once it has run for a minute), and
logs every exit, restart and recovery to the events log and stderr. SIGTERM or SIGINT
stops every program (SIGKILL after a grace period).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from bot.ops.readiness import Check

TICK_S = 0.5
STOP_GRACE_S = 30.0


@dataclass(frozen=True)
class Program:
    """One server: how to start it, where it logs, how to tell it is ready."""

    name: str
    command: list[str]
    log: Path
    ready: Check
    env: dict[str, str] | None = None  # the whole environment (None: the supervisor's)
    cwd: Path | None = None
    stop_signal: int = signal.SIGTERM
    fatal_lines: str = ""  # a regex: a log line that means it will never be ready
    user: str = ""  # run as this user (when the supervisor runs as root), e.g. postgres


@dataclass(frozen=True)
class Backoff:
    """Delay before the n-th restart in a row: first_s, doubling, at most max_s."""

    first_s: float = 1.0
    max_s: float = 30.0
    stable_s: float = 60.0  # a program that ran this long starts over at first_s

    def delay(self, failures: int) -> float:
        return min(self.max_s, self.first_s * 2 ** max(0, failures - 1))


class StartFailed(RuntimeError):
    """A program could not start: it exited, logged a fatal line, or was not ready in time."""

    def __init__(self, program: Program, reason: str) -> None:
        super().__init__(f"{program.name} {reason}")
        self.program, self.reason = program, reason


@dataclass
class _Running:
    """A program's current process and restart bookkeeping."""

    program: Program
    process: subprocess.Popen | None = None
    started: float = 0.0
    log_offset: int = 0
    ready: bool = False
    failures: int = 0
    restart_at: float | None = None


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class Supervisor:
    """Starts `stages` in order and keeps every program running."""

    stages: list[list[Program]]
    events_log: Path
    backoff: Backoff = field(default_factory=Backoff)
    ready_timeout_s: float = 180.0
    out: TextIO = sys.stderr
    _running: dict[str, _Running] = field(default_factory=dict)
    _stopping: bool = False

    def log(self, message: str) -> None:
        """One timestamped event line to the events log and stderr."""
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} supervisor: {message}"
        with self.events_log.open("a", encoding="utf-8") as log:
            log.write(line + "\n")
        print(line, file=self.out, flush=True)

    def _spawn(self, state: _Running, fresh_log: bool) -> None:
        program = state.program
        program.log.parent.mkdir(parents=True, exist_ok=True)
        with program.log.open("wb" if fresh_log else "ab") as log:
            state.log_offset = log.tell()
            as_user = {"user": program.user, "group": program.user, "extra_groups": []} \
                if program.user and os.geteuid() == 0 else {}
            state.process = subprocess.Popen(program.command, cwd=program.cwd, env=program.env, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **as_user)
        state.started, state.ready, state.restart_at = time.monotonic(), False, None

    def _fatal_logged(self, state: _Running) -> bool:
        if not state.program.fatal_lines:
            return False
        try:
            with state.program.log.open("rb") as log:
                log.seek(state.log_offset)
                text = log.read().decode(errors="replace")
        except OSError:
            return False
        return re.search(state.program.fatal_lines, text) is not None

    def pid(self, name: str) -> int | None:
        """The current process id of a program (None while it is down)."""
        state = self._running.get(name)
        return state.process.pid if state and state.process and state.process.poll() is None else None

    def start(self) -> None:
        """Start each stage and wait until all its programs are ready; raise StartFailed otherwise."""
        self.events_log.parent.mkdir(parents=True, exist_ok=True)
        for stage in self.stages:
            for program in stage:
                state = self._running[program.name] = _Running(program)
                self._spawn(state, fresh_log=True)
            deadline = time.monotonic() + self.ready_timeout_s
            waiting = [self._running[p.name] for p in stage]
            while waiting:
                for state in list(waiting):
                    assert state.process is not None
                    if state.process.poll() is not None:
                        raise StartFailed(state.program, "exited during start-up")
                    if self._fatal_logged(state):
                        raise StartFailed(state.program, "could not load what it needs")
                    if state.program.ready():
                        state.ready = True
                        waiting.remove(state)
                if waiting and time.monotonic() > deadline:
                    raise StartFailed(waiting[0].program, f"was not ready after {self.ready_timeout_s:.0f}s")
                if waiting and not self._stopping:
                    time.sleep(TICK_S)
                if self._stopping:
                    raise KeyboardInterrupt
        self.log("all servers ready: " + ", ".join(
            f"{name} (pid {state.process.pid})" for name, state in self._running.items() if state.process))

    def check_once(self) -> None:
        """One round of watching: note exits, restart when the backoff is over, note recoveries."""
        now = time.monotonic()
        for name, state in self._running.items():
            process = state.process
            if process is not None and process.poll() is not None:
                ran = now - state.started
                state.failures = 1 if ran >= self.backoff.stable_s else state.failures + 1
                delay = self.backoff.delay(state.failures)
                self.log(f"{name} (pid {process.pid}) exited with code {process.returncode} after {ran:.0f} s; "
                         f"restarting in {delay:.0f} s (restart {state.failures} in a row)")
                state.process, state.restart_at = None, now + delay
            elif process is None and state.restart_at is not None and now >= state.restart_at:
                self._spawn(state, fresh_log=False)
                assert state.process is not None
                self.log(f"{name} restarted (pid {state.process.pid})")
            elif process is not None and not state.ready and state.program.ready():
                state.ready = True
                self.log(f"{name} (pid {process.pid}) is ready again after {now - state.started:.0f} s")

    def watch(self) -> None:
        """Keep the programs running until a stop is requested."""
        while not self._stopping:
            self.check_once()
            time.sleep(TICK_S)

    def request_stop(self, *_: object) -> None:
        """Signal handler: leave `watch` and stop everything."""
        self._stopping = True

    def stop(self) -> None:
        """Send every program its stop signal, wait, SIGKILL what is left."""
        self._stopping = True
        live = [s.process for s in self._running.values() if s.process is not None and s.process.poll() is None]
        for state in self._running.values():
            if state.process is not None and state.process.poll() is None:
                try:
                    state.process.send_signal(state.program.stop_signal)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + STOP_GRACE_S
        for process in live:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run(supervisor: Supervisor, banner: str, after_ready: Callable[[], None] | None = None) -> int:
    """Start, print the banner (its first line is READY), keep running until SIGTERM/SIGINT; the exit code.

    Exit code 1 when a server cannot start at all (its log's last lines on stderr), 0 after a stop.
    """
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    signal.signal(signal.SIGINT, supervisor.request_stop)
    try:
        supervisor.start()
    except StartFailed as failure:
        supervisor.stop()
        print(f"FAILED: {failure.program.name} {failure.reason}. Last lines of {failure.program.log}:",
              file=sys.stderr)
        print(_tail(failure.program.log), file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        supervisor.stop()
        return 130
    print(banner, flush=True)
    try:
        if after_ready is not None:
            after_ready()
        supervisor.watch()
    finally:
        supervisor.stop()
        supervisor.log("stopped every server")
    return 0
