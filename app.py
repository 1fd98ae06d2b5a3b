"""Entry point: language switch, navigation over pages/, and a guard so no trace reaches users."""

import logging

import streamlit as st

from kpi import i18n
from ui import lang, t

log = logging.getLogger("service_ops")

st.set_page_config(page_title="Service Ops", page_icon=":material/monitoring:", layout="wide")

# ?lang=en or ?lang=zh-TW picks the language of a shared link; the URL follows the switch.
if "lang" not in st.session_state:
    requested = st.query_params.get("lang")
    st.session_state.lang = requested if requested in i18n.LANGUAGES else lang()
st.session_state.lang = st.sidebar.segmented_control(
    "Language / 語言",
    i18n.LANGUAGES,
    default=st.session_state.lang,
    format_func=lambda code: {"zh-TW": "繁體中文", "en": "English"}[code],
    key="language_choice",
    required=True,
)
st.query_params["lang"] = lang()


def page(path: str, title_key: str, icon: str, **kwargs) -> st.Page:
    url_path = path.removeprefix("pages/").removesuffix(".py")
    return st.Page(path, title=t(title_key), icon=icon, url_path=url_path, **kwargs)


navigation = st.navigation(
    {
        t("nav.section.data"): [
            page("pages/home.py", "nav.home", ":material/home:", default=True),
            page("pages/upload.py", "nav.upload", ":material/upload_file:"),
            page("pages/batches.py", "nav.batches", ":material/history:"),
        ],
        t("nav.section.service"): [
            page("pages/weekly.py", "nav.weekly", ":material/event_note:"),
            page("pages/sla_settings.py", "nav.sla_settings", ":material/schedule:"),
        ],
        t("nav.section.people"): [
            page("pages/people_matrix.py", "nav.people_matrix", ":material/grid_on:"),
            page("pages/people_person.py", "nav.people_person", ":material/radar:"),
            page("pages/people_team.py", "nav.people_team", ":material/groups:"),
            page("pages/people_data.py", "nav.people_data", ":material/manage_accounts:"),
            page("pages/people_model.py", "nav.people_model", ":material/account_tree:"),
        ],
        t("nav.section.executive"): [page("pages/roi.py", "nav.roi", ":material/savings:")],
    }
)

try:
    navigation.run()
except Exception:
    log.exception("page %s failed", navigation.url_path)
    st.error(t("error.unexpected"))
