"""Session fixtures for tests against the real PostgreSQL, Redis and the cluster (each started once).

PostgreSQL and Redis run on free loopback ports with their data in temporary folders (the
PostgreSQL folder outside pytest's root-only temp dir, so the `postgres` user can reach it
when the tests run as root); the cluster (scripts/cluster/run.sh: haproxy, two Rasa replicas,
two action servers) uses them, so a test can stop and start them under it.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import pytest

from bot.evaluation.cluster_harness import DataServer, RunningCluster, running_cluster
from bot.evaluation.harness import BotDidNotStart, free_port
from bot.ops.pg_server import LocalPostgres, postgres_process
from bot.ops.redis_server import LocalRedis, redis_process
from bot.ops.server_process import ServerProcess
from tests.tracker_helpers import TrackerStore, postgres_event_files


@pytest.fixture(scope="session")
def postgres_config() -> Iterator[LocalPostgres]:
    """Where the tests' PostgreSQL keeps its data (a temp folder, removed afterwards) and listens."""
    folder = Path(tempfile.mkdtemp(prefix="bot-postgres-"))
    folder.chmod(0o755)
    try:
        yield LocalPostgres(folder / "pg", free_port(), "rasa", secrets.token_urlsafe(16))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _running(server: ServerProcess) -> Iterator[ServerProcess]:
    """Start a server for the session and stop it at the end."""
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres(postgres_config: LocalPostgres) -> Iterator[ServerProcess]:
    """The tests' own PostgreSQL server (initdb, then started); a test may stop and start it again."""
    yield from _running(postgres_process(postgres_config))


@pytest.fixture(scope="session")
def redis_config(tmp_path_factory: pytest.TempPathFactory) -> LocalRedis:
    return LocalRedis(tmp_path_factory.mktemp("redis"), free_port(), secrets.token_urlsafe(16))


@pytest.fixture(scope="session")
def redis_server(redis_config: LocalRedis) -> Iterator[ServerProcess]:
    """The tests' own Redis server, with a password; a test may stop and start it again."""
    yield from _running(redis_process(redis_config))


@pytest.fixture(scope="session")
def cluster(postgres: ServerProcess, redis_server: ServerProcess, postgres_config: LocalPostgres,
            redis_config: LocalRedis, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningCluster]:
    """The cluster: haproxy, 2 Rasa replicas, 2 action servers, on the fixtures' PostgreSQL and Redis."""
    pg, redis = postgres_config, redis_config
    try:
        with running_cluster(tmp_path_factory.mktemp("cluster"), postgres=DataServer(pg.port, pg.password, pg.user,
                                                                                     pg.database),
                             redis=DataServer(redis.port, redis.password)) as running:
            yield running
    except BotDidNotStart as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def pg_store(cluster: RunningCluster, postgres_config: LocalPostgres) -> TrackerStore:
    """The cluster's tracker store (PostgreSQL), with the files that hold its events."""
    store: TrackerStore = TrackerStore(cluster.tracker_db_url, lambda: postgres_event_files(store, postgres_config.data))
    return store


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def chat(request: pytest.FixtureRequest):  # noqa: ANN201 - (RunningBot or RunningCluster, TrackerStore)
    """A running bot and its tracker store: `make run` on SQLite, or the cluster on PostgreSQL."""
    if request.param == "sqlite":
        bot = request.getfixturevalue("running_bot")
        return bot, TrackerStore.sqlite(bot.tracker_db)
    return request.getfixturevalue("cluster"), request.getfixturevalue("pg_store")
