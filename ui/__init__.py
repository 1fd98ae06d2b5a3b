"""Streamlit glue shared by the pages: the store connection, the UI language, common widgets.

Only this package and ``pages/`` import streamlit; the domain logic lives in ``kpi/``.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui.session import db, db_version, lang, t

# Until some session has called st.navigation, Streamlit serves a deep link such as /weekly
# straight from pages/ (its legacy multipage mode), skipping app.py with its language switch
# and error guard. Every page imports this package: switch that mode off and start over.
if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    st.rerun()

__all__ = ["db", "db_version", "lang", "t"]
