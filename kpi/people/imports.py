"""People data and competency-model uploads: recognise the layout, check every row, import in one transaction.

Files are read by ``kpi.ingest.reader.read_frame`` (the same encoding, delimiter and header-row
detection as ticket exports). The layout is recognised from the header alone:

============== ================================================================ ==================
kind           recognised by                                                   writes
============== ================================================================ ==================
requirements   role + competency + required level                              role_requirements
learning_items learning item + competency + level + title + delivery mode      learning_items
competencies   competency + name_zh                                            competencies
roles          role + name_zh                                                  roles
certificates   person + certificate + competency + level + issued on           certificates
learning       person + learning item + completed on                           completed_learning
assessments    person + competency + level (one row per person × competency)  assessments
matrix         person + one column per competency (header = its code or name)  assessments
people         employee id + name                                              people
============== ================================================================ ==================

"person" is an employee id or a name. Rows of data files may also carry department, role and
manager: unknown employee ids with a name become new people. Every problem becomes a ``Reject``
naming the file row and column; good rows are imported together or not at all.

Each import is one batch of the shared pipeline (``kpi.ingest.batches``, kind ``people``): listed
in the import history with every other kind of file, its original kept (an in-app edit keeps the
edited table as CSV), and taken back by the one ``undo_batch``. People rows are written in place,
because the pages edit the same rows; a batch keeps every row it replaces, and undo puts them back.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import duckdb
import pandas as pd

from kpi import i18n, sql, store
from kpi.ingest import batches
from kpi.ingest.dates import DateFormat, detect_format
from kpi.ingest.errors import InputError, Reject
from kpi.ingest.reader import SourceTable, read_frame, wrong_width_rejects
from kpi.people.model import ASSESSMENT_SOURCES, DELIVERY_MODES, LEVELS

KIND = "people"  # its batches in import_batches (kpi.ingest.batches.KINDS)
_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise(text: str) -> str:
    """Header and value matching ignores case, spacing, '_' and '-'."""
    return _SEPARATORS.sub(" ", str(text)).strip().lower()


# Canonical field -> the headers (normalised) that mean it; the first is what exports write.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee id", "emp id", "staff id", "員工編號", "工號", "員編"),
    "name": ("name", "employee name", "姓名", "員工姓名", "負責人"),
    "department": ("department", "dept", "team", "部門", "單位"),
    "role": ("role id", "role", "job role", "職務", "角色"),
    "manager": ("manager", "主管", "直屬主管"),
    "competency": ("competency id", "competency", "skill", "能力", "能力項目", "職能"),
    "level": ("level", "等級", "能力等級"),
    "source": ("source", "來源", "評核來源"),
    "assessed_on": ("assessed on", "date", "assessment date", "評核日期", "日期"),
    "note": ("note", "notes", "comment", "備註"),
    "certificate": ("certificate name", "certificate", "證照", "證照名稱"),
    "issuer": ("issuer", "發證單位", "核發單位"),
    "issued_on": ("issued on", "issue date", "發證日期", "取得日期"),
    "expires_on": ("expires on", "expiry date", "expiry", "valid until", "到期日", "有效期限"),
    "item": ("item id", "learning item", "course", "學習項目", "課程"),
    "completed_on": ("completed on", "completion date", "完成日期"),
    "name_zh": ("name zh", "中文名稱"),
    "name_en": ("name en", "英文名稱"),
    "description_zh": ("description zh", "中文說明"),
    "description_en": ("description en", "英文說明"),
    "required_level": ("required level", "要求等級", "需求等級"),
    "axis_order": ("axis order", "順序"),
    "certificate_required": ("certificate required", "需證照"),
    "title_zh": ("title zh", "課程名稱"),
    "title_en": ("title en", "英文課程名稱"),
    "delivery_mode": ("delivery mode", "mode", "學習方式", "授課方式"),
    "hours": ("hours", "時數"),
}
_FIELD_BY_ALIAS = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}

_PERSON_FIELDS = {"department": "department", "role_id": "role", "manager": "manager"}  # people column -> field
_TRUE = {"true", "yes", "y", "1", "是", "v", "✓"}
_FALSE = {"false", "no", "n", "0", "否"}
_MODE_ALIASES = {"ojt": "on_the_job", "在職": "on_the_job", "mentor": "mentoring", "導師": "mentoring",
                 "教室": "classroom", "e learning": "online", "數位學習": "online"}
_SOURCE_ALIASES = {"自評": "self", "self rating": "self", "主管": "manager", "主管評核": "manager",
                   "manager rating": "manager", "證照": "certificate"}


class CellError(ValueError):
    """A cell that cannot be used: a ``people.reject.*`` translation key and its values."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class ImportDefaults:
    """What a matrix or assessment file without source/date columns stands for (the user says)."""

    source: str = "manager"
    assessed_on: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Layout:
    kind: str
    columns: dict[str, str]                 # canonical field -> source header
    competency_columns: dict[str, str]      # source header -> competency_id (matrix only)
    ignored: tuple[str, ...]                # headers not used

    @property
    def uses_default_source(self) -> bool:
        return self.kind in ("matrix", "assessments") and "source" not in self.columns

    @property
    def uses_default_date(self) -> bool:
        return self.kind in ("matrix", "assessments") and "assessed_on" not in self.columns


@dataclass
class ImportPlan:
    """What an import would write, and what it refuses: shown as a preview before anything is stored."""

    file_name: str
    layout: Layout
    tables: dict[str, pd.DataFrame]
    rejects: list[Reject]
    rows_read: int
    rows_accepted: int
    source: SourceTable | None = None
    already_imported: int | None = None  # the batch in force that holds this very file

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.source.data).hexdigest()

    @property
    def replaces_batch(self) -> None:
        """People files are never re-mapped; the batch pipeline asks."""
        return None

    @property
    def rows_rejected(self) -> int:
        return len({r.row for r in self.rejects})

    def counts(self) -> dict[str, int]:
        return {table: len(frame) for table, frame in self.tables.items() if len(frame)}


# Target tables and their columns with SQL types (the insert casts every column).
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "people": {"employee_id": "VARCHAR", "name": "VARCHAR", "department": "VARCHAR", "role_id": "VARCHAR",
               "manager": "VARCHAR"},
    "assessments": {"employee_id": "VARCHAR", "competency_id": "VARCHAR", "source": "VARCHAR",
                    "assessed_on": "DATE", "level": "INTEGER", "note": "VARCHAR", "batch_id": "INTEGER"},
    "certificates": {"employee_id": "VARCHAR", "certificate_name": "VARCHAR", "issuer": "VARCHAR",
                     "competency_id": "VARCHAR", "level": "INTEGER", "issued_on": "DATE", "expires_on": "DATE",
                     "batch_id": "INTEGER"},
    "completed_learning": {"employee_id": "VARCHAR", "item_id": "VARCHAR", "completed_on": "DATE",
                           "batch_id": "INTEGER"},
    "roles": {"role_id": "VARCHAR", "name_zh": "VARCHAR", "name_en": "VARCHAR", "description_zh": "VARCHAR",
              "description_en": "VARCHAR"},
    "competencies": {"competency_id": "VARCHAR", "name_zh": "VARCHAR", "name_en": "VARCHAR",
                     "description_zh": "VARCHAR", "description_en": "VARCHAR"},
    "role_requirements": {"role_id": "VARCHAR", "competency_id": "VARCHAR", "axis_order": "INTEGER",
                          "required_level": "INTEGER", "certificate_required": "BOOLEAN"},
    "learning_items": {"item_id": "VARCHAR", "competency_id": "VARCHAR", "level": "INTEGER", "title_zh": "VARCHAR",
                       "title_en": "VARCHAR", "delivery_mode": "VARCHAR", "hours": "DOUBLE"},
}
_KEYS = {"people": ("employee_id",), "assessments": ("employee_id", "competency_id", "source", "assessed_on"),
         "certificates": ("employee_id", "certificate_name", "issued_on"),
         "completed_learning": ("employee_id", "item_id"), "roles": ("role_id",), "competencies": ("competency_id",),
         "role_requirements": ("role_id", "competency_id"), "learning_items": ("item_id",)}


@dataclass(frozen=True)
class _Names:
    """Codes and names of roles, competencies or learning items, so a file may use either."""

    codes: dict[str, str]          # normalised code -> code
    names: dict[str, set[str]]     # normalised name in either language -> codes

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, sql: str) -> _Names:
        codes, names = {}, defaultdict(set)
        for code, *texts in con.execute(sql).fetchall():
            codes[normalise(code)] = code
            for text in texts:
                names[normalise(text)].add(code)
        return cls(codes, dict(names))

    def find(self, text: str) -> set[str]:
        """A code wins over a name that happens to read the same."""
        key = normalise(text)
        return {self.codes[key]} if key in self.codes else self.names.get(key, set())


_ROLE_NAMES = "SELECT role_id, name_zh, name_en FROM roles"
_COMPETENCY_NAMES = "SELECT competency_id, name_zh, name_en FROM competencies"
_ITEM_NAMES = "SELECT item_id, title_zh, title_en FROM learning_items"


class _Lookups:
    """What already exists: roles, competencies, learning items and people."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.roles = _Names.load(con, _ROLE_NAMES)
        self.competencies = _Names.load(con, _COMPETENCY_NAMES)
        self.items = _Names.load(con, _ITEM_NAMES)
        people = con.execute("SELECT employee_id, name, department, role_id, manager FROM people").fetchall()
        self.people = {r[0]: {"name": r[1], "department": r[2], "role_id": r[3], "manager": r[4]} for r in people}
        self.changed_people: set[str] = set()
        self.ids_by_name: dict[str, set[str]] = defaultdict(set)
        for employee_id, person in self.people.items():
            self.ids_by_name[person["name"]].add(employee_id)

    def set_person(self, employee_id: str, changes: dict) -> bool:
        """Merge the given person fields; True when that changes what is stored."""
        before = self.people.get(employee_id)
        after = {**(before or {"name": None, "department": None, "role_id": None, "manager": None}), **changes}
        if after == before:
            return False
        if before is not None:
            self.ids_by_name[before["name"]].discard(employee_id)
        self.ids_by_name[after["name"]].add(employee_id)
        self.people[employee_id] = after
        self.changed_people.add(employee_id)
        return True


class _Row:
    """One file row being checked: typed values out, problems collected as rejects."""

    def __init__(self, plan: _Planner, cells: dict[str, str | None], number: int):
        self.plan, self.cells, self.number = plan, cells, number
        self.rejects: list[Reject] = []
        self._person_change: tuple[str, dict] | None = None

    def reject(self, field_name: str, key: str, **values) -> None:
        self.reject_column(self.plan.layout.columns.get(field_name), key, **values)

    def reject_column(self, header: str | None, key: str, **values) -> None:
        pairs = tuple((name, str(value)) for name, value in values.items())
        self.rejects.append(Reject(self.plan.file_name, self.number, header, f"people.reject.{key}", pairs))

    @property
    def failed(self) -> bool:
        return bool(self.rejects)

    def text(self, field_name: str) -> str | None:
        header = self.plan.layout.columns.get(field_name)
        return self.cells.get(header) if header else None

    def value(self, field_name: str, parse: Callable[[str], object], required: bool = False):
        """The parsed cell of a field; None (and a reject if required) when empty or bad."""
        text = self.text(field_name)
        if text is None:
            if required:
                self.reject(field_name, "empty")
            return None
        try:
            return parse(text)
        except CellError as err:
            self.reject(field_name, err.key, **err.values)
            return None

    def date(self, field_name: str, required: bool = False) -> date | None:
        header = self.plan.layout.columns.get(field_name)
        date_format = self.plan.date_formats.get(header)
        return self.value(field_name, lambda text: self.plan.parse_date(text, date_format), required)

    def person(self) -> str | None:
        """The employee id the row is about; person columns on the row are applied if it is kept."""
        employee_id, name = self.text("employee_id"), self.text("name")
        changes = {"name": name} if name else {}
        changes |= self._person_fields()
        if self.failed:
            return None
        lookups = self.plan.lookups
        if employee_id is None and name is not None:
            matches = lookups.ids_by_name.get(name, set())
            if len(matches) != 1:
                key = "unknown_name" if not matches else "ambiguous_name"
                self.reject("name", key, name=name, count=len(matches))
                return None
            employee_id = next(iter(matches))
        if employee_id is None:
            self.reject("employee_id" if "employee_id" in self.plan.layout.columns else "name", "no_person")
            return None
        if employee_id not in lookups.people and name is None:
            self.reject("employee_id", "unknown_employee", employee_id=employee_id)
            return None
        self._person_change = (employee_id, changes)
        return employee_id

    def _person_fields(self) -> dict:
        """Department, role and manager given on the row. In a people list an empty cell clears the
        field; in other files it leaves it as stored (a matrix need not repeat departments)."""
        values = {
            "department": self.text("department"),
            "role_id": self.value("role", lambda text: self.plan.lookup(self.plan.lookups.roles, text, "unknown_role")),
            "manager": self.text("manager"),
        }
        columns = self.plan.layout.columns
        people_list = self.plan.layout.kind == "people"
        return {column: value for column, value in values.items()
                if value is not None or (people_list and _PERSON_FIELDS[column] in columns)}

    def keep_person(self) -> bool:
        """Apply the row's person columns (called once the row is accepted)."""
        if self._person_change is None:
            return False
        employee_id, changes = self._person_change
        return self.plan.lookups.set_person(employee_id, changes)


class _Planner:
    def __init__(self, con, source: SourceTable, layout: Layout, defaults: ImportDefaults):
        self.con, self.source, self.layout, self.defaults = con, source, layout, defaults
        self.file_name = source.file_name
        self.lookups = _Lookups(con)
        frame = source.frame
        self.date_formats: dict[str, DateFormat | None] = {
            layout.columns[f]: detect_format(list(frame[layout.columns[f]]))
            for f in ("assessed_on", "issued_on", "expires_on", "completed_on") if f in layout.columns
        }

    def lookup(self, names: _Names, text: str, reason_key: str) -> str:
        codes = names.find(text)
        if len(codes) == 1:
            return next(iter(codes))
        raise CellError("ambiguous_value" if codes else reason_key, value=text)

    def level(self, text: str, lowest: int = 0) -> int:
        level = _level_words().get(normalise(text))
        if level is None or level < lowest:
            raise CellError("bad_level", value=text, lowest=lowest)
        return level

    def parse_date(self, text: str, date_format: DateFormat | None) -> date:
        parsed = date_format.parse(text) if date_format else None
        if parsed is None:
            raise CellError("bad_date", value=text)
        return parsed.date()

    def source_kind(self, text: str) -> str:
        key = normalise(text)
        source = _source_words().get(key)
        if source == "certificate":
            raise CellError("certificate_source")
        if source is None:
            raise CellError("bad_source", value=text)
        return source

    def flag(self, text: str) -> bool:
        key = normalise(text)
        if key in _TRUE or key in _FALSE:
            return key in _TRUE
        raise CellError("bad_flag", value=text)

    def mode(self, text: str) -> str:
        mode = _mode_words().get(normalise(text))
        if mode is None:
            raise CellError("bad_mode", value=text)
        return mode

    def number(self, text: str, integer: bool = False) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if value <= 0 or (integer and not value.is_integer()):
            raise CellError("bad_number", value=text)
        return int(value) if integer else value

    def plan(self) -> ImportPlan:
        rows = _KINDS[self.layout.kind]
        records: dict[str, list[dict]] = defaultdict(list)
        frame = self.source.frame
        rejects = wrong_width_rejects(self.file_name, self.source.malformed, len(frame.columns))
        accepted = 0
        for index, cells in enumerate(frame.itertuples(index=False, name=None)):
            row = _Row(self, dict(zip(frame.columns, cells)), self.source.row_number(index))
            out = rows(row)
            if out is not None:
                changed = row.keep_person()
                for table, record in out:
                    records[table].append(record)
                accepted += bool(out) or changed
            rejects.extend(row.rejects)
        records["people"] = [
            {"employee_id": employee_id, **self.lookups.people[employee_id]}
            for employee_id in sorted(self.lookups.changed_people)
        ]
        tables = {table: _frame(table, rows_) for table, rows_ in records.items() if rows_}
        rows_read = len(frame) + len(self.source.malformed)
        plan = ImportPlan(self.file_name, self.layout, tables, rejects, rows_read, accepted, self.source)
        if self.source.sniffed is not None:  # a file, not an in-app edit (the same edit may be made twice)
            plan.already_imported = batches.already_imported(self.con, plan)
        return plan


def _frame(table: str, records: list[dict]) -> pd.DataFrame:
    """Rows for ``table``; a key repeated in the file keeps its last row, as a re-upload would."""
    frame = pd.DataFrame.from_records(records, columns=[c for c in TABLE_COLUMNS[table] if c != "batch_id"])
    return frame.drop_duplicates(subset=list(_KEYS[table]), keep="last").reset_index(drop=True)


def _words(pairs: Iterable[tuple[str, object]]) -> dict[str, object]:
    return {normalise(word): value for word, value in pairs}


@cache
def _level_words() -> dict[str, int]:
    pairs = [(str(n), n) for n in LEVELS] + [(f"{n}.0", n) for n in LEVELS] + [(f"l{n}", n) for n in LEVELS]
    pairs += [(i18n.t(f"people.level.{n}", lang), n) for n in LEVELS for lang in i18n.LANGUAGES]
    pairs += [("e", 1), ("p", 2), ("c", 3)]  # the seed's level tags (E)/(P), and (C)
    return _words(pairs)


@cache
def _source_words() -> dict[str, str]:
    pairs = [(s, s) for s in (*ASSESSMENT_SOURCES, "certificate")] + list(_SOURCE_ALIASES.items())
    pairs += [(i18n.t(f"people.source.{s}", lang), s) for s in (*ASSESSMENT_SOURCES, "certificate")
              for lang in i18n.LANGUAGES]
    return _words(pairs)


@cache
def _mode_words() -> dict[str, str]:
    pairs = [(m, m) for m in DELIVERY_MODES] + list(_MODE_ALIASES.items())
    pairs += [(i18n.t(f"people.mode.{m}", lang), m) for m in DELIVERY_MODES for lang in i18n.LANGUAGES]
    return _words(pairs)


# ---- what each kind of row writes (None: the row is rejected) -------------------------------

Out = list[tuple[str, dict]] | None


def _people_row(row: _Row) -> Out:
    row.value("employee_id", str, required=True)
    row.value("name", str, required=True)
    return [] if row.person() else None


def _rating(row: _Row) -> tuple[str, date, str | None] | None:
    """Source, date and note of a rating row: the file's columns, else the user's defaults."""
    source = row.value("source", row.plan.source_kind) or row.plan.defaults.source
    assessed_on = row.date("assessed_on") or row.plan.defaults.assessed_on
    return None if row.failed else (source, assessed_on, row.text("note"))


def _assessment(employee_id: str, competency_id: str, level: int, rating: tuple) -> tuple[str, dict]:
    source, assessed_on, note = rating
    return "assessments", {"employee_id": employee_id, "competency_id": competency_id, "source": source,
                           "assessed_on": assessed_on, "level": level, "note": note}


def _matrix_row(row: _Row) -> Out:
    employee_id = row.person()
    rating = _rating(row) if employee_id else None
    if rating is None:
        return None
    out = []
    for header, competency_id in row.plan.layout.competency_columns.items():
        text = row.cells.get(header)
        if text is None:
            continue
        try:
            out.append(_assessment(employee_id, competency_id, row.plan.level(text), rating))
        except CellError as err:
            row.reject_column(header, err.key, **err.values)
    return out


def _assessments_row(row: _Row) -> Out:
    plan = row.plan
    employee_id = row.person()
    competency_id = row.value("competency", lambda t: plan.lookup(plan.lookups.competencies, t, "unknown_competency"), True)
    level = row.value("level", plan.level, required=True)
    rating = _rating(row)
    if row.failed or rating is None:
        return None
    return [_assessment(employee_id, competency_id, level, rating)]


def _certificates_row(row: _Row) -> Out:
    plan = row.plan
    employee_id = row.person()
    record = {
        "employee_id": employee_id,
        "certificate_name": row.value("certificate", str, required=True),
        "issuer": row.text("issuer"),
        "competency_id": row.value("competency", lambda t: plan.lookup(plan.lookups.competencies, t, "unknown_competency"), True),
        "level": row.value("level", lambda t: plan.level(t, lowest=1), required=True),
        "issued_on": row.date("issued_on", required=True),
        "expires_on": row.date("expires_on"),
    }
    if not row.failed and record["expires_on"] is not None and record["expires_on"] < record["issued_on"]:
        row.reject("expires_on", "expires_before_issue")
    return None if row.failed else [("certificates", record)]


def _learning_row(row: _Row) -> Out:
    plan = row.plan
    employee_id = row.person()
    item_id = row.value("item", lambda t: plan.lookup(plan.lookups.items, t, "unknown_item"), required=True)
    completed_on = row.date("completed_on", required=True)
    if row.failed:
        return None
    return [("completed_learning", {"employee_id": employee_id, "item_id": item_id, "completed_on": completed_on})]


def _names(row: _Row, prefix: str) -> dict:
    """Both-language names of a model row; the English one falls back to the Chinese one."""
    zh = row.value(f"{prefix}_zh", str, required=True)
    return {f"{prefix}_zh": zh, f"{prefix}_en": row.text(f"{prefix}_en") or zh}


def _roles_row(row: _Row) -> Out:
    record = {"role_id": row.value("role", str, required=True), **_names(row, "name"),
              "description_zh": row.text("description_zh"), "description_en": row.text("description_en")}
    return None if row.failed else [("roles", record)]


def _competencies_row(row: _Row) -> Out:
    record = {"competency_id": row.value("competency", str, required=True), **_names(row, "name"),
              "description_zh": row.text("description_zh"), "description_en": row.text("description_en")}
    return None if row.failed else [("competencies", record)]


def _requirements_row(row: _Row) -> Out:
    plan = row.plan
    record = {
        "role_id": row.value("role", lambda t: plan.lookup(plan.lookups.roles, t, "unknown_role"), required=True),
        "competency_id": row.value("competency", lambda t: plan.lookup(plan.lookups.competencies, t, "unknown_competency"), True),
        "axis_order": row.value("axis_order", lambda t: plan.number(t, integer=True)) or row.number,
        "required_level": row.value("required_level", lambda t: plan.level(t, lowest=1), required=True),
        "certificate_required": bool(row.value("certificate_required", plan.flag)),
    }
    return None if row.failed else [("role_requirements", record)]


def _learning_items_row(row: _Row) -> Out:
    plan = row.plan
    record = {
        "item_id": row.value("item", str, required=True),
        "competency_id": row.value("competency", lambda t: plan.lookup(plan.lookups.competencies, t, "unknown_competency"), True),
        "level": row.value("level", lambda t: plan.level(t, lowest=1), required=True),
        **_names(row, "title"),
        "delivery_mode": row.value("delivery_mode", plan.mode, required=True),
        "hours": row.value("hours", plan.number, required=True),
    }
    return None if row.failed else [("learning_items", record)]


_KINDS: dict[str, Callable[[_Row], Out]] = {
    "requirements": _requirements_row,
    "learning_items": _learning_items_row,
    "competencies": _competencies_row,
    "roles": _roles_row,
    "certificates": _certificates_row,
    "learning": _learning_row,
    "assessments": _assessments_row,
    "matrix": _matrix_row,
    "people": _people_row,
}
# Checked in this order: the first kind whose fields are all in the header wins.
_SIGNATURES: tuple[tuple[str, frozenset[str], bool], ...] = (
    ("requirements", frozenset({"role", "competency", "required_level"}), False),
    ("learning_items", frozenset({"item", "competency", "level", "title_zh", "delivery_mode"}), False),
    ("competencies", frozenset({"competency", "name_zh"}), False),
    ("roles", frozenset({"role", "name_zh"}), False),
    ("certificates", frozenset({"certificate", "competency", "level", "issued_on"}), True),
    ("learning", frozenset({"item", "completed_on"}), True),
    ("assessments", frozenset({"competency", "level"}), True),
)
MODEL_KINDS = {"roles": "roles", "competencies": "competencies", "requirements": "role_requirements",
               "learning_items": "learning_items"}


def recognise(con: duckdb.DuckDBPyConnection, headers: Iterable[str], file_name: str) -> Layout:
    """Which kind of file this is, and which header means what; InputError if no kind fits."""
    columns: dict[str, str] = {}
    competency_columns: dict[str, str] = {}
    ignored: list[str] = []
    competencies = _Names.load(con, _COMPETENCY_NAMES)
    for header in headers:
        field_name = _FIELD_BY_ALIAS.get(normalise(header))
        if field_name and field_name not in columns:
            columns[field_name] = header
        elif not field_name and len(competencies.find(header)) == 1:
            competency_columns[header] = next(iter(competencies.find(header)))
        else:
            ignored.append(header)
    has_person = "employee_id" in columns or "name" in columns
    for kind, fields, needs_person in _SIGNATURES:
        if fields <= columns.keys() and (has_person or not needs_person):
            return Layout(kind, columns, {}, tuple(ignored + list(competency_columns)))
    if has_person and competency_columns:
        return Layout("matrix", columns, competency_columns, tuple(ignored))
    if {"employee_id", "name"} <= columns.keys():
        return Layout("people", columns, {}, tuple(ignored + list(competency_columns)))
    raise InputError(file_name, "people.reject.unknown_layout")


def is_people_file(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str) -> bool:
    """Whether a file's header fits one of the people layouts; unreadable files are not."""
    try:
        recognise(con, read_frame(data, file_name).frame.columns, file_name)
    except (InputError, csv.Error):  # csv.Error: a cell past Python's csv field limit
        return False
    return True


def plan_import(con: duckdb.DuckDBPyConnection, source: SourceTable,
                defaults: ImportDefaults = ImportDefaults()) -> ImportPlan:
    """Check every row of an uploaded table and say what would be written; nothing is stored yet."""
    layout = recognise(con, source.frame.columns, source.file_name)
    return _Planner(con, source, layout, defaults).plan()


def apply_import(con: duckdb.DuckDBPyConnection, plan: ImportPlan, replace: bool = False,
                 is_demo: bool = False) -> int | None:
    """Write a plan's good rows as one batch, in one transaction; returns the batch id (None when
    this very file is already imported or holds no good row).

    ``replace`` (model editors) makes the plan's table hold exactly the plan's rows, so it takes
    only a plan without rejects. Raises InputError, storing nothing, if the result would leave
    references dangling. A file whose every row the store holds as it is (next month's export of
    the same ratings) gets no batch either, just as a ticket export whose every row is unchanged gets none.
    """
    if replace and plan.rejects:
        raise InputError(plan.file_name, "people.reject.fix_first")
    if plan.already_imported is not None or not (plan.tables or replace) or (not replace and stored_as_is(con, plan)):
        return None
    replaced = MODEL_KINDS[plan.layout.kind] if replace else None

    def store_rows(con: duckdb.DuckDBPyConnection, original_file: str) -> int:
        batch_id, unchanged = batches.next_batch_id(con), 0
        for table in dict.fromkeys([*([replaced] if replaced else []), *plan.tables]):
            incoming = plan.tables.get(table, _frame(table, []))
            with store.registered(con, "_people_incoming", incoming.assign(batch_id=batch_id)):
                unchanged += _unchanged_rows(con, table)
                batches.keep_replaced(con, batch_id, table, _KEYS[table], "_people_incoming", table == replaced)
                if table == replaced:
                    con.execute(f"DELETE FROM {table}")
                _upsert(con, table)
        in_use = dangling_references(con)
        if in_use:
            table, codes = in_use[0]
            raise InputError(plan.file_name, f"people.reject.in_use.{table}", codes=", ".join(codes))
        inserted, replaced_rows = store.first_row(
            con, "SELECT count(*) FILTER (before IS NULL), count(*) FILTER (before IS NOT NULL)"
                 " FROM batch_replaced_rows WHERE batch_id = ?", [batch_id])
        source = plan.source
        batches.record_batch(con, batches.BatchRecord(
            batch_id, KIND, plan.file_name, plan.checksum, original_file, plan.layout.kind, KIND,
            (plan.rows_read, inserted, replaced_rows - unchanged, unchanged, plan.rows_rejected), source,
            {**plan.layout.columns, **plan.layout.competency_columns}, list(source.frame.columns), is_demo=is_demo))
        return batch_id

    return batches.write_batch(con, plan, False, store_rows, lambda copy: copy.write_bytes(plan.source.data))


def report(con: duckdb.DuckDBPyConnection, plan: ImportPlan, batch_id: int | None) -> batches.ImportReport:
    """What an import did, as every kind of file says it (``batch_id`` None: nothing was stored)."""
    if batch_id:
        inserted, updated, unchanged = store.first_row(
            con, "SELECT rows_inserted, rows_updated, rows_unchanged FROM import_batches WHERE batch_id = ?", [batch_id])
    else:
        inserted = updated = 0
        unchanged = sum(plan.counts().values()) if plan.already_imported is None and stored_as_is(con, plan) else 0
    return batches.ImportReport(
        plan.file_name, batch_id, plan.rows_read, inserted, updated, unchanged, 0, plan.rows_rejected,
        plan.already_imported,
        tuple(plan.rejects), kind=KIND, detail=f"people file, {plan.layout.kind}; store rows")


def stored_as_is(con: duckdb.DuckDBPyConnection, plan: ImportPlan) -> bool:
    """Whether the store holds every good row of ``plan`` as it is, so importing it changes nothing."""
    if not plan.counts():
        return False
    for table, incoming in plan.tables.items():
        with store.registered(con, "_people_incoming", incoming):
            if _unchanged_rows(con, table) != len(incoming):
                return False
    return True


def _unchanged_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of ``_people_incoming`` the table holds already as they are (every column equal, the
    batch that wrote them aside): written again, but not updated, as the file's summary says."""
    columns = {c: sql_type for c, sql_type in TABLE_COLUMNS[table].items() if c != "batch_id"}
    return store.scalar(con, f"SELECT count(*) FROM (SELECT {_incoming_as_stored(columns)} FROM _people_incoming"
                             f" INTERSECT SELECT {', '.join(map(sql.ident, columns))} FROM {table})")


def _upsert(con: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = TABLE_COLUMNS[table]
    con.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(columns)})"
                f" SELECT {_incoming_as_stored(columns)} FROM _people_incoming")


def _incoming_as_stored(columns: dict[str, str]) -> str:
    """SQL: ``_people_incoming``'s ``columns`` cast to the table's types (column -> SQL type)."""
    return ", ".join(f"CAST({sql.ident(c)} AS {sql_type})" for c, sql_type in columns.items())


# What must exist for each reference: (referencing table, column, referenced table, key).
_REFERENCES = (
    ("role_requirements", "role_id", "roles", "role_id"),
    ("role_requirements", "competency_id", "competencies", "competency_id"),
    ("learning_items", "competency_id", "competencies", "competency_id"),
    ("people", "role_id", "roles", "role_id"),
    ("assessments", "competency_id", "competencies", "competency_id"),
    ("certificates", "competency_id", "competencies", "competency_id"),
    ("completed_learning", "item_id", "learning_items", "item_id"),
)


def dangling_references(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[str]]]:
    """(table, codes) where a table uses codes that do not exist (the checks a foreign key would make)."""
    problems = []
    for table, column, target, key in _REFERENCES:
        missing = con.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL"
            f" AND {column} NOT IN (SELECT {key} FROM {target}) ORDER BY 1 LIMIT 5"
        ).fetchall()
        if missing:
            problems.append((table, [str(m[0]) for m in missing]))
    return problems


def source_from_frame(frame: pd.DataFrame, file_name: str) -> SourceTable:
    """An in-app edited table as a SourceTable (header = row 1), so edits pass the upload checks."""
    cells = frame.astype(object).where(frame.notna(), None)
    text = cells.map(lambda v: None if v is None or str(v).strip() == "" else _cell_text(v)).reset_index(drop=True)
    edited = text.to_csv(index=False).encode("utf-8")  # kept as the batch's original
    return SourceTable(text, file_name, None, None, 1, None, tuple(range(2, len(text) + 2)), data=edited)


def _cell_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()

