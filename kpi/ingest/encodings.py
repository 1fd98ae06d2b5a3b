"""Decoding the encodings DuckDB cannot read, as Windows does.

Big5 has a user-defined area (造字): Taiwanese systems keep names with characters Big5 lacks
(喆, 堃, 峯 …) as codes there, which the organisation's own font (EUDC) draws. Windows reads
them as Unicode private-use characters, by CP950's table; Python's cp950 codec refuses them, and
one such name would refuse a whole export. Here they read as Windows reads them, and are counted
(``take_user_defined_count``) so the import can say so.
"""

from __future__ import annotations

import codecs
import re
import threading

BIG5 = "cp950"
# CP950's user-defined rows: lead bytes first..last, each of 157 codes (trail bytes 40–7E,
# A1–FE), from a private-use code point on: FA40–FEFE → U+E000, 8E40–A0FE → U+E311,
# 8140–8DFE → U+EEB8.
_USER_DEFINED_ROWS = ((0xFA, 0xFE, 0xE000), (0x8E, 0xA0, 0xE311), (0x81, 0x8D, 0xEEB8))
# Codes read per thread since the last take_user_defined_count: counted where they are decoded,
# as scanning the text for them afterwards cost as much as decoding it.
_read = threading.local()
# User-defined characters a file's first bytes may hold and still be Big5, however short (see plausible).
MOST_USER_DEFINED = 3


def _user_defined(err: UnicodeDecodeError) -> tuple[str, int]:
    """The private-use character Windows gives a Big5 user-defined code; anything else stays an error."""
    pair = err.object[err.start:err.start + 2]
    if err.encoding == BIG5 and len(pair) == 2:
        lead, trail = pair
        column = trail - 0x40 if 0x40 <= trail <= 0x7E else trail - 0xA1 + 63 if 0xA1 <= trail <= 0xFE else None
        for first, last, start in _USER_DEFINED_ROWS:
            if column is not None and first <= lead <= last:
                _read.count = getattr(_read, "count", 0) + 1
                return chr(start + (lead - first) * 157 + column), err.start + 2
    raise err


def _user_defined_or_replaced(err: UnicodeDecodeError) -> tuple[str, int]:
    try:
        return _user_defined(err)
    except UnicodeDecodeError:
        return "\ufffd", err.end


codecs.register_error("big5-user-defined", _user_defined)
codecs.register_error("big5-user-defined-or-replaced", _user_defined_or_replaced)


def decoder(encoding: str, replace: bool = False) -> codecs.IncrementalDecoder:
    """An incremental decoder for ``encoding``: Big5's user-defined codes read as Windows reads
    them; any other undecodable byte raises, or (``replace``) becomes U+FFFD."""
    if encoding == BIG5:
        errors = "big5-user-defined-or-replaced" if replace else "big5-user-defined"
    else:
        errors = "replace" if replace else "strict"
    return codecs.getincrementaldecoder(encoding)(errors=errors)


def decode(data: bytes, encoding: str) -> str:
    """``data`` as text (see ``decoder``); raises UnicodeDecodeError at an undecodable byte."""
    return data.decode(encoding, errors="big5-user-defined" if encoding == BIG5 else "strict")


def plausible(text: str, user_defined: int) -> bool:
    """Whether ``text``, decoded with ``user_defined`` Big5 user-defined codes among it, reads as
    Big5: a name or two in a file, not a share of its characters. Shift-JIS and GBK text decodes
    as Big5 too, but with a user-defined code for every other character."""
    wide = sum(1 for character in text if ord(character) > 0x7F)
    return user_defined <= max(MOST_USER_DEFINED, wide // 50)


# Western single-byte text (ISO-8859-1 as Redmine's English CSV writes it, Windows-1252): read
# with Windows' table, which holds every printable ISO-8859-1 character and more.
WESTERN = "cp1252"
_ASCII_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def western_like(head: bytes) -> bool:
    """Whether ``head`` reads as Western single-byte text rather than Big5: every byte above 7F
    stands alone, and is an accented letter (C0–FF) beside an ASCII letter, as in "Rémy" or
    "Peña", or Windows' punctuation (80–9F: ’ “ ” – … €, where Big5 has only user-defined codes).
    Big5 puts two such bytes together for most of its characters (a third have a second byte
    in 40–7E), and a zh-TW export writes names of two or three, so one pair anywhere is Big5.
    "Rémy" also decodes as Big5, without an error, as R幦y: it would be stored garbled."""
    found = False
    for high in _HIGH_BYTE.finditer(head):
        position, byte = high.start(), head[high.start()]
        before = head[position - 1] if position else 0
        after = head[position + 1] if position + 1 < len(head) else 0
        if before >= 0x80 or after >= 0x80:
            return False
        if not (byte < 0xA0 or byte >= 0xC0 and (before in _ASCII_LETTERS or after in _ASCII_LETTERS)):
            return False
        found = True
    return found


def euc_like(head: bytes, enough: int = 40) -> bool:
    """Whether ``head`` reads as EUC (GB2312/GBK, EUC-KR …) rather than Big5: among at least
    ``enough`` two-byte characters, not one has a second byte below A1. About a third of Big5's
    characters do (40–7E is half its second-byte range), so 40 without one are not Big5 (the
    chance is about 1 in 10^8). Such text often decodes as Big5 without an error, into other
    characters: a simplified-Chinese export would be stored garbled."""
    pairs, position = 0, 0
    while position < len(head) - 1:
        if head[position] < 0x80:
            position += 1
            continue
        if head[position + 1] < 0xA1:
            return False
        pairs, position = pairs + 1, position + 2
    return pairs >= enough


def take_user_defined_count() -> int:
    """How many Big5 user-defined codes this thread has decoded since it last asked."""
    count, _read.count = getattr(_read, "count", 0), 0
    return count
