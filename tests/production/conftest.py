"""The production profile for real, started by the one harness (bench/system.py) as `make run-prod` starts it:
Procfile.productie under supervisord with two Rasa servers and two action servers on fresh PostgreSQL
databases and the local Redis, plus a second bridge process on a port of its own.

The two bridges share the database and Redis and stand for two uvicorn workers (`--workers 2` puts them
behind one port, where a test cannot choose the worker). The failover test kills one Rasa server and has
supervisord leave it down (tests/e2e/test_reliability_e2e.py tests the restarts).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.system import StartupFailed, System, start_production_system, wait_ready
from tests.conftest import POSTGRES_ADMIN_URL, REDIS_URL, _postgres_available, _redis_available

STARTUP_TIMEOUT_SECONDS = 600  # two Rasa servers load their model at once on a busy 2-core machine


@pytest.fixture(scope="package")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """Two Rasa/action server pairs on the shared tracker and lock store, and two bridges ("workers")."""
    if not _postgres_available():
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432; production profile tests skipped")
    if not _redis_available():
        pytest.skip("Redis does not answer on 127.0.0.1:6379; production profile tests skipped")
    system = start_production_system(
        tmp_path_factory.mktemp("productie"),
        rasa_instances=2,
        bridge_workers=1,
        # Shared counters are tested with a limit the other tests stay under.
        extra_env={"RATE_LIMIT_PER_CONVERSATION": "6/minute"},
        postgres_admin_url=POSTGRES_ADMIN_URL,
        redis_url=REDIS_URL,
        database_prefix="elkedeur_prod",
        lock_key_prefix="elkedeurtest",
    )
    try:
        wait_ready(system, timeout_s=STARTUP_TIMEOUT_SECONDS)
        system.add_bridge()  # after the first bridge ran the migrations
        wait_ready(system, timeout_s=STARTUP_TIMEOUT_SECONDS)
        yield system
    except StartupFailed as error:
        pytest.fail(str(error))
    finally:
        system.stop()
