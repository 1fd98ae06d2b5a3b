"""Values a shared link carries in its query string: checked before any widget takes them.

A link can hold anything (``?target=1e309``, a week that does not exist, a department nobody
has). A value a page cannot use is ignored: the widget starts from its default and the page
says once, at its top, which part of the link was not understood.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import streamlit as st

from ui.session import t

_IGNORED = "url_params_ignored"


def accepts(name: str, valid: Callable[[str], bool] | Collection[str]) -> bool:
    """Whether every value the URL gives for ``name`` is usable; if not, note it for the notice."""
    ok = valid if callable(valid) else set(map(str, valid)).__contains__
    values = st.query_params.get_all(name)
    if all(ok(value) for value in values):
        return True
    ignored = st.session_state.setdefault(_IGNORED, [])
    if name not in ignored:
        ignored.append(name)
    return False


def chosen(name: str, valid: Callable[[str], bool] | Collection[str], default: str) -> str:
    """The URL's value for ``name`` when it is usable, else ``default``."""
    return st.query_params[name] if name in st.query_params and accepts(name, valid) else default


def whole_number(name: str, low: int, high: int, default: int) -> int:
    """The URL's whole number for ``name`` from ``low`` to ``high``, written in plain digits, else ``default``."""
    return int(chosen(name, lambda v: v.isascii() and v.isdigit() and len(v) <= 9 and low <= int(v) <= high,
                      str(default)))


def show_ignored() -> None:
    """One translated notice naming the link's parameters that were ignored in this run."""
    ignored = st.session_state.pop(_IGNORED, [])
    if ignored:
        st.warning(t("url.ignored", names=", ".join(ignored)), icon=":material/link_off:")
