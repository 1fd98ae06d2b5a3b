from pathlib import Path

import pytest

from kpi import store

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def con():
    """A fresh, migrated, in-memory store."""
    connection = store.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def db_file(tmp_path, monkeypatch):
    """A fresh database file that the app and the CLI pick up through $SERVICE_OPS_DB."""
    path = tmp_path / "store.duckdb"
    monkeypatch.setenv(store.DB_ENV_VAR, str(path))
    return path
