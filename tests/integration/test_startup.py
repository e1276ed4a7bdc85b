"""The action server refuses to start without a usable index, naming the fix."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_dangling_current_link_stops_the_action_server_with_the_fix(tmp_path: Path):
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "current").symlink_to("builds/removed")
    result = _start_action_server(tmp_path / "index")
    assert result.returncode != 0
    assert "Action server cannot start" in result.stderr and "make ingest" in result.stderr


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _drop_last_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "part", "said"),
    [(_truncate, "dense.faiss", "unreadable"), (_truncate, "vectors.npy", "unreadable"),
     (_drop_last_line, "chunks.jsonl", "inconsistent")],
)
def test_damaged_real_index_stops_the_action_server_with_the_fix(tmp_path: Path, damage, part, said):
    """A copy of the real index with one file half-written or a chunk missing."""
    build = tmp_path / "index" / "builds" / "b1"
    shutil.copytree((ROOT / "index" / "current").resolve(), build)
    (tmp_path / "index" / "current").symlink_to("builds/b1")
    damage(build / part)
    result = _start_action_server(tmp_path / "index")
    assert result.returncode != 0
    assert "Action server cannot start" in result.stderr and said in result.stderr and "ingest" in result.stderr
