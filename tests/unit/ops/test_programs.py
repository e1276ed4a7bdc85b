"""The Rasa server's command line as the supervisor builds it."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.ops.programs import rasa_program


def test_a_token_that_starts_with_a_dash_stays_the_auth_tokens_value(tmp_path: Path) -> None:
    # secrets.token_urlsafe starts one token in 64 with "-"; argparse (as `rasa run` uses it) took such a token
    # for an option and the server exited with "argument -t/--auth-token: expected one argument".
    program = rasa_program("rasa", "127.0.0.1", 5005, "models/bot.tar.gz", "endpoints.yml", tmp_path / "rasa.log",
                           {}, ["*"], token="-Zq3xY")
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    parser.add_argument("-p", "--port")
    known, _ = parser.parse_known_args(program.command[2:])
    assert known.auth_token == "-Zq3xY" and known.port == "5005"
