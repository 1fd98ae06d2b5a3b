"""Who sees the personal data in tickets: ``visible`` is the one gate every ticket list and its
export goes through."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import privacy

PERMISSION = "personal_data.view"


def may_see_personal_data() -> bool:
    """Whether the current user may see phone numbers, e-mail addresses and ID numbers in tickets.

    Sign-in sets ``st.session_state["permissions"]`` to the signed-in user's permissions. Without
    it (no sign-in configured) the app has a single local user with every role, who may.
    """
    permissions = st.session_state.get("permissions")
    return permissions is None or PERMISSION in permissions


def visible(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as the current user may see it: subjects and customers masked unless allowed."""
    return frame if may_see_personal_data() else privacy.mask_frame(frame)
