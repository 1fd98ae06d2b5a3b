"""Team view for HR: where the organisation is short, which training closes most gaps, the training
plan to download, certificate alerts, and performance beside competence."""

import streamlit as st

from kpi.formatting import percent
from kpi.people import charts, development, model, performance
from ui import db, lang, t
from ui.components.download import download_buttons, table_with_downloads
from ui.people_widgets import (certificate_alerts, empty_store_hint, performance_table, scope_filters, scope_query,
                               storage_note)


def localise(frame):
    """Level numbers and delivery modes as words in the user's language."""
    return frame.assign(item_level=frame["item_level"].map(lambda lv: model.level_label(lv, lang())),
                        delivery_mode=frame["delivery_mode"].map(lambda m: model.mode_label(m, lang())))


st.title(t("people.team.title"))
storage_note()
if empty_store_hint():
    st.stop()
scope, as_of = scope_filters("team")

st.subheader(t("people.team.shortage"))
short = scope_query("team_shortage", as_of, scope)
if short.empty or short["total_gap"].sum() == 0:
    st.success(t("people.team.no_shortage"), icon=":material/verified:")
else:
    st.caption(t("people.team.shortage_help"))
    clicked = st.plotly_chart(charts.shortage_bars(short, lang()), width="stretch", on_select="rerun",
                              selection_mode="points", key="team_shortage")
    names = dict(zip(short["competency_id"], short["competency"]))
    # A bar chosen before the filters changed may name a competency no longer shown: ignore it then.
    chosen = [p["customdata"] for p in (clicked.selection.points if clicked else []) if p["customdata"] in names]
    if chosen:
        competency_id = chosen[0]
        st.markdown(t("people.team.who_short", competency=names[competency_id]))
        who = development.people_short(db(), competency_id, as_of, lang(), scope)
        level = {column: who[column].map(lambda lv: model.level_label(lv, lang())) for column in ("level", "required_level")}
        table_with_downloads(who.assign(**level), f"short-in-{competency_id}", "team_short",
                             column_config={"employee_id": t("people.col.employee_id"), "name": t("people.col.name"),
                                            "department": t("people.col.department"), "level": t("people.col.level"),
                                            "required_level": t("people.col.required"), "gap": t("people.col.gap")})
    else:
        st.caption(t("people.team.click_hint"))

st.subheader(t("people.team.training"))
ranked = scope_query("training_priorities", as_of, scope)
if ranked.empty:
    st.info(t("people.team.no_training"), icon=":material/school:")
else:
    st.caption(t("people.team.training_help"))
    table_with_downloads(localise(ranked), f"training-priorities-{as_of:%Y%m%d}", "training_priorities",
                         column_config={"item_id": None, "title": t("people.col.item"),
                                        "competency": t("people.col.competency"),
                                        "item_level": t("people.col.item_level"), "delivery_mode": t("people.col.mode"),
                                        "hours": t("people.col.hours"), "people": t("people.col.people_to_train"),
                                        "total_hours": t("people.col.total_hours")})
    plan = development.training_plan(db(), as_of, lang(), scope)
    mix = development.delivery_mix(plan)
    st.caption(t("people.team.mix", **{g: percent(mix.get(g, 0)) for g in ("on_the_job", "mentoring", "formal")}))
    with st.container(border=True):
        st.markdown(t("people.team.plan", people=plan["employee_id"].nunique(), items=plan["item_id"].nunique()))
        st.caption(t("people.team.plan_help"))
        download_buttons(localise(plan), f"training-plan-{as_of:%Y%m%d}", "training_plan")

st.subheader(t("people.alerts.title"))
certificate_alerts(as_of, scope, "team")

st.subheader(t("people.team.performance"))
figures = scope_query("performance", as_of, scope)
owners = figures[figures["tickets_handled"].notna()]
if owners.empty:
    st.info(t("people.team.no_owners"), icon=":material/confirmation_number:")
else:
    st.caption(t("people.team.performance_help"))
    shared = performance.shared_names(db())
    if shared:
        st.warning(t("people.team.shared_names", names="、".join(shared)), icon=":material/group:")
    st.plotly_chart(charts.performance_scatter(figures, lang()), width="stretch", key="team_performance")
    performance_table(figures, f"performance-{as_of:%Y%m%d}", "team_performance")
