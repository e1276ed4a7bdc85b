"""Write the example questions (`corpus/examples.jsonl`) from the tuning questions.

    .venv/bin/python -m scripts.export_examples

Every answerable question of the tuning folds, the dev set and the extra set (never the lockbox)
becomes an example: its question, its first gold source and its gold passage, with its id so that
`make folds` can hide a fold's own examples while it measures that fold. Run it again after
questions are added to those sets, then `make ingest`.
"""

from __future__ import annotations

import json

from bot.evaluation.retrieval import ANSWERABLE_KINDS
from bot.evaluation.sentence_fit import tuning_items
from bot.index.examples import examples_path
from bot.settings import get_settings


def main() -> int:
    """Write the file and say how many examples it holds."""
    settings = get_settings()
    lines = [json.dumps({"id": item["id"], "question": item["question"], "file": item["gold_sources"][0],
                         "passage": item["gold_passage"]}, ensure_ascii=False)
             for item in tuning_items(settings.dev_eval_file)
             if item["kind"] in ANSWERABLE_KINDS and item.get("gold_passage") and item.get("gold_sources")]
    path = examples_path(settings.corpus_dir)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} example questions written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
