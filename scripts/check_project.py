"""Project checks of `make validate`, after `rasa data validate`: NLU examples, corpus metadata,
dev-set retrieval floors (`bot/evaluation/project_checks.py`; `--help` lists the options).

Run with the action-server venv: `.venv/bin/python scripts/check_project.py [--root DIR]`.
Run by its path, Python cannot import `bot` from here, so the checks run as
`python -m bot.evaluation.project_checks` with this checkout on PYTHONPATH; the options pass
through, and so does the exit status (1 when there is any problem).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """The checks' exit status."""
    argv = sys.argv[1:] if argv is None else argv
    python_path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "bot.evaluation.project_checks", *argv]
    return subprocess.call(command, env={**os.environ, "PYTHONPATH": python_path})


if __name__ == "__main__":
    sys.exit(main())
