"""Ingest benchmark: passages per second for a synthetic corpus of ~1,000 documents, and the
fp32/int8 comparison on the real corpus; the Markdown between the ingest markers."""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from bot.evaluation.embedder_quality import Quality, measure_quality, render_quality
from bot.evaluation.ingest_corpus import KEEP_SHARE, build_corpus
from bot.evaluation.ingest_runs import IngestRun, run_ingest
from bot.evaluation.machine import cpu_model, fmt, load_average, memory_total_gib, progress_log, table, usable_cores
from bot.evaluation.report_docs import write_section
from bot.evaluation.retrieval import EXTRA_EVAL_FILE

START_MARKER = "<!-- ingest:begin -->"
END_MARKER = "<!-- ingest:end -->"
TARGET_PASSAGES_PER_S = 50.0

log = progress_log("bench")

FINDINGS = [
    "What was tried (2026-11-24, same machine, not re-run by this script):",
    "",
    "- sentence-transformers' own ONNX backend (`backend=\"onnx\"`, `export_dynamic_quantized_onnx_model`) "
    "needs `optimum-onnx`, whose only release pins `transformers<4.58`; sentence-transformers 6.2 needs "
    "`transformers>=5`. So the int8 model is exported with torch's ONNX exporter and quantised and run with "
    "ONNX Runtime directly (`bot/embedding/onnx.py`); the export is byte-for-byte reproducible.",
    "- Queries: the fp32 model exported to ONNX gives torch's vectors (cosine > 0.99999) in about half the "
    "time for a short question (1 thread, dev questions: p50 13 ms instead of 26 ms; int8 6 ms).",
    "- int8 with one scale per tensor instead of per output channel: same speed, cosine to fp32 only 0.987 "
    "(min 0.975). ONNX Runtime's BERT graph fusions (fused attention, LayerNorm, GELU) on top: no measurable "
    "gain. torch's own dynamic quantisation (`torch.ao`, deprecated) and bf16 autocast: no gain on this CPU.",
    "- Calls at once: with each text alone, two-thread ONNX Runtime calls one after another kept the two "
    "cores only ~80% busy (8.8 passages/s for the 1,000 documents, 424 s wall, 680 CPU s, same quiet "
    "machine); one-thread calls on a worker thread per core (ONNX Runtime releases the GIL) keep both "
    "busy with the same vectors: 11.6 passages/s (table above).",
    "- Where the time goes: a passage with its sentences is ~550 tokens (~270 for the passage, ~280 for ~10 "
    "sentences), and e5-small costs ~45 MFLOP a token. int8 runs at roughly 3,000-4,000 tokens per second "
    "per core here, so 50 passages/s (~27,000 tokens/s) is out of reach on 2 cores with this model and "
    "recipe. What would get there: more cores (ingest uses them all, each text on its own), or not embedding "
    "every sentence separately (e.g. sentence vectors pooled from the passage's own token vectors, about "
    "half the tokens), which changes the retrieval signal and needs its own evaluation.",
]


def _load(run: IngestRun) -> str:
    return f"{run.load_before[0]:.1f} / {run.load_after[0]:.1f}"


def render(machine: dict[str, str], runs: list[IngestRun], quality: Quality | None) -> str:
    """The Markdown section."""
    from bot.embedding.onnx import BATCH_TOKENS, MAX_TOKENS

    out = [f"Measured {machine['date']} on {machine['nproc']} cores ({machine['cpu']}), {machine['memory']} RAM; "
           f"the machine was shared with other jobs (load averages in the tables; {machine['note']}). "
           f"Command: `{machine['command']}`.", ""]
    out.append("Synthetic corpus: each document is one of the five corpus files with its paragraphs shuffled, "
               f"{KEEP_SHARE[0]:.0%}-{KEEP_SHARE[1]:.0%} of them kept, every number replaced by another of as "
               "many digits and the municipalities renamed. Each run is a forced `bot.index.ingest.ingest` into an "
               "empty index in its own process (reading, cleaning, chunking, embedding, BM25, FAISS, writing); "
               "every passage is embedded once with its title and every sentence once more, so a passage "
               "counts with its sentences. Peak RSS includes the model.")
    out.append("")
    rows = [[r.backend, f"{r.documents:,}", f"{r.passages:,}", f"{r.sentences:,}", fmt(r.seconds), fmt(r.cpu_seconds),
             f"**{fmt(r.passages_per_s)}**", fmt(r.sentences_per_s, 0), fmt(r.model_load_seconds), fmt(r.peak_rss_mib, 0),
             _load(r)] for r in runs]
    out.append(table(["embedder", "documents", "passages", "sentences", "seconds", "CPU s", "passages/s",
                      "sentences/s", "model load s", "peak RSS MiB", "load avg before / after"], rows))
    out.append("")
    best = max(runs, key=lambda r: r.passages_per_s)
    verdict = "met" if best.passages_per_s >= TARGET_PASSAGES_PER_S else "**missed**"
    out.append(f"Target ≥ {TARGET_PASSAGES_PER_S:.0f} passages/s: {verdict} (best {best.passages_per_s:.1f}).")
    out.append("")
    if quality:
        out.extend(render_quality(quality, BATCH_TOKENS, MAX_TOKENS))
    out.append("")
    out.extend(FINDINGS)
    return "\n".join(out)


def run_ingest_benchmark(command: str, output: Path, *, documents: int = 1000, baseline_documents: int = 100,
                         skip_quality: bool = False, note: str = "", raw_json: Path | None = None) -> str:
    """Build the corpora, run the ingests and the comparison, write the section of `output`; its Markdown.

    The int8 run ingests `documents` synthetic documents; int8 and fp32 torch runs ingest the
    first `baseline_documents` of them (0: none). `note` is a remark on the machine's load.
    """
    from bot.embedding.convert import ensure_int8_model
    from bot.settings import get_settings

    settings = get_settings()
    ensure_int8_model(settings.model_cache_dir)  # both models ready before anything is timed
    machine = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "nproc": str(usable_cores()),
               "cpu": cpu_model(), "memory": f"{memory_total_gib():.0f} GiB", "note": note or "see the tables",
               "command": command}
    log(f"load average at start: {load_average()}")
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-ingest-corpus-") as folder:
        corpus = Path(folder) / f"corpus-{documents}"
        build_corpus(settings.corpus_dir, corpus, documents)
        runs.append(run_ingest(corpus, fp32=False))
        if baseline_documents:
            small = Path(folder) / f"corpus-{baseline_documents}"
            build_corpus(settings.corpus_dir, small, baseline_documents)
            runs += [run_ingest(small, fp32=False), run_ingest(small, fp32=True)]
    quality = None
    if not skip_quality:
        quality = measure_quality(settings.corpus_dir, {"dev": settings.dev_eval_file, "extra": EXTRA_EVAL_FILE})
    log(f"load average at end: {load_average()}")
    body = render(machine, runs, quality)
    write_section(output, START_MARKER, END_MARKER, "Ingest", body)
    if raw_json:
        raw = {"machine": machine, "runs": [asdict(r) for r in runs], "quality": asdict(quality) if quality else None}
        raw_json.write_text(json.dumps(raw, indent=2))
    return body
