"""`bot.rasa_server` is loaded by the Rasa server on Python 3.10: it imports there, and it pulls in
nothing of the action server's Python 3.11 environment or of the rest of the `bot` package."""

from __future__ import annotations

import json
import subprocess

from tests.conftest import ROOT

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
MODULES = ("bot.rasa_server.channels", "bot.rasa_server.privacy", "bot.rasa_server.rasa_tuning",
           "bot.rasa_server.tracker_store")
# What may be imported: the package itself, the standard-library answer contract and settings, and the
# emergency net (the acute-danger patterns and the domain's emergency response).
ALLOWED = {"bot", "bot.schema", "bot.settings", "bot.rasa_server", "bot.dialogue", "bot.dialogue.safety",
           "bot.dialogue.responses", "bot.language", "bot.language.text", *MODULES}
ACTION_SERVER_ONLY = ("faiss", "onnxruntime", "bm25s", "Stemmer", "wordfreq", "torch")
CHECK = (
    "import importlib, json, sys\n"
    f"for name in {MODULES!r}: importlib.import_module(name)\n"
    "print(json.dumps({'version': list(sys.version_info[:2]), 'modules': sorted(sys.modules)}))\n"
)


def test_the_rasa_package_imports_on_python_310_and_nothing_of_the_action_server():
    result = subprocess.run([str(RASA_PYTHON), "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["version"] == [3, 10]
    assert {m for m in loaded["modules"] if m == "bot" or m.startswith("bot.")} <= ALLOWED
    assert not [m for m in loaded["modules"] if m.split(".")[0] in ACTION_SERVER_ONLY]
