"""Plotly figures for the people pages: skills heat map, coverage, radar, gap and shortage bars.

Figures only (no Streamlit): the pages render them; tests check them as data.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi import i18n
from kpi.people.model import LEVELS, TOP_LEVEL, level_label, source_label
from kpi.people.records import wide_levels
from kpi.people.skills import RadarData

# One colour per level, light to dark, so a cell reads as a level without its number.
LEVEL_COLOURS = ("#f1f3f5", "#c5dbf0", "#6fa8dc", "#1f5f9e")
GAP_COLOUR = "#d9480f"
OK_COLOUR = "#2f9e44"
PERSON_COLOURS = ("#1f77b4", "#9467bd", "#2ca02c", "#8c564b", "#e377c2")
ROW_HEIGHT = 26


def _discrete_scale() -> list[list]:
    """A colour scale with one flat band per level 0..3 (z runs from 0 to TOP_LEVEL)."""
    scale = []
    for level, colour in zip(LEVELS, LEVEL_COLOURS):
        scale += [[level / (TOP_LEVEL + 1), colour], [(level + 1) / (TOP_LEVEL + 1), colour]]
    return scale


def cell_text(level: int, required: float | None, evidenced: bool) -> str:
    """The level, and where it falls short the requirement: ``1▼2`` reads "has 1, needs 2".

    Empty for a competency the person's role does not require and nobody rated them in.
    """
    if required is None or pd.isna(required):
        return str(level) if evidenced else ""
    return str(level) if level >= required else f"{level}▼{int(required)}"


def matrix_heatmap(long: pd.DataFrame, lang: str) -> go.Figure:
    """People × competencies, coloured by level; cells below the role's requirement marked ▼."""
    evidenced = long["source"].notna()
    relevant = long.assign(level=long["level"].where(evidenced | long["required_level"].notna()))
    levels = wide_levels(relevant)
    text = wide_levels(long.assign(text=[cell_text(lv, rq, ev) for lv, rq, ev in
                                         zip(long["level"], long["required_level"], evidenced)]), "text")
    hover = wide_levels(long.assign(hover=[_hover(row, lang) for row in long.itertuples()]), "hover")
    names = long.drop_duplicates("employee_id").set_index("employee_id")["name"]
    people = [f"{names[employee_id]} ({employee_id})" for employee_id in levels.index]
    figure = go.Figure(go.Heatmap(
        z=levels.to_numpy(dtype=float), x=list(levels.columns), y=people, text=text.to_numpy(),
        texttemplate="%{text}", customdata=hover.to_numpy(), hovertemplate="%{customdata}<extra></extra>",
        colorscale=_discrete_scale(), zmin=-0.5, zmax=TOP_LEVEL + 0.5, xgap=2, ygap=2,
        colorbar={"tickvals": list(LEVELS), "ticktext": [level_label(lv, lang) for lv in LEVELS],
                  "title": {"text": i18n.t("people.chart.level", lang)}, "lenmode": "pixels", "len": 180,
                  "yanchor": "top", "y": 1},
    ))
    figure.update_layout(
        height=max(260, 120 + ROW_HEIGHT * len(people)), margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"side": "top", "tickangle": -30}, yaxis={"autorange": "reversed"},
    )
    return figure


def _hover(row, lang: str) -> str:
    required = "—" if pd.isna(row.required_level) else level_label(row.required_level, lang)
    evidence = source_label(row.source if isinstance(row.source, str) else None, lang)
    if isinstance(row.source, str):
        evidence += f" {row.evidence_on:%Y-%m-%d}"
    return i18n.t("people.chart.cell_hover", lang, name=row.name, competency=row.competency,
                  level=level_label(row.level, lang), required=required, evidence=evidence)


def wrap(text: str, width: int = 18) -> str:
    """Break a long label so chart margins need not grow: at spaces (English), or every
    ``width // 2`` characters where there are none (Chinese characters are twice as wide)."""
    if " " not in text:
        step = width // 2
        return "<br>".join(text[i:i + step] for i in range(0, len(text), step))
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


def radar_chart(data: RadarData, lang: str) -> go.Figure:
    """Each person's levels against the requirement and the team average, axes in the role's order."""
    axes = data.axes
    names = [wrap(name) for name in axes["competency"]]
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
    # The radial labels sit between the first and the last axis, clear of both axis names.
    between_first_and_last = 90 + 180 / len(axes)
    figure.update_layout(
        height=480, margin={"l": 90, "r": 90, "t": 40, "b": 30}, legend={"orientation": "h", "y": -0.08},
        polar={"radialaxis": {"range": [0, TOP_LEVEL], "tickvals": list(LEVELS),
                              "ticktext": [level_label(lv, lang) for lv in LEVELS],
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
