"""The cluster's settings: secrets generated once into an ignored file, ports, the haproxy config."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from bot.ops.cluster_config import SECRET_NAMES, ClusterSettings, haproxy_config, load_secrets
from bot.settings import PROJECT_ROOT


def test_secrets_are_generated_once_into_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "run" / "cluster.env"
    first = load_secrets(path, {})
    assert set(first) == set(SECRET_NAMES) and all(len(value) >= 24 for value in first.values())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secrets(path, {}) == first, "the second run reuses them"
    assert load_secrets(path, {"DB_PASSWORD": "from-env"})["DB_PASSWORD"] == "from-env"


def test_the_secrets_file_is_ignored_by_git() -> None:
    for path in ("run/cluster.env", "run/cluster/haproxy.cfg", "run/cluster/postgres/data/PG_VERSION"):
        ignored = subprocess.run(["git", "check-ignore", "-q", path], cwd=PROJECT_ROOT, check=False)
        assert ignored.returncode == 0, path


def test_ports_follow_the_replica_counts(tmp_path: Path) -> None:
    settings = ClusterSettings.from_env({"RASA_REPLICAS": "3", "ACTION_SERVERS": "1", "RASA_REPLICA_PORT": "7000",
                                         "CLUSTER_ENV": str(tmp_path / "cluster.env")})
    assert settings.rasa_ports == (7000, 7001, 7002) and settings.action_ports == (5060,)
    assert settings.host == "127.0.0.1" and not settings.db_host
    assert settings.tracker_db_url.startswith("postgresql+psycopg://rasa:")
    with pytest.raises(ValueError):
        ClusterSettings.from_env({"RASA_REPLICAS": "0", "CLUSTER_ENV": str(tmp_path / "cluster.env")})


def test_haproxy_balances_rest_round_robin_and_socketio_sticky(tmp_path: Path) -> None:
    settings = ClusterSettings.from_env({"RASA_REPLICA_PORTS": "7001,7002", "ACTION_SERVER_PORTS": "7101,7102",
                                         "CLUSTER_ENV": str(tmp_path / "cluster.env")})
    config = haproxy_config(settings)
    rest = config.split("\nbackend rasa_rest\n")[1].split("\nbackend rasa_socketio\n")[0]
    sticky = config.split("\nbackend rasa_socketio\n")[1].split("\nfrontend actions\n")[0]
    assert "balance roundrobin" in rest and "balance source" in sticky
    for part in (rest, sticky):
        assert "server rasa1 127.0.0.1:7001 check" in part and "server rasa2 127.0.0.1:7002 check" in part
    assert "server action2 127.0.0.1:7102 check" in config and "retry-on conn-failure" in config
    assert "bind 127.0.0.1:5005" in config and "bind 127.0.0.1:5055" in config
    assert "${RASA_AUTH_TOKEN}" in config and settings.secrets["RASA_AUTH_TOKEN"] not in config
    config_file = tmp_path / "haproxy.cfg"
    config_file.write_text(config)
    check = subprocess.run(["haproxy", "-c", "-f", str(config_file)], capture_output=True, text=True,
                           env={"RASA_AUTH_TOKEN": "x", "PATH": "/usr/sbin:/usr/bin:/bin"}, check=False)
    assert check.returncode == 0, check.stderr
