"""Entry point: language switch, navigation over the pages this user may open, and a guard so no trace
reaches users."""

import logging

import streamlit as st

from kpi import i18n
from ui import access, lang, t

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


user = access.current_user()
navigation = st.navigation(access.pages(user))
access.sidebar(user)

try:
    access.run(navigation, user)
except Exception:
    log.exception("page %s failed", navigation.url_path)
    st.error(t("error.unexpected"))
