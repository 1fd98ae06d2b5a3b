"""Sign-in and roles in the app: who is here, which pages the menu shows, and the guard around each page.

Sign-in is Streamlit's own OIDC (``st.login``), switched on by an ``[auth]`` section in
``.streamlit/secrets.toml``. Without one, the app has a single local user with every role.
Who may do what is plain Python in ``kpi/access.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from streamlit import config
from streamlit.errors import StreamlitAuthError
from streamlit.navigation.page import StreamlitPage

from kpi.access import RoleFileError, User, load_roles, may, roles_for, roles_needed, roles_path
from ui.navigation import SECTIONS, PageSpec
from ui.session import lang, t

log = logging.getLogger("service_ops")

# By the URL path st.navigation reports: "" for the default page.
_PAGES = {"" if spec.default else spec.url_path: spec for specs in SECTIONS.values() for spec in specs}
_DEFAULT_PROVIDER = "default"


def _auth_settings() -> Mapping | None:
    """The [auth] section of the secrets, {} when there is none; None when a secrets file is there but
    cannot be read, which must not open the app to everyone as if sign-in were off."""
    if st.secrets.load_if_toml_exists():
        return st.secrets.get("auth", {})
    return None if any(Path(path).exists() for path in config.get_option("secrets.files")) else {}


def _sign_in_providers(auth: Mapping) -> list[str]:
    """Each [auth.NAME] table, and "default" for a provider set up in [auth] itself."""
    named = [name for name, value in auth.items() if isinstance(value, Mapping) and name != "client_kwargs"]
    return ([_DEFAULT_PROVIDER] if "client_id" in auth else []) + named


def current_user() -> User | None:
    """This session's user: the local user without sign-in configured, None until someone signs in."""
    auth = _auth_settings()
    if auth is not None and not auth:
        return User.local()
    if auth is None or not st.user.get("is_logged_in", False):
        return None
    email = _verified_email()
    roles = roles_for(_role_file()[0], email) if email else frozenset()
    return User(email, str(st.user.get("name") or email), roles)


def _verified_email() -> str:
    # Google says whether it checked the address; Entra ID may send the sign-in name instead of
    # an e-mail claim, which is the work address in most tenants.
    if st.user.get("email_verified") is False:
        return ""
    return str(st.user.get("email") or st.user.get("preferred_username") or "")


def _role_file() -> tuple[dict[str, frozenset[str]], RoleFileError | None]:
    """The role file (re-read each run, so edits apply at once), or no entries and why."""
    try:
        return load_roles(roles_path()), None
    except RoleFileError as err:
        log.warning("role file: %s", err)
        return {}, err


def pages(user: User | None) -> list[StreamlitPage] | dict[str, list[StreamlitPage]]:
    """What st.navigation gets: the sign-in page, the no-role page, or every page with those the user
    may not open hidden from the menu (opened by URL, they say which role is needed)."""
    if user is None:
        return [st.Page(_sign_in_page, title=t("access.sign_in.page"), icon=":material/login:", url_path="sign_in",
                        default=True)]
    if not user.roles:
        return [st.Page(_no_role_page, title=t("access.no_role.page"), icon=":material/lock:", url_path="no_role",
                        default=True)]
    menu: dict[str, list[StreamlitPage]] = {}
    hidden = []
    for section, specs in SECTIONS.items():
        for spec in specs:
            allowed = may(user, spec.permission)
            page = st.Page(spec.path, title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path,
                           default=spec.default, visibility="visible" if allowed else "hidden")
            (menu.setdefault(t(section), []) if allowed else hidden).append(page)
    next(iter(menu.values())).extend(hidden)  # a section of hidden pages alone would show as an empty heading
    return menu


def sidebar(user: User | None) -> None:
    """Who is signed in and the way out, or the notice that nobody signs in."""
    if user is None:
        return
    if user.email is None:
        st.sidebar.warning(t("access.local_notice"), icon=":material/lock_open:")
        return
    st.sidebar.caption(t("access.signed_in_as", who=user.email or user.name))
    if st.sidebar.button(t("access.sign_out"), icon=":material/logout:", key="access_sign_out"):
        st.logout()


def run(navigation: StreamlitPage, user: User | None) -> None:
    """Run the chosen page, or say which role it needs."""
    # Before sign-in, and without a role, the one page there is says so itself.
    spec = _PAGES.get(navigation.url_path) if user and user.roles else None
    if spec is None or may(user, spec.permission):
        navigation.run()
    else:
        _denied_page(spec)


def current_may(permission: str) -> bool:
    """True when this session's user has ``permission``."""
    user = current_user()
    return user is not None and may(user, permission)


def permits(permission: str, action_key: str) -> bool:
    """For controls inside a page: True when the user may; else say who may, so the page leaves them out.

    Leaving a control out (rather than disabling it) also means no click on it can arrive.
    """
    if current_may(permission):
        return True
    st.caption(":material/lock: " + t("access.denied.action", action=t(action_key), roles=_role_names(permission)))
    return False


def may_open(spec: PageSpec) -> bool:
    return current_may(spec.permission)


def _role_names(permission: str) -> str:
    return t("access.role.or").join(t(f"access.role.{role}") for role in roles_needed(permission))


def _sign_in_page() -> None:
    st.title(t("access.sign_in.title"))
    st.write(t("access.sign_in.intro"))
    providers = _sign_in_providers(_auth_settings() or {})
    if not providers:
        log.error("sign-in: .streamlit/secrets.toml cannot be read, or its [auth] names no provider")
        st.error(t("access.sign_in.failed"), icon=":material/error:")
    for provider in providers:
        label = (t("access.sign_in.button") if provider == _DEFAULT_PROVIDER
                 else t("access.sign_in.with", provider=provider.title()))
        if st.button(label, type="primary", icon=":material/login:", key=f"sign_in_{provider}"):
            try:
                st.login(None if provider == _DEFAULT_PROVIDER else provider)
            except StreamlitAuthError as err:
                log.error("sign-in with %s could not start: %s", provider, err)
                st.error(t("access.sign_in.failed"), icon=":material/error:")


def _no_role_page() -> None:
    st.title(t("access.no_role.title"))
    st.info(t("access.no_role.body", email=_verified_email() or t("access.no_role.no_email")), icon=":material/lock:")
    if problem := _role_file()[1]:
        st.error(problem.message(lang()), icon=":material/error:")


def _denied_page(spec: PageSpec) -> None:
    st.title(t("access.denied.title"))
    st.warning(t("access.denied.body", roles=_role_names(spec.permission), page=t(spec.title_key)),
               icon=":material/lock:")
    st.page_link("pages/home.py", label=t("nav.home"), icon=":material/home:")

