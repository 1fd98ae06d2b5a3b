"""Weekly work plans: each person's week, the team's trend, and today's check-ins by group."""

from datetime import date

import streamlit as st

from kpi.okr import weekly
from ui import db, okr_views, t
from ui.components.download import table_with_downloads

st.title(t("okr.weekly.title"))
st.caption(t("okr.weekly.intro"))

groups = weekly.checkin_groups(db())
managers = sorted(m for m in groups["manager"].dropna().unique())
left, right = st.columns(2)
day = left.date_input(t("okr.weekly.day"), value=date.today(), key="okr_day")
manager = right.selectbox(t("okr.weekly.manager"), managers, index=None, placeholder=t("okr.weekly.everyone"),
                          key="okr_manager")

st.subheader(t("okr.weekly.checkins"))
checkins = weekly.checkins(db(), day, manager)
if checkins.empty:
    st.info(t("okr.weekly.no_checkins"))
else:
    shown = checkins.assign(group=checkins["group"].map(lambda g: t(f"okr.group.{g}")),
                            action=checkins["action"].map(lambda a: t(f"okr.action.{a}")))
    table_with_downloads(shown, f"checkins-{day}", "okr_checkins", column_config={
        "employee_id": t("people.col.employee_id"), "name": t("people.col.name"), "group": t("okr.col.group"),
        "action": t("okr.col.action"), "open_tasks": t("okr.col.open_tasks"), "late_tasks": t("okr.col.late_tasks")})

st.subheader(t("okr.weekly.people"))
person_weeks = weekly.person_weeks(db())
if person_weeks.empty:
    st.info(t("okr.weekly.empty"))
else:
    table_with_downloads(person_weeks.sort_values("week", ascending=False, kind="stable"), "weekly-plans",
                         "okr_person_weeks",
                         column_config={**{name: t(f"okr.col.{name}") for name in person_weeks.columns},
                                        "week": st.column_config.DateColumn(t("okr.col.week"), format="YYYY-MM-DD")})
    st.plotly_chart(okr_views.trend_chart(weekly.team_trend(db())), width="stretch", key="okr_trend")

with st.expander(t("okr.weekly.groups"), icon=":material/groups:"):
    st.caption(t("okr.weekly.groups_help"))
    group_names = {g: t(f"okr.group.{g}") for g in weekly.GROUPS}
    edited = st.data_editor(
        groups, hide_index=True, width="stretch", key="okr_groups",
        disabled=["employee_id", "name", "department", "manager"],
        column_config={"employee_id": t("people.col.employee_id"), "name": t("people.col.name"),
                       "department": t("people.col.department"), "manager": t("people.col.manager"),
                       "checkin_group": st.column_config.SelectboxColumn(
                           t("okr.col.group"), options=list(group_names), format_func=group_names.get)})
    if st.button(t("okr.weekly.save_groups"), key="okr_save_groups", icon=":material/save:"):
        weekly.save_checkin_groups(db(), dict(zip(edited["employee_id"], edited["checkin_group"].where(
            edited["checkin_group"].notna(), None))))
        st.rerun()
