"""One server process started and stopped by the caller (tests, benchmarks), outside the supervisor."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


@dataclass
class ServerProcess:
    """A command in its own process group, logging to `log`; `start` waits until `ready()`."""

    command: Callable[[], list[str]]
    log: Path
    ready: Callable[[], bool]
    stop_signal: int = signal.SIGTERM
    popen: dict[str, Any] = field(default_factory=dict)  # e.g. user/group/cwd
    process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 60) -> None:
        """Start and wait until ready; RuntimeError (naming the log) when it exits or takes too long."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True, **self.popen)
        deadline = time.monotonic() + timeout_s
        while not self.ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{self.command()[0]} did not start; see {self.log}")
            time.sleep(0.3)

    def stop(self) -> None:
        """The stop signal to its process group, SIGKILL when it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, self.stop_signal)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
