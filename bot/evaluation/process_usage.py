"""Memory and CPU time of server processes (with their children) while a load phase runs."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

import psutil


@dataclass
class ProcessUsage:
    """Memory and CPU of one server process (with its children) during a phase."""

    rss_before: int
    rss_peak: int
    rss_after: int = 0
    cpu_s: float = 0.0


def _tree(process: psutil.Process) -> list[psutil.Process]:
    """The process and its children; this script alone for itself (its children are the servers)."""
    if process.pid == os.getpid():
        return [process]
    try:
        return [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _rss(process: psutil.Process) -> int:
    total = 0
    for member in _tree(process):
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _cpu_seconds(process: psutil.Process) -> float:
    total = 0.0
    for member in _tree(process):
        try:
            times = member.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


class Sampler:
    """Samples the servers' resident memory every second while a phase runs."""

    def __init__(self, servers: dict[str, psutil.Process]) -> None:
        self.servers = servers
        self.usage = {name: ProcessUsage(_rss(p), _rss(p)) for name, p in servers.items()}
        self._cpu_start = {name: _cpu_seconds(p) for name, p in servers.items()}

    async def run(self, stop: asyncio.Event) -> None:
        """Sample until `stop` is set."""
        while not stop.is_set():
            for name, process in self.servers.items():
                self.usage[name].rss_peak = max(self.usage[name].rss_peak, _rss(process))
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except asyncio.TimeoutError:
                pass

    def finish(self) -> dict[str, ProcessUsage]:
        """The final sample and the CPU seconds used since the start."""
        for name, process in self.servers.items():
            usage = self.usage[name]
            usage.rss_after = _rss(process)
            usage.rss_peak = max(usage.rss_peak, usage.rss_after)
            usage.cpu_s = _cpu_seconds(process) - self._cpu_start[name]
        return self.usage
