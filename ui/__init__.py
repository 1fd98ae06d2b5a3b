"""Streamlit glue shared by the pages: the store connection, the UI language, common widgets.

Only this package and ``pages/`` import streamlit; the domain logic lives in ``kpi/``.
"""

from ui.session import db, db_version, lang, t

__all__ = ["db", "db_version", "lang", "t"]
