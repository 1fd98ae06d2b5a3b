"""Who may do what: roles, the permissions each role grants, and the role file that gives people roles.

The role file (``data/roles.toml``, or the file named by $SERVICE_OPS_ROLES) maps e-mail addresses
or whole domains to roles::

    "mei.chen@example.com" = ["hr", "manager"]
    "@example.com" = "viewer"

Addresses compare without case; a person's own address beats their domain (it is not added to it).
Every role includes ``viewer``; a person with several roles has what each of them grants.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kpi import i18n
from kpi.store import PROJECT_ROOT

ROLES_ENV_VAR = "SERVICE_OPS_ROLES"
DEFAULT_ROLES_PATH = PROJECT_ROOT / "data" / "roles.toml"

ROLES = ("viewer", "manager", "hr", "executive", "admin")

# The permission table: each permission and the roles that hold it (admin holds every one).
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "service.view": ROLES,                            # home, weekly report, SLA settings (read)
    "data.import": ("manager", "admin"),              # upload, import history, re-map, demo data out
    "sla.edit": ("manager", "admin"),                 # save SLA limits, the business calendar, KPI targets
    "people.view": ("hr", "admin"),                   # the people pages: skills, assessments, model
    "roi.view": ("executive", "admin"),               # the training ROI page
    "data.undo": ("admin",),                          # undo an import batch
    "people.erase": ("admin",),                       # erase a person
    "personal_data.view": ("admin",),                 # phone numbers, e-mails, ids in tickets unmasked
}

_ADDRESS = re.compile(r"[^@\s]*@[^@\s]+\.[^@\s]+")   # name@domain.tld, or @domain.tld for the whole domain
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


@dataclass(frozen=True)
class User:
    """Whoever runs this session: their address (None for the local user) and their roles."""

    email: str | None
    name: str
    roles: frozenset[str]

    @classmethod
    def local(cls) -> User:
        """The single user of an app without sign-in: every role."""
        return cls(None, "", frozenset(ROLES))


def may(user: User, permission: str) -> bool:
    """True when one of the user's roles grants ``permission`` (a key of PERMISSIONS)."""
    return not user.roles.isdisjoint(PERMISSIONS[permission])


def roles_needed(permission: str) -> tuple[str, ...]:
    """The roles to ask for to get ``permission``: the narrowest ones, admin only where no other has it."""
    holders = PERMISSIONS[permission]
    return holders if holders == ("admin",) else tuple(r for r in holders if r != "admin")


class RoleFileError(Exception):
    """A role file that cannot be used; says which file, which line and why, in either language."""

    def __init__(self, file: str, key: str, line: int | None = None, **values):
        self.file, self.key, self.line, self.values = file, key, line, values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        where = self.file if self.line is None else i18n.t("access.file.where_line", lang, file=self.file,
                                                          line=self.line)
        return f"{where}: {i18n.t(self.key, lang, **self.values)}"


def roles_path() -> Path:
    return Path(os.environ.get(ROLES_ENV_VAR) or DEFAULT_ROLES_PATH)


def load_roles(path: str | os.PathLike) -> dict[str, frozenset[str]]:
    """The role file as {lower-case address or @domain: roles}; RoleFileError when it cannot be used."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RoleFileError(name, "access.file.missing") from None
    except (OSError, UnicodeDecodeError):
        raise RoleFileError(name, "access.file.unreadable") from None
    return parse_roles(text, name)


def parse_roles(text: str, file: str) -> dict[str, frozenset[str]]:
    """Parse and check role-file text; ``file`` names it in errors."""
    try:
        entries = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        position = _TOML_POSITION.search(str(err))
        line = int(position.group(1)) if position and position.group(1) else len(text.splitlines()) or 1
        raise RoleFileError(file, "access.file.syntax", line, detail=_TOML_POSITION.sub("", str(err))) from None
    role_map: dict[str, frozenset[str]] = {}
    for key, value in entries.items():
        line = _line_of(text, key)
        if not _ADDRESS.fullmatch(key):
            raise RoleFileError(file, "access.file.bad_address", line, entry=key)
        roles = [value] if isinstance(value, str) else value
        if not (isinstance(roles, list) and roles and all(isinstance(r, str) for r in roles)):
            raise RoleFileError(file, "access.file.not_roles", line, entry=key)
        if unknown := [r for r in roles if r not in ROLES]:
            raise RoleFileError(file, "access.file.unknown_role", line, entry=key, role=unknown[0],
                                roles=", ".join(ROLES))
        if key.lower() in role_map:
            raise RoleFileError(file, "access.file.twice", line, entry=key)
        role_map[key.lower()] = frozenset(roles)
    return role_map


def _line_of(text: str, key: str) -> int | None:
    """The line on which ``key`` is given a value or opens a table (quoted or bare), for error messages."""
    entry = re.compile(rf"""\s*\[?\s*(["']?){re.escape(key)}\1\s*[=\].]""")
    return next((number for number, line in enumerate(text.splitlines(), start=1) if entry.match(line)), None)


def roles_for(role_map: dict[str, frozenset[str]], email: str) -> frozenset[str]:
    """The roles of this address: its own entry if it has one, else its domain's, else none."""
    address = email.strip().lower()
    if address in role_map:
        return role_map[address]
    _, at, domain = address.rpartition("@")
    return role_map.get(f"@{domain}", frozenset()) if at else frozenset()
