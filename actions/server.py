"""Run the action server in a single process: `python -m actions.server`.

rasa-sdk's own launcher starts Sanic worker processes that would each load the ~470 MB
embedding model again (and it refuses to start once the model's libraries have chosen
the 'fork' start method). One process with async handlers serves this bot well; scale
out by running more action servers behind the load balancer (see README).
"""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor

from actions.runtime import engine


def main() -> None:
    """Parse the options, build the engine, load the actions, serve."""
    parser = argparse.ArgumentParser(description="Action server of the Danish advisory bot.")
    parser.add_argument("--host", default=os.environ.get("ACTION_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    engine()  # fail at start, naming the fix, when the index or model is missing
    executor = ActionExecutor()
    executor.register_package("actions")
    app = create_app(executor, cors_origins=[])
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
