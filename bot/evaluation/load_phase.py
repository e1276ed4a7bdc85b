"""One phase of the load benchmark: simulated users, each a fresh conversation over REST, for a while."""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import time
from collections import Counter
from dataclasses import dataclass

import aiohttp
import psutil

from bot.evaluation.harness import RunningBot
from bot.evaluation.load_workload import Workload
from bot.evaluation.process_usage import ProcessUsage, Sampler

TARGET = {"users": 20, "p95_ms": 500.0, "replies_per_s": 20.0}


@dataclass
class Outcome:
    """One message sent and what came back."""

    category: str
    latency_ms: float
    error: str | None
    kinds: list[str]


@dataclass
class Phase:
    """The result of running a number of users for a while."""

    users: int
    duration_s: float
    think_s: tuple[float, float]
    elapsed_s: float
    outcomes: list[Outcome]
    usage: dict[str, ProcessUsage]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    conversations: int = 0

    @property
    def ok(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is None]

    @property
    def errors(self) -> Counter:
        return Counter(o.error for o in self.outcomes if o.error is not None)

    def replies_per_s(self) -> float:
        return len(self.ok) / self.elapsed_s if self.elapsed_s else 0.0

    def percentile(self, q: float) -> float:
        """Latency percentile (ms) over all messages, failed ones included."""
        values = sorted(o.latency_ms for o in self.outcomes)
        if not values:
            return float("nan")
        return values[max(0, math.ceil(q / 100 * len(values)) - 1)]  # nearest rank

    def meets_target(self) -> bool:
        return (not self.errors and self.percentile(95) <= TARGET["p95_ms"]
                and self.replies_per_s() >= TARGET["replies_per_s"])


async def send_message(session: aiohttp.ClientSession, url: str, sender: str, text: str, category: str,
                timeout: float) -> Outcome:
    started = time.perf_counter()
    error, reply_kinds = None, []
    try:
        async with session.post(url, json={"sender": sender, "message": text},
                                timeout=aiohttp.ClientTimeout(total=timeout)) as reply:
            body = await reply.read()
            if reply.status != 200:
                error = f"HTTP {reply.status}"
            else:
                messages = json.loads(body)
                reply_kinds = [m.get("custom", {}).get("kind", "?") for m in messages]
                if not messages:
                    error = "empty reply"
                elif "error" in reply_kinds:
                    error = "kind error"
    except asyncio.TimeoutError:
        error = "timeout"
    except aiohttp.ClientError as exc:
        error = type(exc).__name__
    except ValueError:
        error = "invalid JSON reply"
    return Outcome(category, (time.perf_counter() - started) * 1000, error, reply_kinds)


async def _user_slot(url: str, workload: Workload, rng: random.Random, deadline: float,
                     think: tuple[float, float], timeout: float, slot: int, outcomes: list[Outcome],
                     conversations: list[int]) -> None:
    """One simulated user after another, each a fresh conversation on its own connection, until the deadline.

    Like a browser tab, a user opens a connection, keeps it for its messages and closes it;
    a new user arrives as a new connection, which the server has to accept while busy.
    """
    await asyncio.sleep(rng.uniform(0, max(think[1], 0.5)))  # stagger the first messages
    while time.monotonic() < deadline:
        sender = f"load-{slot}-{rng.getrandbits(48):012x}"
        conversations.append(1)
        async with aiohttp.ClientSession() as session:
            for _ in range(rng.randint(2, 6)):
                if time.monotonic() >= deadline:
                    return
                category, text = workload.pick(rng)
                outcomes.append(await send_message(session, url, sender, text, category, timeout))
                await asyncio.sleep(rng.uniform(*think))


async def run_phase(bot: RunningBot, workload: Workload, users: int, duration_s: float, think: tuple[float, float],
                    timeout: float, seed: int) -> Phase:
    """`users` concurrent users for `duration_s` seconds, with memory and CPU sampled alongside."""
    sampler, stop = Sampler({**bot.servers(), "load client (this script)": psutil.Process()}), asyncio.Event()
    load_before = os.getloadavg()
    outcomes: list[Outcome] = []
    conversations: list[int] = []
    sampling = asyncio.create_task(sampler.run(stop))
    started = time.monotonic()
    url = f"{bot.rasa_url}/webhooks/rest/webhook"
    await asyncio.gather(*(
        _user_slot(url, workload, random.Random(seed * 10_007 + slot), started + duration_s, think, timeout,
                   slot, outcomes, conversations)
        for slot in range(users)))
    elapsed = time.monotonic() - started
    stop.set()
    await sampling
    return Phase(users, duration_s, think, elapsed, outcomes, sampler.finish(), load_before, os.getloadavg(),
                 len(conversations))
