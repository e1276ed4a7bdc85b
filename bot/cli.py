"""The command line: `python -m bot {model,ingest,search,ask,eval,purge,report}`."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Callable

from bot.settings import get_settings


def _embedder():  # noqa: ANN202 - heavy import kept out of `--help`
    from bot.embedding.embedder import load_embedder

    settings = get_settings()
    return load_embedder(settings.model_cache_dir, query_threads=settings.query_threads)


def _searcher(index_dir: Path):  # noqa: ANN202
    from bot.index.store import load_index
    from bot.qa.search import Searcher

    return Searcher(load_index(index_dir), _embedder())


def cmd_model(args: argparse.Namespace) -> int:
    """Convert the embedding model into the cache and export its int8 ONNX model (once)."""
    from bot.embedding.convert import ensure_int8_model

    print(ensure_int8_model(get_settings().model_cache_dir))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Build or update the index; non-zero exit when a file could not be read."""
    from bot.documents.readers import UnreadableDocument
    from bot.index.ingest import ingest

    try:
        report = ingest(args.corpus, args.index, _embedder(), force=args.force)
    except UnreadableDocument as error:  # nothing readable at all: the old index stays
        print(f"FEJL / ERROR: {error}", file=sys.stderr)
        return 1
    for name, reason in report.failed.items():
        print(f"FEJL / ERROR: {name}: {reason}", file=sys.stderr)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.summary())
    return 0 if report.ok else 1


def cmd_ask(args: argparse.Namespace) -> int:
    """The bot's reply to a question, exactly as the action server gives it."""
    from dataclasses import replace

    from bot.dialogue.reply import as_messages, reply_to
    from bot.index.store import IndexUnavailable
    from bot.qa.engine import Engine

    try:
        engine = Engine(replace(get_settings(), index_dir=args.index))
    except (IndexUnavailable, RuntimeError) as error:
        print(f"FEJL / ERROR: {error}", file=sys.stderr)
        return 2
    messages = as_messages(reply_to(engine, args.question))
    if args.json:
        print(json.dumps(messages, ensure_ascii=False, indent=2))
        return 0
    for message in messages:
        print(f"[{message['custom'].get('kind')}] {message['text']}\n")
        for number, source in enumerate(message["custom"].get("sources", []), start=1):
            print(f"  kilde {number}: {source['file']} (score {source['score']:.3f}): {source['passage'][:160]}")
    return 0


def _print_hits(hits: list, as_json: bool) -> None:
    if as_json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return
    for hit in hits:
        print(f"{hit.rank}. [{hit.score:.3f}] {hit.chunk.file} · {hit.chunk.publisher}: {hit.chunk.title}")
        print(f"   {hit.chunk.text[:300]}")


def cmd_search(args: argparse.Namespace) -> int:
    """Ranked passages for a question, or for every question of a .jsonl file."""
    from bot.evaluation.retrieval import load_questions
    from bot.qa.search import EmptyQuery

    if bool(args.question) == bool(args.batch):
        print("give either a QUESTION or --batch FILE", file=sys.stderr)
        return 2
    searcher = _searcher(args.index)
    if args.batch:
        for item in load_questions(args.batch):
            try:
                hits = [h.to_dict() for h in searcher.search(item["question"], args.k)]
            except EmptyQuery:
                hits = []
            print(json.dumps({"id": item.get("id"), "hits": hits}, ensure_ascii=False))
        return 0
    try:
        _print_hits(searcher.search(args.question, args.k), args.json)
    except EmptyQuery as error:
        print(f"Tomt spørgsmål / empty question: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Retrieval metrics on an eval file (passage level), or the whole bot's answers with --url."""
    from bot.evaluation.retrieval import evaluate_retrieval, load_questions

    if args.url:
        return _eval_chat(args)
    searcher = _searcher(args.index)
    metrics = evaluate_retrieval(load_questions(args.file), searcher.search)
    if args.json:
        print(json.dumps(metrics.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(f"questions: {metrics.count}")
    for k, value in metrics.recall.items():
        print(f"Recall@{k}: {value:.3f}")
    print(f"MRR@10: {metrics.mrr:.3f}")
    for miss in metrics.misses:
        print(f"miss {miss['id']} (rank {miss['rank']}): {miss['question']}\n   top: {miss['top']}: {miss['top_passage']}")
    return 0


def _eval_chat(args: argparse.Namespace) -> int:
    from bot.documents.corpus import load_sources
    from bot.evaluation.chat import evaluate_chat, rest_sender
    from bot.evaluation.retrieval import load_questions

    titles = {name: (info.publisher, info.title) for name, info in load_sources(get_settings().corpus_dir).items()}
    result = evaluate_chat(load_questions(args.file), rest_sender(args.url), titles)
    summary = result.to_dict()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    print(f"overall: {summary['overall']:.3f}   factual+guidance: {summary['factual+guidance']}")
    for kind, scores in summary["per_kind"].items():
        print(f"  {kind:22s} {scores['correct']}/{scores['total']} = {scores['accuracy']:.3f}")
    wrong = summary["wrongly_declined"]
    print(f"wrongly declined answerable questions: {wrong['count']}/{wrong['of']}")
    for failure in summary["failures"]:
        print(f"FAIL {failure['id']} [{failure['kind']}] {failure['why']}: {failure['question']}\n   {failure['reply']}")
    return 0


def _tracker_store():  # noqa: ANN202 - an SQLAlchemy engine, or None after printing why not
    from bot.ops.tracker_db import TrackerStoreUnavailable, open_store

    try:
        return open_store(get_settings().tracker_db_url)
    except TrackerStoreUnavailable as error:
        print(f"FEJL / ERROR: {error}", file=sys.stderr)
        return None


def cmd_purge(args: argparse.Namespace) -> int:
    """Delete one conversation (--sender) or every conversation whose last message is too old."""
    import time
    from datetime import datetime

    from bot.ops.purge import of_sender, older_than, purge

    engine = _tracker_store()
    if engine is None:
        return 1
    if args.sender:
        selection, what = of_sender(args.sender), f"samtalen med afsender {args.sender!r}"
    else:
        cutoff = time.time() - args.older_than.total_seconds()
        selection = older_than(cutoff)
        what = f"samtaler uden beskeder siden {datetime.fromtimestamp(cutoff):%Y-%m-%d %H:%M}"
    result = purge(engine, selection, dry_run=args.dry_run)
    done = "Prøvekørsel, intet er slettet. Ville slette" if args.dry_run else "Slettet"
    print(f"{done}: samtaler {result.conversations}, hændelser {result.events} ({what}).")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The consultant's to-do list: declined questions, answers with 👎, unsure intents."""
    from bot.ops.report import EVENT_TYPES, build_report, to_csv, to_markdown
    from bot.ops.tracker_db import iter_events

    engine = _tracker_store()
    if engine is None:
        return 1
    report = build_report(iter_events(engine, EVENT_TYPES, args.since), args.min_confidence)
    print(to_csv(report) if args.csv else to_markdown(report, args.since), end="")
    return 0


def _parsed_by(target: str) -> Callable[[str], object]:
    """An argparse type calling `module:function`, imported on use (so `--help` stays fast);
    the function's ValueError message becomes the usage error."""
    module, name = target.split(":")

    def convert(text: str) -> object:
        try:
            return getattr(importlib.import_module(module), name)(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None
    return convert


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m bot", description="Danish advisory bot: corpus, index, search.")
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(func=func)
        return sub

    command("model", cmd_model, "convert the embedding model into the cache, export its int8 ONNX model")

    ingest = command("ingest", cmd_ingest, "build or update the index from the corpus folder")
    ingest.add_argument("--corpus", type=Path, default=settings.corpus_dir, help="corpus folder")
    ingest.add_argument("--index", type=Path, default=settings.index_dir, help="index folder")
    ingest.add_argument("--force", action="store_true", help="re-embed every file")
    ingest.add_argument("--json", action="store_true", help="print the summary as JSON")

    ask = command("ask", cmd_ask, "the bot's answer to a question (text, kind, sources with scores), "
                  "as users get it: check a document before it goes live")
    ask.add_argument("question", help="the question")
    ask.add_argument("--index", type=Path, default=settings.index_dir, help="index folder")
    ask.add_argument("--json", action="store_true", help="print the messages as the REST channel sends them")

    search = command("search", cmd_search, "ranked passages for a question")
    search.add_argument("question", nargs="?", help="the question")
    search.add_argument("--batch", type=Path, help=".jsonl file of objects with id and question")
    search.add_argument("--index", type=Path, default=settings.index_dir, help="index folder")
    search.add_argument("-k", type=int, default=settings.top_k, help="number of hits")
    search.add_argument("--json", action="store_true", help="print JSON")

    evaluate = command("eval", cmd_eval, "retrieval metrics (Recall@1/5/10, MRR@10) on an eval file, or with "
                       "--url the running bot's answers, scored per kind")
    evaluate.add_argument("--file", type=Path, required=True, help=".jsonl eval file")
    evaluate.add_argument("--url", help="Rasa server URL, e.g. http://127.0.0.1:5005: evaluate through REST")
    evaluate.add_argument("--index", type=Path, default=settings.index_dir, help="index folder")
    evaluate.add_argument("--json", action="store_true", help="print JSON")

    purge = command("purge", cmd_purge, "delete conversations from the tracker store: those whose last message is "
                    f"older than the retention period ({settings.retention}), or one sender's on request")
    which = purge.add_mutually_exclusive_group()
    which.add_argument("--older-than", type=_parsed_by("bot.ops.purge:parse_age"), default=settings.retention,
                       metavar="AGE", help=f"age of the last message, e.g. 12h, 30d, 2w (default {settings.retention})")
    which.add_argument("--sender", metavar="ID", help="delete this sender's conversation (forget me)")
    purge.add_argument("--dry-run", action="store_true", help="only count what would be deleted")

    report = command("report", cmd_report, "declined questions, answers with thumbs down and low-confidence "
                     "messages from the tracker store, grouped and counted")
    report.add_argument("--since", type=_parsed_by("bot.ops.report:parse_since"), metavar="DATE",
                        help="only events from DATE on, e.g. 2026-11-01")
    report.add_argument("--csv", action="store_true", help="print CSV instead of Markdown")
    report.add_argument("--min-confidence", type=float, default=settings.report_min_confidence, metavar="X",
                        help=f"report messages below this intent confidence (default {settings.report_min_confidence})")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = build_parser().parse_args(argv)
    return args.func(args)
