"""Entry point: language switch, navigation over pages/, and a guard so no trace reaches users."""

import logging

import streamlit as st

from kpi import i18n
from ui import lang, t

log = logging.getLogger("service_ops")

st.set_page_config(page_title="Service Ops", page_icon=":material/monitoring:", layout="wide")

st.sidebar.segmented_control(
    "Language / 語言",
    i18n.LANGUAGES,
    default=lang(),
    format_func=lambda code: {"zh-TW": "繁體中文", "en": "English"}[code],
    key="lang",
    required=True,
    bind="query-params",
)


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
    }
)

try:
    navigation.run()
except Exception:
    log.exception("page %s failed", navigation.url_path)
    st.error(t("error.unexpected"))
