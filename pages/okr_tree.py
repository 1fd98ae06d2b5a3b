"""OKR tree: company → department → person objectives and key results with scores, status and flags."""

from datetime import date

import streamlit as st

from kpi.okr import tree
from ui import db, t
from ui.access import permits
from ui.okr_views import tree_table

st.title(t("okr.tree.title"))
st.caption(t("okr.tree.intro"))

left, right = st.columns(2)
label = left.text_input(t("okr.tree.period"), value=tree.period_of(date.today()).label, key="okr_period",
                        help=t("okr.tree.period_help"))
as_of = right.date_input(t("okr.tree.as_of"), value=date.today(), key="okr_as_of")
try:
    okr_period = tree.period(label)
except ValueError:
    st.error(t("okr.tree.bad_period", period=label))
    st.stop()

objectives = tree.build_tree(db(), okr_period, as_of)
if objectives:
    tree_table(objectives, okr_period.label)
else:
    st.info(t("okr.tree.empty", period=okr_period.label))

plans = tree.plans(db())
if plans.empty:
    st.stop()
with st.expander(t("okr.tree.mapping"), icon=":material/account_tree:"):
    may_edit = permits("data.import", "access.action.okr_settings")
    names = dict(zip(plans["plan_id"], plans["plan_name"]))
    plan_id = st.selectbox(t("okr.tree.plan"), list(names), format_func=names.get, key="okr_plan")
    plan = plans.set_index("plan_id").loc[plan_id]
    first, second = st.columns(2)
    kinds = {k: t(f"okr.kind.{k}") for k in ("okr", "weekly")}  # labels made in the run: AppTest formats later
    conventions = {c: t(f"okr.convention.{c}") for c in ("A", "B")}
    kind = first.selectbox(t("okr.tree.kind"), list(kinds), index=list(kinds).index(plan["kind"]),
                           format_func=kinds.get, key=f"okr_kind_{plan_id}")
    convention = second.radio(t("okr.tree.convention"), list(conventions),
                              index=list(conventions).index(plan["convention"]), format_func=conventions.get,
                              key=f"okr_convention_{plan_id}")
    mapping = st.data_editor(
        tree.bucket_mapping(db(), plan_id), hide_index=True, width="stretch", disabled=["bucket"],
        key=f"okr_mapping_{plan_id}",
        column_config={"bucket": t("okr.col.bucket"), "owner": t("okr.col.owner"),
                       "tier": st.column_config.SelectboxColumn(t("okr.col.tier"), options=list(tree.TIERS),
                                                                required=True)})
    if st.button(t("okr.tree.save"), key="okr_save_mapping", icon=":material/save:", disabled=not may_edit):
        tree.set_convention(db(), plan_id, convention, kind)
        tree.save_bucket_mapping(db(), plan_id, mapping)
        st.rerun()

st.caption(t("okr.tree.imports"))
