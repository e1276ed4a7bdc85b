"""The action server refuses to start without a usable index, naming the fix."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _start_action_server(index_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BOT_INDEX_DIR": str(index_dir)}
    return subprocess.run([sys.executable, "-m", "actions.server", "--port", "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_missing_index_stops_the_action_server_with_the_fix(tmp_path: Path):
    result = _start_action_server(tmp_path / "no-index")
    assert result.returncode != 0
    assert "Action server cannot start" in result.stderr and "make ingest" in result.stderr


def test_corrupt_index_stops_the_action_server_with_the_fix(tmp_path: Path):
    build = tmp_path / "index" / "builds" / "b1"
    build.mkdir(parents=True)
    (build / "manifest.json").write_text("{not json")
    (tmp_path / "index" / "current").symlink_to("builds/b1")
    result = _start_action_server(tmp_path / "index")
    assert result.returncode != 0
    assert "unreadable" in result.stderr and "ingest" in result.stderr
