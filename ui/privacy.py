"""Who sees the personal data in tickets: ``visible`` is the one gate every ticket list and its
export goes through."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from kpi import privacy
from ui.access import current_may

PERMISSION = "personal_data.view"


def may_see_personal_data() -> bool:
    """Whether the current user may see phone numbers, e-mail addresses and ID numbers in tickets:
    the admin role (kpi/access.py), or the single local user of an app without sign-in."""
    return current_may(PERMISSION)


def visible(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as the current user may see it: subjects and customers masked unless allowed."""
    return frame if may_see_personal_data() else privacy.mask_frame(frame)


def gate_for_later() -> Callable[[pd.DataFrame], pd.DataFrame]:
    """``visible`` decided now, for a file built later outside the page's run (a deferred download,
    which has no session to ask)."""
    return (lambda frame: frame) if may_see_personal_data() else privacy.mask_frame
