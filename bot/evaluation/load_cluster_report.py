"""The cluster load benchmark's Markdown, between the cluster markers of docs/benchmarks.md."""

from __future__ import annotations

from bot.evaluation.load_phase import Phase
from bot.evaluation.load_workload import MIX
from bot.evaluation.machine import table

START_MARKER = "<!-- load-cluster:begin -->"
END_MARKER = "<!-- load-cluster:end -->"
TARGET_RATIO = 1.4


def _errors(phase: Phase) -> str:
    return ", ".join(f"{count} {name}" for name, count in phase.errors.most_common()) or "0"


def _cpu_ms_per_reply(phase: Phase, name: str) -> float:
    return phase.usage[name].cpu_s / len(phase.ok) * 1000 if phase.ok else float("nan")


def _servers_cpu_s(phase: Phase) -> float:
    """CPU seconds of every server process (not the load client)."""
    return sum(usage.cpu_s for name, usage in phase.usage.items() if not name.startswith("load client"))


def capacity_rows(results: dict[int, list[Phase]], cores: int) -> list[list[str]]:
    """Per phase: CPU per reply summed over the servers, the cores they got, and the ceiling that
    CPU cost puts on `cores` cores given to the bot alone."""
    rows = []
    for replicas, phases in results.items():
        for phase in phases:
            per_reply = _servers_cpu_s(phase) / len(phase.ok) * 1000 if phase.ok else float("nan")
            rows.append([str(replicas), str(phase.users), f"{per_reply:.0f}", f"{_servers_cpu_s(phase) / phase.elapsed_s:.2f}",
                         f"{cores * 1000 / per_reply:.0f}" if phase.ok else "-"])
    return rows


def render_cluster(results: dict[int, list[Phase]], action_servers: int, machine: dict[str, str]) -> str:
    """Throughput and latency per replica count and user count, CPU per reply per process, the ratio."""
    think = next(iter(results.values()))[0].think_s
    lines = [
        f"Measured {machine['date']} on {machine['cores']} cores ({machine['cpu']}), {machine['memory']} RAM, shared "
        "with other jobs (load averages below). `scripts/bench_load.py --cluster` starts `scripts/cluster/run.sh` "
        f"once per replica count (PostgreSQL tracker store, Redis lock store, {action_servers} action servers, haproxy "
        "round-robin over the Rasa replicas) and drives the load balancer's REST channel with the same users as above "
        f"(fresh conversations of 2-6 messages, {int(MIX[0][1] * 100)}% dev-set questions, {int(MIX[1][1] * 100)}% "
        f"paraphrases and out-of-scope, {int(MIX[2][1] * 100)}% smalltalk, {think[0]:g}-{think[1]:g} s reading time).",
        "",
    ]
    rows = []
    for replicas, phases in results.items():
        for phase in phases:
            rows.append([str(replicas), str(phase.users), f"{phase.elapsed_s:.0f}", str(len(phase.outcomes)),
                         f"{phase.replies_per_s():.1f}", f"{phase.percentile(50):,.0f}", f"{phase.percentile(95):,.0f}",
                         f"{phase.percentile(99):,.0f}", _errors(phase),
                         f"{phase.load_before[0]:.1f} / {phase.load_after[0]:.1f}"])
    lines.append(table(["Rasa replicas", "users", "s", "messages", "replies/s", "p50 ms", "p95 ms", "p99 ms", "errors",
                        "load avg before / after"], rows))
    lines += ["", "CPU time per good reply of each process (ms; PostgreSQL with its backends):", ""]
    rows = []
    for replicas, phases in results.items():
        for phase in phases:
            for name in sorted(phase.usage):
                rows.append([str(replicas), str(phase.users), name, f"{phase.usage[name].cpu_s:.1f}",
                             f"{_cpu_ms_per_reply(phase, name):.1f}"])
    lines.append(table(["Rasa replicas", "users", "process", "CPU s", "CPU ms per reply"], rows))
    cores = int(machine["cores"])
    lines += ["", f"What the cluster cost and got: CPU per good reply summed over all servers, the cores the servers "
              f"used on average (of {cores}, the rest went to other jobs on the machine), and the replies/s that "
              f"CPU cost allows if all {cores} cores served the bot alone:", ""]
    lines.append(table(["Rasa replicas", "users", "server CPU ms per reply", "cores used",
                        f"ceiling on {cores} free cores, replies/s"], capacity_rows(results, cores)))
    if 1 in results and 2 in results:
        lines += ["", "2 replicas / 1 replica:", ""]
        rows = []
        for one, two in zip(results[1], results[2]):
            ratio = two.replies_per_s() / one.replies_per_s() if one.replies_per_s() else float("nan")
            verdict = "met" if ratio >= TARGET_RATIO and not two.errors else "missed"
            rows.append([str(one.users), f"{one.replies_per_s():.1f}", f"{two.replies_per_s():.1f}", f"{ratio:.2f}",
                         f"{two.percentile(95) / one.percentile(95):.2f}" if one.percentile(95) else "-",
                         f"{verdict} (target >= {TARGET_RATIO}x, 0 errors)"])
        lines.append(table(["users", "replies/s, 1 replica", "replies/s, 2 replicas", "ratio", "p95 ratio", "target"],
                           rows))
        lines += ["", closing_note(results, cores)]
    return "\n".join(lines)


def closing_note(results: dict[int, list[Phase]], cores: int) -> str:
    """How to read the 2-replica / 1-replica ratio, in the measured numbers (the heaviest phase)."""
    one, two = results[1][-1], results[2][-1]
    cpu_one, cpu_two = (_servers_cpu_s(p) / len(p.ok) * 1000 for p in (one, two))
    used_one, used_two = (_servers_cpu_s(p) / p.elapsed_s for p in (one, two))
    rasa_one, rasa_two = (sum(u.cpu_s for n, u in p.usage.items() if n.startswith("Rasa")) / p.elapsed_s
                          for p in (one, two))
    return (
        f"Reading the ratio ({one.users} users): throughput is the CPU the servers get divided by the CPU a reply "
        f"costs. With 1 replica the servers used {used_one:.2f} cores, Rasa {rasa_one:.2f} of them, at {cpu_one:.0f} ms "
        f"of CPU per reply; with 2 replicas {used_two:.2f} cores, Rasa {rasa_two:.2f}, at {cpu_two:.0f} ms per reply. "
        "Rasa handles one message at a time, so one replica never uses more than one core; on this shared machine "
        f"(load average {one.load_before[0]:.1f}-{two.load_after[0]:.1f} on {cores} cores) it got less than that, and "
        "a second replica adds both the other core and, since the kernel shares the CPU per process, a larger share "
        "of a busy machine. The ratio measured here therefore moves with the other jobs. On "
        f"{cores} cores given to the bot alone, {cpu_two:.0f} ms per reply caps the whole cluster at "
        f"~{cores * 1000 / cpu_two:.0f} replies/s whatever the replica count: more replicas need more cores "
        "(docs/deployment.md, sizing).")
