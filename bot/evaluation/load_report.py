"""The load benchmark's Markdown between the load markers of docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import time
from collections import Counter

from bot.evaluation.load_phase import TARGET, Phase
from bot.evaluation.load_profile import Profile
from bot.evaluation.load_workload import MIX
from bot.evaluation.machine import cpu_model, memory_total_gib, table

START_MARKER = "<!-- load:begin -->"
END_MARKER = "<!-- load:end -->"
# What was found and changed while tuning (measured 2026-11-24 with this script, 2 shared cores).
TUNING_NOTES = [
    "Tuning behind these numbers (found with this benchmark, 2026-11-24):",
    "",
    "- The action server answers on one torch/FAISS thread (`BOT_QUERY_THREADS`, default 1). With "
    "the default two OpenMP threads on the busy machine, a question cost ~330 ms of CPU instead of ~33 ms "
    "(5 users: 1.3 instead of 4.7 replies/s, p95 5.6 s instead of 1.0 s).",
    "- Rasa checked the JSON schema of every action server reply against the 2020-12 meta-schema "
    "(`jsonschema.validate`): ~21 ms of CPU per custom action, ~0.3 ms with a validator built once "
    "(`bot/rasa_server/rasa_tuning.py`). Rasa's CPU per reply went from ~65 ms to ~38 ms. (Write-ahead logging for the "
    "SQLite tracker store was tried and dropped: Rasa opens a connection per query, so each close "
    "checkpointed the log and saving plus loading a tracker got slower, ~13-22 ms instead of ~9 ms.)",
    "- Rasa runs on asyncio's event loop instead of uvloop (`scripts/run.sh`): overloaded, uvloop left "
    "new connections in the accept queue for 20-30 s (100 users: p50 1.9 s but p95 21.7 s, and "
    "timeouts at 30 s) while serving the old ones; asyncio's loop shares the wait fairly (p50 6.5 s, "
    "p95 8.3 s, no errors) at the same throughput.",
    "- Two changes then brought the target within reach: the dialogue runs without TEDPolicy (rules, "
    "memoization and the answer action as core fallback; TED cost ~10 ms of Rasa's ~37 ms CPU per message), "
    "and the action server encodes queries with the fp32 model exported to ONNX (~13 ms instead of ~26 ms "
    "with torch). Per reply under load: Rasa ~21 ms of CPU, the action server ~14 ms (table above). Rasa "
    "handles one message at a time, so past ~45 replies/s (100 users) messages queue and latency grows "
    "with no errors; a second Rasa replica with a Redis lock store (README, deployment) would use the "
    "other core.",
]


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f}"


def _ms(value: float) -> str:
    return f"{value:,.0f}"


def render(phases: list[Phase], prof: Profile | None, machine: dict[str, str]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    think = phases[0].think_s
    lines = [
        f"Measured {machine['date']} on {machine['cores']} cores ({machine['cpu']}), {machine['memory']} RAM, "
        f"Python {machine['python']}; the machine was shared with other jobs (load averages below). "
        "`scripts/bench_load.py` starts the bot with `scripts/run.sh` (SQLite tracker store, fresh file) and "
        "drives its REST channel over loopback. Each simulated user is a fresh conversation of 2-6 messages on its own "
        "HTTP connection "
        f"({int(MIX[0][1] * 100)}% dev-set questions, {int(MIX[1][1] * 100)}% paraphrases and out-of-scope "
        f"questions, {int(MIX[2][1] * 100)}% smalltalk) and reads each reply for {think[0]:g}-{think[1]:g} s "
        "before the next message. A reply counts when it is HTTP 200, not empty and has no `kind: error`; "
        "latencies include failed messages.",
        "",
    ]
    rows = []
    for phase in phases:
        errors = ", ".join(f"{count} {name}" for name, count in phase.errors.most_common()) or "0"
        rows.append([str(phase.users), f"{phase.elapsed_s:.0f}", str(len(phase.outcomes)), str(phase.conversations),
                     f"{phase.replies_per_s():.1f}", _ms(phase.percentile(50)), _ms(phase.percentile(95)),
                     _ms(phase.percentile(99)), _ms(max((o.latency_ms for o in phase.outcomes), default=0)), errors,
                     " / ".join(f"{value:.1f}" for value in phase.load_before[:1] + phase.load_after[:1])])
    lines.append(table(["users", "s", "messages", "conversations", "replies/s", "p50 ms", "p95 ms", "p99 ms",
                     "max ms", "errors", "load avg before / after"], rows))
    lines += ["", "Memory (resident, with child processes) and CPU time of each process during each phase:", ""]
    rows = []
    for phase in phases:
        for name, usage in phase.usage.items():
            per_reply = usage.cpu_s / len(phase.ok) * 1000 if phase.ok else float("nan")
            rows.append([str(phase.users), name, _mib(usage.rss_before), _mib(usage.rss_peak), _mib(usage.rss_after),
                         f"{usage.cpu_s:.0f}", f"{per_reply:.0f}"])
    lines.append(table(["users", "process", "RSS before MiB", "peak MiB", "after MiB", "CPU s", "CPU ms per reply"],
                       rows))
    lines += ["", "Replies by kind: " + "; ".join(
        f"{phase.users} users: " + ", ".join(f"{k} {n}" for k, n in _kinds(phase).most_common()) for phase in phases)]
    if prof is not None:
        lines += ["", f"Where one question's time goes, the bot idle (medians of {prof.questions} questions): "
                  f"Rasa NLU {prof.nlu_ms:.0f} ms, the answer action {prof.action_ms:.0f} ms, the rest of Rasa "
                  f"(dialogue policies, SQLite tracker store, HTTP) {prof.rasa_rest_ms:.0f} ms; "
                  f"whole REST round trip {prof.rest_ms:.0f} ms."]
    lines += ["", *TUNING_NOTES]
    target = next((p for p in phases if p.users == TARGET["users"]), None)
    if target is not None:
        verdict = "met" if target.meets_target() else "missed"
        lines += ["", f"Target ({TARGET['users']} users: no errors, p95 <= {TARGET['p95_ms']:.0f} ms, >= "
                  f"{TARGET['replies_per_s']:.0f} replies/s): **{verdict}**."]
    return "\n".join(lines)


def _kinds(phase: Phase) -> Counter:
    return Counter(kind for outcome in phase.ok for kind in outcome.kinds)


def describe_machine() -> dict[str, str]:
    """Date, cores, CPU model, memory and Python version."""
    return {"date": time.strftime("%Y-%m-%d"), "cores": str(os.cpu_count()), "cpu": cpu_model(),
            "memory": f"{memory_total_gib():.0f} GiB", "python": platform.python_version()}
