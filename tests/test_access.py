"""Roles and permissions (kpi/access.py): the permission table, resolving an address, the role file."""

from pathlib import Path

import pytest

from kpi import access
from kpi.access import PERMISSIONS, ROLES, RoleFileError, User, load_roles, may, parse_roles, roles_for, roles_needed

EXAMPLE = Path(__file__).resolve().parents[1] / "roles.example.toml"


def user(*roles: str) -> User:
    return User("someone@example.com", "Someone", frozenset(roles))


def granted(u: User) -> set[str]:
    return {permission for permission in PERMISSIONS if may(u, permission)}


@pytest.mark.parametrize("role, permissions", [
    ("viewer", {"service.view"}),
    ("manager", {"service.view", "data.import", "sla.edit"}),
    ("hr", {"service.view", "people.view"}),
    ("executive", {"service.view", "roi.view"}),
    ("admin", {"service.view", "data.import", "sla.edit", "people.view", "roi.view", "data.undo", "people.erase",
               "personal_data.view"}),
])
def test_each_role_grants_what_the_table_says(role, permissions):
    assert granted(user(role)) == permissions


def test_several_roles_add_up_and_no_role_grants_nothing():
    assert granted(user("hr", "manager")) == {"service.view", "people.view", "data.import", "sla.edit"}
    assert granted(user()) == set()


def test_the_local_user_of_an_app_without_sign_in_may_do_everything():
    assert granted(User.local()) == set(PERMISSIONS)
    assert User.local().email is None


def test_every_permission_is_held_by_known_roles_only_and_admin_holds_all():
    assert all(set(holders) <= set(ROLES) and "admin" in holders for holders in PERMISSIONS.values())


def test_the_role_to_ask_for_is_the_narrowest():
    assert roles_needed("people.view") == ("hr",)
    assert roles_needed("roi.view") == ("executive",)
    assert roles_needed("data.import") == ("manager",)
    assert roles_needed("people.erase") == ("admin",)


ROLE_MAP = {"ann@example.com": frozenset({"admin"}), "@example.com": frozenset({"viewer"}),
            "mei@tw.example.com": frozenset({"hr"})}


@pytest.mark.parametrize("email, roles", [
    ("ann@example.com", {"admin"}),              # her own line beats the domain's; not admin + viewer
    ("  Ann@Example.COM ", {"admin"}),           # without case, trimmed
    ("bob@example.com", {"viewer"}),             # the domain
    ("BOB@EXAMPLE.COM", {"viewer"}),
    ("joe@tw.example.com", set()),               # a subdomain is another domain
    ("mei@tw.example.com", {"hr"}),
    ("eve@example.com.evil.io", set()),
    ("example.com", set()),                      # not an address
    ("", set()),
])
def test_an_address_gets_its_own_roles_else_its_domains(email, roles):
    assert roles_for(ROLE_MAP, email) == roles


def test_the_role_file_takes_a_role_or_a_list_and_keys_in_any_case():
    role_map = parse_roles('"Ann.Lin@Example.com" = "admin"\n"@Example.com" = ["hr", "manager"]\n', "roles.toml")
    assert role_map == {"ann.lin@example.com": {"admin"}, "@example.com": {"hr", "manager"}}
    assert roles_for(role_map, "ann.lin@example.com") == {"admin"}


def test_the_committed_example_is_a_valid_role_file():
    role_map = load_roles(EXAMPLE)
    assert roles_for(role_map, "Mei.Chen@example.com") == {"hr", "manager"}
    assert roles_for(role_map, "someone.else@example.com") == {"viewer"}


@pytest.mark.parametrize("text, english, chinese", [
    ('"ann@example.com" = ["admin"]\n"bob@example.com" = [viewer]\n',
     "roles.toml, line 2: not valid TOML (Invalid value).",
     "roles.toml 第 2 行: TOML 格式錯誤（Invalid value）。"),
    ('# comment\n\n"ann@example.com" = ["viewr"]\n',
     "roles.toml, line 3: “ann@example.com” has an unknown role “viewr”; the roles are viewer, manager, hr, "
     "executive, admin.",
     "roles.toml 第 3 行: 「ann@example.com」的角色「viewr」不存在；可用的角色：viewer, manager, hr, executive, admin。"),
    ('"ann@example.com" = "admin"\nann = "admin"\n',
     "roles.toml, line 2: “ann” is neither an e-mail address (name@example.com) nor a domain (@example.com).",
     "roles.toml 第 2 行: 「ann」不是電子郵件地址（name@example.com），也不是網域（@example.com）。"),
    ('"ann@example.com" = "admin"\n\n[users]\n"bob@example.com" = "viewer"\n',
     "roles.toml, line 3: “users” is neither an e-mail address (name@example.com) nor a domain (@example.com).",
     "roles.toml 第 3 行: 「users」不是電子郵件地址（name@example.com），也不是網域（@example.com）。"),
    ('"ann@example.com" = []\n',
     "roles.toml, line 1: “ann@example.com” needs a role or a list of roles, such as [\"viewer\"].",
     "roles.toml 第 1 行: 「ann@example.com」需要一個角色或角色清單，例如 [\"viewer\"]。"),
    ('"ann@example.com" = 3\n',
     "roles.toml, line 1: “ann@example.com” needs a role or a list of roles, such as [\"viewer\"].",
     "roles.toml 第 1 行: 「ann@example.com」需要一個角色或角色清單，例如 [\"viewer\"]。"),
    ('"Ann@example.com" = "hr"\n"ann@EXAMPLE.com" = "admin"\n',
     "roles.toml, line 2: “ann@EXAMPLE.com” is listed twice (addresses are compared without case).",
     "roles.toml 第 2 行: 「ann@EXAMPLE.com」重複出現（地址不分大小寫）。"),
])
def test_a_bad_role_file_is_named_with_its_line_and_reason(text, english, chinese):
    with pytest.raises(RoleFileError) as caught:
        parse_roles(text, "roles.toml")
    assert caught.value.message("en") == english
    assert caught.value.message("zh-TW") == chinese
    assert str(caught.value) == english


def test_a_missing_or_unreadable_role_file_says_so(tmp_path):
    with pytest.raises(RoleFileError) as caught:
        load_roles(tmp_path / "roles.toml")
    assert caught.value.message("en") == (f"{tmp_path / 'roles.toml'}: no role file here; create one from "
                                          "roles.example.toml, or point SERVICE_OPS_ROLES at it.")
    big5 = tmp_path / "big5.toml"
    big5.write_bytes('"王@example.com" = "hr"'.encode("cp950"))
    with pytest.raises(RoleFileError) as caught:
        load_roles(big5)
    assert caught.value.message("en") == f"{big5}: cannot be read (no permission, or not a UTF-8 text file)."


def test_the_role_file_is_data_roles_toml_unless_the_environment_names_another(monkeypatch, tmp_path):
    monkeypatch.delenv(access.ROLES_ENV_VAR, raising=False)
    assert access.roles_path() == Path(__file__).resolve().parents[1] / "data" / "roles.toml"
    monkeypatch.setenv(access.ROLES_ENV_VAR, str(tmp_path / "team.toml"))
    assert access.roles_path() == tmp_path / "team.toml"
