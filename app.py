"""Entry point: language switch, navigation over pages/, and a guard so no trace reaches users."""

import logging
from pathlib import Path

import streamlit as st

from kpi import i18n
from ui import lang, t
from ui.navigation import SECTIONS

log = logging.getLogger("service_ops")
# Shipped with the app: a material-icon page_icon is fetched from a font CDN, which fails offline.
ICON = Path(__file__).resolve().parent / "ui" / "static" / "icon.png"

st.set_page_config(page_title="Service Ops", page_icon=str(ICON), layout="wide")

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


navigation = st.navigation({
    t(section): [st.Page(spec.path, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path,
                         default=spec.default) for spec in specs]
    for section, specs in SECTIONS.items()
})

try:
    navigation.run()
except Exception:
    log.exception("page %s failed", navigation.url_path)
    st.error(t("error.unexpected"))
