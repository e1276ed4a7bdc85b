"""Load benchmark of the real running bot over REST: many concurrent simulated users.

`run_load_benchmark` starts the bot with the harness (scripts/run.sh on free loopback ports,
a fresh tracker database in a temporary folder), warms it up, optionally profiles one
question at a time, then runs one phase per user count (`load_phase`) and reports
(`load_report`).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bot.evaluation.harness import RunningBot, running_bot
from bot.evaluation.load_phase import Phase, run_phase, send_message
from bot.evaluation.load_profile import Profile, profile
from bot.evaluation.load_report import END_MARKER, START_MARKER, describe_machine, render
from bot.evaluation.load_workload import Workload
from bot.evaluation.machine import progress_log
from bot.evaluation.report_docs import write_section

MAX_USERS = 1000  # bound on simulated users at once, whatever the options say
MAX_DURATION_S = 600

log = progress_log("bench_load")


@dataclass(frozen=True)
class LoadOptions:
    """How hard and how long to drive the bot."""

    user_counts: list[int]  # one phase each
    duration_s: float = 60.0  # per phase
    think_s: tuple[float, float] = (0.25, 0.75)  # a user reads each reply this long (range)
    timeout_s: float = 30.0  # before a message counts as timed out
    warmup: int = 20  # messages sent one by one before measuring
    profile_rounds: int = 30  # questions timed part by part (0: skip)
    seed: int = 7


async def measure(bot: RunningBot, options: LoadOptions, workload: Workload) -> tuple[list[Phase], Profile | None]:
    """Warm up, profile, then one phase per user count."""
    log(f"warm-up: {options.warmup} messages")
    async with aiohttp.ClientSession() as session:
        rng = random.Random(options.seed)
        for number in range(options.warmup):
            category, text = workload.pick(rng)
            await send_message(session, f"{bot.rasa_url}/webhooks/rest/webhook", f"warmup-{number}", text, category,
                               options.timeout_s)
    prof = await profile(bot, workload, options.profile_rounds) if options.profile_rounds else None
    phases = []
    for users in options.user_counts:
        log(f"phase: {users} users for {options.duration_s:g} s "
            f"(think {options.think_s[0]:g}-{options.think_s[1]:g})")
        phase = await run_phase(bot, workload, users, options.duration_s, options.think_s, options.timeout_s,
                                options.seed)
        log(f"  {len(phase.outcomes)} messages, {phase.replies_per_s():.1f} replies/s, "
            f"p95 {phase.percentile(95):.0f} ms, errors {dict(phase.errors) or 0}")
        phases.append(phase)
    return phases, prof


def run_load_benchmark(options: LoadOptions, eval_file: Path, output: Path | None) -> str:
    """Start the bot, measure, stop it; write the load section of `output` (None: don't); the Markdown."""
    workload = Workload.load(eval_file)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        log("starting the bot with scripts/run.sh")
        with running_bot(Path(folder)) as bot:
            phases, prof = asyncio.run(measure(bot, options, workload))
    body = render(phases, prof, describe_machine())
    if output is not None:
        write_section(output, START_MARKER, END_MARKER, "Load", body)
        log(f"wrote the load section of {output}")
    return body
