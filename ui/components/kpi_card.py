"""KPI figures coloured by their target (kpi/targets.py): a card, a legend, and table cells.

The status is told three ways, so it reads without colour vision and in print: hue, a symbol
(✓ ▲ ✕) and a word. A card's delta arrow stays grey: whether a change is good depends on where
the value stands against its target (a rising 28.5% service level is still far off 85%).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from kpi import metrics, store, targets
from kpi.targets import Rating
from ui.session import db, db_version, lang

HUES = {"green": "green", "amber": "orange", "red": "red"}            # Streamlit's markdown colours
# Light backgrounds with dark text of the same hue: contrast ≥ 4.5:1 for the text on them.
CELL_STYLES = {"green": "background-color: #dcf5e3; color: #0f5132",
               "amber": "background-color: #fff0c2; color: #664d03",
               "red": "background-color: #fadbd8; color: #842029"}


@st.cache_data(max_entries=4, show_spinner=False)
def _targets(database: str, data_version: int) -> targets.Targets:
    return targets.load(db())


def current_targets() -> targets.Targets:
    return _targets(store.db_path(), db_version())


def rating(metric_key: str, value, department: str | None = None) -> Rating | None:
    return current_targets().rating(metric_key, value, lang(), department)


def kpi_card(column, metric_key: str, value, delta: str | None = None, department: str | None = None,
             note: str | None = None, width: str = "stretch") -> None:
    """``st.metric`` in ``column``: the value, its status against the target in the label, the
    target in the help; ``note`` (another comparison) follows the status. ``width`` as
    ``st.metric``'s ("content" in a row of cards that wraps)."""
    metric = metrics.get(metric_key)
    found = rating(metric_key, value, department)
    label, status = metric.label(lang()), None
    help_text = metric.description(lang())
    if found is not None:
        # the symbol leads, so a narrow card that cuts its label short still shows it
        label = f":{HUES[found.status]}[{found.symbol}] {label}"
        status = f":{HUES[found.status]}[**{found.word}**]"
        help_text = f"{help_text}\n\n{found.legend}"
    column.metric(label, metric.format(value, lang()), delta, delta_color="off", help=help_text, border=True,
                  delta_description=" · ".join(text for text in (status, note) if text) or None, width=width)


def legend_caption(metric_keys: Sequence[str], department: str | None = None) -> None:
    """What the symbols mean and what each shown KPI's target is."""
    caption = current_targets().caption(metric_keys, lang(), department)
    if caption:
        st.caption(caption)


def style_by_target(shown: pd.DataFrame, rated: dict[str, tuple[str, Sequence]],
                    departments: Sequence[str | None] | None = None) -> Styler:
    """``shown`` (display text) with each rated column's cells prefixed by the status symbol and
    tinted; ``rated`` maps a shown column to its KPI key and raw values, ``departments`` gives
    each row's department where a department's own target applies."""
    departments = departments if departments is not None else [None] * len(shown)
    # The targets once per table, not per cell: each look-up asks the store for its data version,
    # which cost 0.6 s for the 900 cells of the weekly table at 10M tickets.
    found_targets, language = current_targets(), lang()
    marked, styles = shown.copy(), pd.DataFrame("", index=shown.index, columns=shown.columns)
    for column, (metric_key, values) in rated.items():
        found = [found_targets.rating(metric_key, value, language, department)
                 for value, department in zip(values, departments, strict=True)]
        marked[column] = [text if rated_ is None else f"{rated_.symbol} {text}"
                          for text, rated_ in zip(shown[column], found, strict=True)]
        styles[column] = ["" if rated_ is None else CELL_STYLES[rated_.status] for rated_ in found]
    return marked.style.apply(lambda _: styles, axis=None)
