"""Entry point: language switch, navigation over the pages this user may open, and a guard so no trace
reaches users."""

import logging
from pathlib import Path

import streamlit as st

from kpi import i18n, logs, store
from ui import access, inbox, lang, t, url_params

log = logging.getLogger("service_ops")
# Shipped with the app: a material-icon page_icon is fetched from a font CDN, which fails offline.
ICON = Path(__file__).resolve().parent / "ui" / "static" / "icon.png"

st.set_page_config(page_title="Service Ops", page_icon=str(ICON), layout="wide")

# ?lang=en or ?lang=zh-TW picks the language of a shared link; the URL follows the switch.
if "lang" not in st.session_state:
    st.session_state.lang = url_params.chosen("lang", i18n.LANGUAGES, lang())
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
# Every page in view: a collapsed menu would say "View 6 more" in English whatever the language.
navigation = st.navigation(access.pages(user), expanded=True)
access.sidebar(user)

notices = st.container()  # above the page: what a shared link held that could not be used
logs.configure(store.db_path())  # a fault: one line on the server's terminal, its trace in the log file
try:
    inbox.watcher(store.db_path())
    access.run(navigation, user)
except store.StoreUnavailable as err:
    st.error(err.message(lang()), icon=":material/database_off:")
except Exception:
    log.exception("page %s failed", navigation.url_path)
    st.error(t("error.unexpected"))
with notices:
    url_params.show_ignored()
