"""What may go into an XML export: every string and id of an extract passes through here.

XML 1.0 allows only ``#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]``: no other
control character, no lone surrogate (which UTF-8 cannot carry either), no U+FFFE or U+FFFF. A comment on a
platform can hold any of them, and a record can never be deleted, so the export cleans instead of failing.
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REPLACEMENT = "\ufffd"


def xml_text(value: str) -> str:
    """``value`` with every character XML 1.0 forbids replaced by U+FFFD (a reader sees where)."""
    return _FORBIDDEN.sub(REPLACEMENT, value)


def xml_id(value: str) -> str:
    """An identifier for XML: forbidden characters written as ``\\uXXXX``, so distinct ids stay distinct."""
    return _FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", value)


def is_clean(value: str) -> bool:
    return _FORBIDDEN.search(value) is None


def safe_suffix(name: str, limit: int = 10) -> str:
    """A file suffix for an attachment's copy: ``.`` and ASCII letters and digits only, or nothing."""
    dot = name.rfind(".")
    if dot < 0:
        return ""
    suffix = name[dot + 1 :]
    return "." + suffix[: limit - 1] if suffix and suffix.isascii() and suffix.isalnum() else ""
