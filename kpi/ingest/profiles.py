"""Mapping profiles as JSON files, so a mapping travels between machines.

The file is one JSON object; every key but ``fields`` is optional::

    {"name": "parts desk", "source_system": "Zendesk", "layout": "zendesk",
     "fields": {"ticket_id": "Id", "created_at": "Created at", "status": "Status"},
     "date_forms": {"created_at": "iso"}, "defaults": {"department": "Support"},
     "status_map": {"Awaiting parts": "on_hold"}, "priority_map": {"Crit": 1},
     "date_floor": "1980-01-01", "event_log": false, "source_time_zone": "UTC",
     "time_columns": {"created_at": "Created time"}}

``source_time_zone``: the zone of the times the export writes without a UTC offset (an IANA name;
left out, the store's own). ``time_columns``: for a date field whose column holds the date alone,
the column holding its time of day.

Reading checks every key and value and says which one is wrong (``InputError``), so a broken
file never half-applies.
"""

from __future__ import annotations

import json

from kpi.ingest import dates, formats, vocabularies
from kpi.ingest.errors import InputError
from kpi.ingest.importer import ImportPlan

KEYS = ("name", "source_system", "layout", "fields", "date_forms", "defaults", "status_map", "priority_map",
        "date_floor", "event_log", "source_time_zone", "time_columns")


def to_json(plan: ImportPlan) -> str:
    """The plan as a profile file's text."""
    return json.dumps({
        "name": plan.profile, "source_system": plan.source_system, "layout": plan.layout,
        "fields": plan.mapping, "date_forms": plan.date_formats, "defaults": plan.defaults,
        **{k: v for k, v in plan.options().items() if k != "layout"},
    }, ensure_ascii=False, indent=2)


def from_json(text: str | bytes, file_name: str) -> ImportPlan:
    """A plan from a profile file's text; InputError naming the key that is wrong."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as err:
        raise InputError(file_name, "profile.not_json", detail=str(err).split(":")[0]) from None
    if not isinstance(data, dict):
        raise InputError(file_name, "profile.not_object")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise InputError(file_name, "profile.unknown_keys", keys=", ".join(unknown))
    fields = _mapping(data, "fields", file_name)
    _check(file_name, "fields", set(fields) <= set(formats.FIELD_BY_NAME), ", ".join(formats.FIELD_BY_NAME))
    date_forms = _mapping(data, "date_forms", file_name)
    _check(file_name, "date_forms", set(date_forms.values()) <= set(dates.BY_NAME), ", ".join(dates.BY_NAME))
    status_map = _mapping(data, "status_map", file_name)
    _check(file_name, "status_map", set(status_map.values()) <= set(vocabularies.STATES),
           ", ".join(vocabularies.STATES))
    priority_map = data.get("priority_map") or {}
    _check(file_name, "priority_map", isinstance(priority_map, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) and v in vocabularies.LEVELS for v in priority_map.values()),
        "1–5")
    floor = data.get("date_floor") or dates.DEFAULT_FLOOR
    _check(file_name, "date_floor", isinstance(floor, str) and dates.is_iso_date(floor), "YYYY-MM-DD")
    layout = data.get("layout")
    _check(file_name, "layout", layout is None or layout in formats.LAYOUT_BY_NAME, ", ".join(formats.LAYOUT_BY_NAME))
    _check(file_name, "event_log", isinstance(data.get("event_log", False), bool), "true / false")
    zone = data.get("source_time_zone")
    _check(file_name, "source_time_zone", zone is None or dates.is_time_zone(zone),
           "an IANA time zone such as UTC or Asia/Taipei")
    time_columns = _mapping(data, "time_columns", file_name)
    dated = sorted(f.name for f in formats.FIELDS if f.kind == "datetime" and f.name in fields)
    _check(file_name, "time_columns", set(time_columns) <= set(dated), ", ".join(dated) or "—")
    name = str(data.get("name") or file_name)
    plan = ImportPlan(name, str(data.get("source_system") or name), fields, date_forms,
                      _mapping(data, "defaults", file_name))
    return plan.with_options({"layout": layout, "status_map": status_map, "priority_map": priority_map,
                              "date_floor": floor, "event_log": data.get("event_log", False),
                              "source_time_zone": zone, "time_columns": time_columns})


def _mapping(data: dict, key: str, file_name: str) -> dict[str, str]:
    value = data.get(key) or {}
    _check(file_name, key, isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()), "{\"…\": \"…\"}")
    return dict(value)


def _check(file_name: str, key: str, ok: bool, allowed: str) -> None:
    if not ok:
        raise InputError(file_name, "profile.bad_value", name=key, allowed=allowed)
