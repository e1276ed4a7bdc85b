"""The console's own settings, read once from environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.settings import PROJECT_ROOT

DEFAULT_PASSWORD_FILE = PROJECT_ROOT / "run" / "console-password"


@dataclass(frozen=True)
class ConsoleConfig:
    """How the console runs: address, login, session and upload limits."""

    host: str = "127.0.0.1"
    port: int = 8090
    password_hash: str = ""  # CONSOLE_PASSWORD_HASH; empty: a password from `password_file`
    password_file: Path = DEFAULT_PASSWORD_FILE  # made with a random password on first start
    secret_key: str = ""  # signs the session cookie; empty: a random key per process
    session_max_age: int = 8 * 3600  # seconds a login lasts
    max_upload_bytes: int = 20 * 1024 * 1024
    secure_cookie: bool = False  # set behind a TLS proxy
    rasa_url: str = ""  # the running Rasa server, for the intents page's model swap
    rasa_token: str = ""  # RASA_AUTH_TOKEN, when the Rasa server has one
    project_dir: Path = PROJECT_ROOT  # the Rasa project whose intents the console edits and trains

    @classmethod
    def from_env(cls) -> "ConsoleConfig":
        """Read the `CONSOLE_*` variables (and `RASA_PORT` for the Rasa server's address)."""
        env = os.environ
        file = env.get("CONSOLE_PASSWORD_FILE")
        return cls(
            host=env.get("CONSOLE_HOST", "127.0.0.1"),
            port=int(env.get("CONSOLE_PORT", "8090")),
            password_hash=env.get("CONSOLE_PASSWORD_HASH", ""),
            password_file=Path(file).expanduser().resolve() if file else DEFAULT_PASSWORD_FILE,
            secret_key=env.get("CONSOLE_SECRET", ""),
            session_max_age=int(env.get("CONSOLE_SESSION_MAX_AGE", str(8 * 3600))),
            max_upload_bytes=int(float(env.get("CONSOLE_MAX_UPLOAD_MB", "20")) * 1024 * 1024),
            secure_cookie=env.get("CONSOLE_SECURE_COOKIE", "") == "1",
            rasa_url=env.get("CONSOLE_RASA_URL", f"http://127.0.0.1:{env.get('RASA_PORT', '5005')}"),
            rasa_token=env.get("RASA_AUTH_TOKEN", ""),
            project_dir=Path(env["CONSOLE_PROJECT_DIR"]).expanduser().resolve() if env.get("CONSOLE_PROJECT_DIR")
            else PROJECT_ROOT,
        )

    def session_secret(self) -> str:
        """The key that signs sessions (random when none is configured: a restart logs everyone out)."""
        return self.secret_key or secrets.token_urlsafe(32)
