"""AppTest for sign-in and roles: the menu each role gets, the page a missing role opens, the guarded
controls, the sign-in and no-role pages, and the app without sign-in configured."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.errors import StreamlitAuthError
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from kpi import access, store
from kpi.ingest import importer
from tests.conftest import FIXTURES
from tests.people_team import seed_team

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ENTRA_METADATA = "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
        "microsoft": {"client_id": "id", "client_secret": "secret", "server_metadata_url": ENTRA_METADATA},
        "google": {"client_id": "id", "client_secret": "secret",
                   "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration"}}
ROLE_FILE = """
"vera@example.com" = "viewer"
"max@example.com" = "manager"
"hana@example.com" = "hr"
"ada@example.com" = "admin"
"""
SERVICE_PAGES = ["", "weekly", "sla_settings", "targets", "okr_tree", "phone", "staffing", "channel_mix"]
PEOPLE_PAGES = ["people_matrix", "people_person", "people_team", "people_data", "people_model"]
EVERY_PAGE = ["", "upload", "batches", "weekly", "sla_settings", "targets", *PEOPLE_PAGES, "okr_tree", "okr_weekly",
              "phone", "staffing", "channel_mix", "roi"]


@pytest.fixture(autouse=True)
def through_app_py(monkeypatch):
    """Every run goes through app.py, as on the server once any session has called st.navigation.

    AppTest forgets that before each run, and Streamlit's legacy pages/ mode then runs a page that
    switch_page asks for straight from pages/, skipping app.py and with it the role guard.
    """
    construct = PagesManager.__init__

    def v2_only(self, *args, **kwargs):
        construct(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", v2_only)


@pytest.fixture(autouse=True)
def menu(monkeypatch):
    """The pages app.py hands st.navigation, by URL path: "visible" or "hidden" in the menu."""
    shown: dict[str, str] = {}
    real = st.navigation

    def spy(pages, **kwargs):
        listed = pages if isinstance(pages, list) else [p for section in pages.values() for p in section]
        shown.clear()
        shown.update({page.url_path: page.visibility for page in listed})
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return shown


def visible(menu: dict[str, str]) -> list[str]:
    return [path for path, visibility in menu.items() if visibility == "visible"]


@pytest.fixture
def roles(tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text(ROLE_FILE, encoding="utf-8")
    monkeypatch.setenv(access.ROLES_ENV_VAR, str(path))
    return path


@pytest.fixture
def batch(db_file):
    con = store.connect(db_file)
    importer.import_file(con, FIXTURES / "week41-2009.csv")
    con.close()


def open_app(page: str | None = None, lang: str = "en", **claims) -> AppTest:
    """The app as someone with these ID-token claims sees it, sign-in configured; with none, the app
    without sign-in."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    if claims:
        at.secrets, at.user = {"auth": AUTH}, claims
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def signed_in(email: str, page: str | None = None, lang: str = "en", **claims) -> AppTest:
    return open_app(page, lang, is_logged_in=True, email=email, name="Test User", **claims)


def signed_out(lang: str = "en") -> AppTest:
    return open_app(lang=lang, is_logged_in=False)


def texts(elements) -> list[str]:
    return [element.value for element in elements]


def test_without_sign_in_configured_the_local_user_sees_everything_with_a_notice(db_file, batch, menu):
    at = open_app()
    assert visible(menu) == EVERY_PAGE
    assert texts(at.sidebar.warning) == ["No sign-in configured: anyone who can open this address has every role. "
                                         "See “Sign-in and roles” in docs/security.md."]
    at.switch_page("pages/batches.py").run()
    assert at.button(key="undo").label == "Undo"
    zh = open_app(lang="zh-TW")
    assert texts(zh.sidebar.warning)[0].startswith("未設定登入：凡能開啟這個網址的人都擁有所有權限")


def test_a_viewer_gets_the_service_pages_and_a_clear_page_for_people(db_file, roles, menu):
    at = signed_in("vera@example.com")
    assert visible(menu) == SERVICE_PAGES
    assert sorted(path for path, visibility in menu.items() if visibility == "hidden") == sorted(
        set(EVERY_PAGE) - set(SERVICE_PAGES))
    assert texts(at.sidebar.caption) == ["Signed in as vera@example.com"]
    assert at.sidebar.button(key="access_sign_out").label == "Sign out"
    # Home points only to pages she may open.
    assert sorted(link.label for link in at.get("page_link")) == [
        "Channel mix", "KPI targets", "OKR tree", "Phone service", "SLA settings", "Staffing what-if", "Weekly review"]

    at.switch_page("pages/people_person.py").run()
    assert not at.exception
    assert texts(at.title) == ["You cannot open this page"]
    assert texts(at.warning) == ["You need the hr role to open “Person: radar and blueprint”. "
                                 "Ask your administrator if your work needs it."]
    assert not at.get("plotly_chart") and not at.dataframe  # nothing of the page itself ran


def test_the_clear_page_speaks_chinese_too(db_file, roles):
    at = signed_in("vera@example.com", page="pages/roi.py", lang="zh-TW")
    assert texts(at.title) == ["無法開啟這個頁面"]
    assert texts(at.warning)[0].startswith("需要 executive（高階主管） 角色才能開啟")


def test_a_viewer_sees_sla_settings_but_cannot_save_them(db_file, roles):
    at = signed_in("vera@example.com", page="pages/sla_settings.py")
    assert ":material/lock: Saving SLA settings needs the manager role." in texts(at.caption)
    assert not [b for b in at.button if b.label.startswith("Save")]
    manager = signed_in("max@example.com", page="pages/sla_settings.py")
    assert [b.label for b in manager.button if b.label.startswith("Save")] == ["Save policies", "Save calendar"]


def test_hr_gets_the_people_pages_but_not_erase(db_file, roles, menu):
    con = store.connect(db_file)
    seed_team(con)
    con.close()
    at = signed_in("hana@example.com", page="pages/people_data.py")
    assert visible(menu) == ["", "weekly", "sla_settings", "targets", *PEOPLE_PAGES, "okr_tree", "okr_weekly", "phone",
                             "staffing", "channel_mix"]
    assert texts(at.title) == ["People data"]
    assert ":material/lock: Erasing a person needs the admin role." in texts(at.caption)
    assert "people_erase" not in [b.key for b in at.button]


def test_a_manager_imports_but_only_an_admin_undoes(db_file, batch, roles, menu):
    manager = signed_in("max@example.com", page="pages/batches.py")
    assert visible(menu) == ["", "upload", "batches", "weekly", "sla_settings", "targets", "okr_tree", "phone",
                             "staffing", "channel_mix"]
    assert ":material/lock: Undoing an import batch needs the admin role." in texts(manager.caption)
    assert "undo" not in [b.key for b in manager.button]
    assert manager.button(key="remap").label == "Open in the mapping editor"

    admin = signed_in("Ada@Example.com", page="pages/batches.py")
    assert visible(menu) == EVERY_PAGE
    admin.checkbox(key="confirm_undo_1").check().run()
    admin.button(key="undo").click().run()
    assert texts(admin.success) == ["Batch 1 undone; 7 tickets affected."]


def test_someone_signed_in_without_a_role_is_told_to_ask(db_file, roles, menu):
    at = signed_in("stranger@elsewhere.org")
    assert list(menu) == [""]  # the no-role page only, whatever the URL
    assert texts(at.title) == ["Your account has no role here yet"]
    assert texts(at.info) == ["You are signed in as stranger@elsewhere.org, but neither this address nor its domain "
                              "is in the role file. Ask your administrator to give you a role (viewer, manager, hr, "
                              "executive or admin)."]
    assert at.sidebar.button(key="access_sign_out")  # to try another account


def test_a_bad_role_file_shuts_everyone_out_and_names_file_and_line(db_file, roles, menu):
    roles.write_text('"ada@example.com" = "admin"\n"vera@example.com" = "vewer"\n', encoding="utf-8")
    at = signed_in("ada@example.com")
    assert texts(at.title) == ["Your account has no role here yet"]
    assert texts(at.error) == [f"{roles}, line 2: “vera@example.com” has an unknown role “vewer”; the roles are "
                               "viewer, manager, hr, executive, admin."]


def test_before_sign_in_there_is_only_the_sign_in_page(db_file, roles, menu, monkeypatch):
    at = signed_out()
    assert list(menu) == [""]
    assert texts(at.title) == ["Please sign in"]
    assert [b.label for b in at.button] == ["Sign in with Microsoft", "Sign in with Google"]
    assert not at.sidebar.button  # no sign-out before sign-in
    started = []
    monkeypatch.setattr(st, "login", started.append)
    at.button(key="sign_in_google").click().run()
    assert started == ["google"]


def test_a_sign_in_that_cannot_start_says_so_in_the_users_language(db_file, monkeypatch):
    def misconfigured(provider):
        raise StreamlitAuthError("Authentication credentials in `.streamlit/secrets.toml` are missing")

    monkeypatch.setattr(st, "login", misconfigured)
    at = signed_out(lang="zh-TW")
    assert texts(at.title) == ["請先登入"]
    at.button(key="sign_in_microsoft").click().run()
    assert not at.exception
    assert texts(at.error) == ["登入設定不完整，無法登入；詳細原因已記錄在伺服器日誌。請通知系統管理員。"]


def test_a_secrets_file_that_cannot_be_read_lets_nobody_in(db_file, tmp_path, monkeypatch, menu):
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback\n', encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Secrets())  # reads the files that secrets.files names
    with patch_config_options({"secrets.files": [str(broken)]}):
        at = open_app()
    assert list(menu) == [""]
    assert texts(at.title) == ["Please sign in"]
    assert texts(at.error) == ["Sign-in is not set up correctly, so it cannot start. The details were written to "
                               "the server log; tell your administrator."]
    assert not at.button


def test_sign_out_returns_to_the_sign_in_page(db_file, roles):
    at = signed_in("vera@example.com")
    at.sidebar.button(key="access_sign_out").click().run()
    at.run()
    assert texts(at.title) == ["Please sign in"]


def test_an_unverified_address_gets_no_role(db_file, roles):
    at = signed_in("ada@example.com", email_verified=False)
    assert texts(at.title) == ["Your account has no role here yet"]
    assert "(the sign-in service sent no verified e-mail address)" in at.info[0].value
