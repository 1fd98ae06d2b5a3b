from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.secrets import Secrets

from kpi import store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What a reading command adds when its database file does not exist.
NO_DATABASE_HINT = ": import exports first (python -m kpi import FILE) or load the demo (python -m kpi demo)"


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


@pytest.fixture(autouse=True)
def no_sign_in_configured(monkeypatch):
    """Tests see no [auth] section, even where a developer's .streamlit/secrets.toml has one; a test that
    wants sign-in sets AppTest.secrets, which replaces st.secrets for its runs."""
    empty = Secrets()
    empty._secrets = {}
    monkeypatch.setattr(st, "secrets", empty)


@pytest.fixture(autouse=True)
def fresh_caches():
    """Cached figures are keyed on the store's data version, which every test's new store restarts
    from the same number: without this a page could show another test's cached figures."""
    st.cache_data.clear()
