"""Plotly figures for the people pages: skills heat map, coverage, radar, gap and shortage bars.

Figures only (no Streamlit): the pages render them; tests check them as data.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd
import plotly.graph_objects as go

from kpi import i18n
from kpi.people.model import LEVELS, TOP_LEVEL, level_label, source_label
from kpi.people.records import wide_levels
from kpi.people.skills import GAP_STATUSES, RadarData, gap_status

GAP_COLOUR = "#d9480f"
OK_COLOUR = "#2f9e44"
# Matrix cells by GAP_STATUSES: neutral, above (blue), meets (green), one level short (amber),
# two or more short (red); the symbol after the level says the same for colour-blind readers.
GAP_STATUS_COLOURS = ("#f1f3f5", "#a5d8ff", "#b2f2bb", "#ffd8a8", "#ffa8a8")
GAP_STATUS_SYMBOLS = {"not_required": "", "above": "▲", "meets": "✓", "short_1": "▼", "short_2plus": "▼"}
PERSON_COLOURS = ("#1f77b4", "#9467bd", "#2ca02c", "#8c564b", "#e377c2")
ROW_HEIGHT = 26


def _discrete_scale(colours: tuple[str, ...]) -> list[list]:
    """A colour scale with one flat band per colour (z runs from 0 to len(colours) - 1)."""
    scale = []
    for index, colour in enumerate(colours):
        scale += [[index / len(colours), colour], [(index + 1) / len(colours), colour]]
    return scale


def cell_text(level: int, required: float | None, evidenced: bool) -> str:
    """The level and, against the requirement, a symbol: ``1▼2`` "has 1, needs 2", ``3▲2``
    "has 3, needs 2", ``2✓`` "meets it".

    Empty for a competency the person's role does not require and nobody rated them in.
    """
    status = gap_status(level, required)
    if status == "not_required":
        return str(level) if evidenced else ""
    if status == "meets":
        return f"{level}✓"
    return f"{level}{GAP_STATUS_SYMBOLS[status]}{int(required)}"


def matrix_heatmap(long: pd.DataFrame, lang: str) -> go.Figure:
    """People × competencies, coloured by the gap against the role's requirement (the page's
    legend says what each colour and symbol means)."""
    evidenced = long["source"].notna()
    status = pd.Series([GAP_STATUSES.index(gap_status(lv, rq)) for lv, rq in zip(long["level"], long["required_level"])],
                       index=long.index, dtype=float)
    z = wide_levels(long.assign(status=status.where(evidenced | long["required_level"].notna())), "status")
    text = wide_levels(long.assign(text=[cell_text(lv, rq, ev) for lv, rq, ev in
                                         zip(long["level"], long["required_level"], evidenced)]), "text")
    hover = wide_levels(long.assign(hover=[_hover(row, lang) for row in long.itertuples()]), "hover")
    names = long.drop_duplicates("employee_id").set_index("employee_id")["name"]
    people = [f"{names[employee_id]} ({employee_id})" for employee_id in z.index]
    headers, angle, header_height = column_headers(list(z.columns))
    figure = go.Figure(go.Heatmap(
        z=z.to_numpy(dtype=float), x=headers, y=people, text=text.to_numpy(),
        texttemplate="%{text}", customdata=hover.to_numpy(), hovertemplate="%{customdata}<extra></extra>",
        colorscale=_discrete_scale(GAP_STATUS_COLOURS), zmin=-0.5, zmax=len(GAP_STATUSES) - 0.5,
        showscale=False, xgap=2, ygap=2,
    ))
    figure.update_layout(
        height=max(260, 40 + header_height + ROW_HEIGHT * len(people)),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"side": "top", "tickangle": angle, "tickfont": {"size": 12}}, yaxis={"autorange": "reversed"},
    )
    return figure


def column_headers(names: list[str]) -> tuple[list[str], int, int]:
    """Headers as narrow as one character, so the columns of a phone screen keep them apart:
    Chinese names upright one character a line, names with spaces (English) turned a quarter.
    Returns the headers, their tick angle and about how many pixels they take above the grid."""
    longest = max((len(name) for name in names), default=1)
    if any(" " in name for name in names):
        return names, -90, 7 * longest
    return ["<br>".join(name) for name in names], 0, 15 * longest


def _hover(row, lang: str) -> str:
    required = "—" if pd.isna(row.required_level) else level_label(row.required_level, lang)
    evidence = source_label(row.source if isinstance(row.source, str) else None, lang)
    if isinstance(row.source, str):
        evidence += f" {row.evidence_on:%Y-%m-%d}"
    status = i18n.t(f"people.gap_status.{gap_status(row.level, row.required_level)}", lang)
    return i18n.t("people.chart.cell_hover", lang, name=row.name, competency=row.competency,
                  level=level_label(row.level, lang), required=required, evidence=evidence, status=status)


def wrap(text: str, width: int = 18) -> str:
    """Break a long label so chart margins need not grow: at spaces (English), or where there are
    none into lines about ``width`` wide (a Chinese character counts two, a Latin letter one),
    as even as they can be (客戶需求/管理能力, not 客戶需求管理/能力) and never inside a Latin word."""
    if " " not in text:
        return "<br>".join(_even_lines(re.findall(r"[A-Za-z0-9]+|.", text), width))
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + [line])


def _translucent(hex_colour: str, alpha: float = 0.15) -> str:
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def coverage_chart(coverage: pd.DataFrame, lang: str) -> go.Figure:
    """People at the required level per role competency; single points of failure in red."""
    labels = [f"{role} · {competency}" for role, competency in zip(coverage["role"], coverage["competency"])]
    colours = [GAP_COLOUR if spof else OK_COLOUR for spof in coverage["single_point_of_failure"]]
    figure = go.Figure(go.Bar(
        x=coverage["meeting_required"], y=labels, orientation="h", marker_color=colours,
        text=[i18n.t("people.chart.coverage_text", lang, count=m, people=p, level=level_label(r, lang))
              for m, p, r in zip(coverage["meeting_required"], coverage["people"], coverage["required_level"])],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    figure.update_layout(
        height=max(240, 60 + ROW_HEIGHT * len(labels)), margin={"l": 10, "r": 120, "t": 30, "b": 10},
        yaxis={"autorange": "reversed"}, xaxis={"title": {"text": i18n.t("people.chart.people_at_required", lang)},
                                               "tickformat": "d", "rangemode": "tozero"},
    )
    return figure


def _shown_width(piece: str) -> int:
    return len(piece) if piece.isascii() else 2 * len(piece)


def _even_lines(pieces: list[str], width: int) -> list[str]:
    """``pieces`` (a Latin word or one character each) in as few lines as fit ``width``, cut where
    the longest line is shortest."""
    sizes = [_shown_width(p) for p in pieces]

    @cache
    def cuts(start: int, lines: int) -> tuple[int, tuple[int, ...]] | None:
        """The longest line and the cuts of ``pieces[start:]`` in ``lines`` lines, or None."""
        if lines == 1:
            return (sum(sizes[start:]), ()) if sum(sizes[start:]) <= width else None
        best = None
        for end in range(start + 1, len(pieces) - lines + 2):
            line, rest = sum(sizes[start:end]), cuts(end, lines - 1)
            if line > width:
                break
            if rest is not None and (best is None or max(line, rest[0]) < best[0]):
                best = (max(line, rest[0]), (end, *rest[1]))
        return best

    for lines in range(max(1, -(-sum(sizes) // width)), len(pieces) + 1):
        found = cuts(0, lines)
        if found is not None:
            bounds = (0, *found[1], len(pieces))
            return ["".join(pieces[a:b]) for a, b in zip(bounds, bounds[1:])]
    return ["".join(pieces)]  # a piece wider than ``width`` alone


def radar_chart(data: RadarData, lang: str) -> go.Figure:
    """Each person's levels against the requirement and the team average, axes in the role's order."""
    axes = data.axes
    # Narrow labels: at 1,024 px the radar has half the page, and a spoke's label beside it was cut.
    names = [wrap(name, 12) for name in axes["competency"]]
    theta = names + names[:1]  # close the polygon

    def closed(values) -> list[float]:
        values = list(values)
        return values + values[:1]

    figure = go.Figure()
    figure.add_trace(go.Scatterpolar(
        r=closed(axes["required_level"]), theta=theta, name=i18n.t("people.chart.required", lang),
        line={"color": GAP_COLOUR, "dash": "dash", "width": 2}, mode="lines+markers",
    ))
    figure.add_trace(go.Scatterpolar(
        r=closed(axes["team_average"]), theta=theta,
        name=i18n.t("people.chart.team_average", lang, size=data.team_size),
        line={"color": "#868e96", "dash": "dot", "width": 2}, mode="lines+markers",
    ))
    for (employee_id, name), colour in zip(data.people.groupby(["employee_id", "name"], sort=False).groups,
                                           PERSON_COLOURS):
        levels = data.people[data.people["employee_id"] == employee_id].set_index("competency_id")["level"]
        figure.add_trace(go.Scatterpolar(
            r=closed(levels.reindex(axes["competency_id"]).fillna(0)), theta=theta, name=name,
            line={"color": colour, "width": 3}, fill="toself", fillcolor=_translucent(colour), mode="lines+markers",
        ))
    # The rings are numbered on a radial axis midway between the first and the last spoke, the
    # numbers alone (a level's name would reach over the spokes and lines); the legend's title
    # names the levels, and moves with the legend when a narrow screen stacks its items.
    between_first_and_last = 90 + 180 / len(axes)
    rings = i18n.t("people.chart.rings", lang, levels=" · ".join(level_label(lv, lang) for lv in LEVELS))
    figure.update_layout(
        height=520, margin={"l": 90, "r": 90, "t": 40, "b": 30},
        legend={"orientation": "h", "y": -0.08, "title": {"text": rings, "side": "top"}},
        polar={"radialaxis": {"range": [0, TOP_LEVEL], "tickvals": list(LEVELS[1:]),
                              "ticktext": [str(lv) for lv in LEVELS[1:]], "tickfont": {"size": 12},
                              "angle": between_first_and_last, "tickangle": between_first_and_last},
               "angularaxis": {"direction": "clockwise", "rotation": 90}},
    )
    return figure


def gap_bars(gaps: pd.DataFrame, lang: str) -> go.Figure:
    """A person's gaps per competency, largest first (radar areas mislead; bars do not)."""
    figure = go.Figure(go.Bar(
        x=gaps["gap"], y=[wrap(name, 26) for name in gaps["competency"]], orientation="h",
        marker_color=[GAP_COLOUR if g > 0 else OK_COLOUR for g in gaps["gap"]],
        text=[f"{lv} → {rq}" for lv, rq in zip(gaps["level"], gaps["required_level"])], textposition="outside",
        cliponaxis=False,
        customdata=[f"{level_label(lv, lang)} → {level_label(rq, lang)}"
                    for lv, rq in zip(gaps["level"], gaps["required_level"])],
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    ))
    figure.update_layout(
        height=max(240, 60 + 48 * len(gaps)), margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"autorange": "reversed"},
        xaxis={"title": {"text": i18n.t("people.chart.gap_levels", lang)}, "dtick": 1, "range": [0, TOP_LEVEL + 0.6]},
    )
    return figure


def shortage_bars(shortage: pd.DataFrame, lang: str) -> go.Figure:
    """Sum of gaps per competency across the team: where the organisation is short. Clickable."""
    figure = go.Figure(go.Bar(
        x=shortage["competency"], y=shortage["total_gap"], customdata=shortage["competency_id"],
        marker_color=GAP_COLOUR,
        text=[i18n.t("people.chart.people_short", lang, count=n) for n in shortage["people_short"]],
        textposition="outside", hovertemplate="%{x}: %{y} · %{text}<extra></extra>",
    ))
    figure.update_layout(
        height=380, margin={"l": 10, "r": 10, "t": 30, "b": 10}, clickmode="event+select",
        yaxis={"title": {"text": i18n.t("people.chart.total_gap", lang)}, "rangemode": "tozero"},
    )
    return figure


def performance_scatter(performance: pd.DataFrame, lang: str) -> go.Figure:
    """Service level against total gap, one dot per person who owns tickets, sized by tickets handled."""
    owners = performance[performance["tickets_handled"].notna()]
    figure = go.Figure(go.Scatter(
        x=owners["total_gap"], y=owners["on_time_completion"], mode="markers", text=owners["name"],
        customdata=owners["employee_id"],
        marker={"size": 8 + 22 * owners["tickets_handled"] / max(1, owners["tickets_handled"].max()),
                "color": "#1f77b4", "opacity": 0.7},
        hovertemplate="%{text}: " + i18n.t("people.chart.scatter_hover", lang) + "<extra></extra>",
    ))
    figure.update_layout(
        height=420, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"title": {"text": i18n.t("people.chart.total_gap", lang)}, "dtick": 1},
        yaxis={"title": {"text": i18n.t("people.chart.on_time_completion", lang)}, "tickformat": ".0%"},
    )
    return figure
