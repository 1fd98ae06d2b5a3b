"""One translation table for every visible string, in zh-TW and English.

Strings live in ``kpi/locales/*.toml``, one file per feature, each entry a table with both
languages::

    [home.title]
    zh-TW = "服務營運儀表板"
    en = "Service operations dashboard"

Keys are unique across files. ``t(key, lang, **values)`` formats with ``str.format``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("zh-TW", "en")
DEFAULT_LANGUAGE = "zh-TW"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@cache
def table() -> dict[str, dict[str, str]]:
    """Every key with its texts; raises if a key is defined twice or lacks a language."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.toml")):
        with path.open("rb") as f:
            for key, texts in _flatten(tomllib.load(f)):
                if key in merged:
                    raise ValueError(f"{path.name}: translation key {key!r} is defined twice")
                missing = [lang for lang in LANGUAGES if lang not in texts]
                if missing:
                    raise ValueError(f"{path.name}: {key!r} has no {', '.join(missing)} text")
                merged[key] = texts
    return merged


def _flatten(node: dict, prefix: str = ""):
    for name, value in node.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict) and not (set(value) & set(LANGUAGES)):
            yield from _flatten(value, key)
        elif isinstance(value, dict):
            yield key, value


def language_for_locale(locale: str | None) -> str:
    """The UI language for a browser locale such as ``zh-TW``, ``zh-Hant`` or ``en-GB``."""
    return "zh-TW" if (locale or "").lower().startswith("zh") else "en"


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    text = table()[key][lang if lang in LANGUAGES else DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
