"""`python -m bot.console`: serve the console; `python -m bot.console hash-password`: make a
CONSOLE_PASSWORD_HASH value."""

from __future__ import annotations

import argparse
import getpass
import sys


def main(argv: list[str] | None = None) -> int:
    """Serve the console (default) or print a password hash."""
    from bot.console.config import ConsoleConfig

    config = ConsoleConfig.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.console", description="Konsulenternes webkonsol.")
    parser.add_argument("command", nargs="?", choices=["serve", "hash-password"], default="serve")
    parser.add_argument("--host", default=config.host, help="adresse (CONSOLE_HOST, standard 127.0.0.1)")
    parser.add_argument("--port", type=int, default=config.port, help="port (CONSOLE_PORT, standard 8090)")
    args = parser.parse_args(argv)
    if args.command == "hash-password":
        from bot.console.auth import hash_password

        password = getpass.getpass("Adgangskode: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        if len(password) < 12:
            print("Adgangskoden skal have mindst 12 tegn.", file=sys.stderr)
            return 2
        print(hash_password(password))
        return 0

    import uvicorn

    from bot.console.app import create_app
    from bot.settings import get_settings

    app = create_app(get_settings(), config)
    print(f"Konsollen kører på http://{args.host}:{args.port}/", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", proxy_headers=False, server_header=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
