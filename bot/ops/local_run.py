"""`make run`: the action server, one Rasa server (SQLite tracker store) and the web page, supervised.

Started by scripts/run.sh: `python -m bot.ops.local_run`. Ports come from ACTION_PORT
(5055), RASA_PORT (5005), WEB_PORT (8080); the bind address from BIND_HOST (127.0.0.1);
logs go to RUN_DIR (run/). A server that dies is restarted (bot/ops/supervisor.py); the
start fails only when a server cannot start at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.ops.programs import action_program, rasa_program, web_program
from bot.ops.supervisor import Supervisor, run
from bot.settings import PROJECT_ROOT


def main() -> int:
    """Build the three programs from the environment and supervise them."""
    env = dict(os.environ)
    host = env.get("BIND_HOST", "127.0.0.1")
    action_port, rasa_port, web_port = (int(env.get(k, d)) for k, d in
                                        (("ACTION_PORT", "5055"), ("RASA_PORT", "5005"), ("WEB_PORT", "8080")))
    run_dir = Path(env.get("RUN_DIR", PROJECT_ROOT / "run"))
    model = env.get("RASA_MODEL", "models/bot.tar.gz")
    cors = env.get("CORS_ORIGINS", f"http://127.0.0.1:{web_port} http://localhost:{web_port}").split()
    if not (PROJECT_ROOT / model).is_file() and not Path(model).is_file():
        print(f"No trained Rasa model at {model}: run 'make train'.", file=sys.stderr)
        return 1
    programs = [
        action_program("action server", host, action_port, run_dir / "actions.log", env),
        web_program(host, web_port, run_dir / "web.log", env),
        rasa_program("Rasa server", host, rasa_port, model, "endpoints.yml", run_dir / "rasa.log", env, cors,
                     env.get("RASA_AUTH_TOKEN", "")),
    ]
    supervisor = Supervisor([programs], run_dir / "supervisor.log",
                            ready_timeout_s=float(env.get("READY_TIMEOUT", "180")))
    banner = f"""READY
  chat page:      http://127.0.0.1:{web_port}/?server=http://127.0.0.1:{rasa_port}
  Rasa REST:      http://127.0.0.1:{rasa_port}/webhooks/rest/webhook
  action server:  http://127.0.0.1:{action_port}/health
  logs:           {run_dir}/{{actions,rasa,web,supervisor}}.log
A server that stops is restarted (see supervisor.log). Press Ctrl-C to stop."""
    return run(supervisor, banner)


if __name__ == "__main__":
    sys.exit(main())
