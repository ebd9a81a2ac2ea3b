"""The normalised unit of content that every source produces and every check consumes."""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of content a rule can apply to. Posts are judged publish/revise/block, comments keep..delete.
KINDS: tuple[str, ...] = (
    "official_post",
    "reply",
    "comment",
    "private_post",
    "internal_message",
    "account_profile",
    "image",
)
# The kinds a person picks for a text (pages, API); "image" is a photo's own kind, never chosen.
TEXT_KINDS: tuple[str, ...] = tuple(k for k in KINDS if k != "image")
COMMENT_KINDS: frozenset[str] = frozenset({"comment"})
# Languages of content and of the messages of findings (ISO 639-1), defined here once.
LANGUAGES: tuple[str, ...] = ("da", "nb", "nn", "sv", "en")
# The languages of the pages, the e-mails and the CLI's errors (Nynorsk readers get bokmål).
PAGE_LANGUAGES: tuple[str, ...] = ("da", "nb", "sv", "en")

# Texts longer than this are refused: a social-media text is far shorter, and the bound keeps
# every check fast (see bench/check_throughput.py for the 1 MB worst case).
MAX_TEXT_CHARS = 1_000_000


class InputError(ValueError):
    """Bad input from a user: carries a one-line message that names the problem.

    ``code`` and ``params`` (optional) name the problem for the web application, which says it in the
    user's language (``web/labels.ERRORS``); the English message is what the CLI prints.
    """

    def __init__(self, message: str, *, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture attached to an item: the file to read, the name the user knows it by, its alt text."""

    path: str
    alt: str | None = None  # the text alternative for blind readers; None = not given
    name: str | None = None  # e.g. the uploaded file's name; default: the path

    @property
    def label(self) -> str:
        return self.name or self.path


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of content: a draft post, a reply, a citizen's comment, a profile text…"""

    text: str
    kind: str
    id: str | None = None
    language: str | None = None  # ISO 639-1 (da, nb, nn, sv, en); None = detect
    channel: str | None = None  # where an internal message is sent (e.g. "snapchat"), if known
    images: tuple[Photo, ...] = field(default_factory=tuple)  # analysed by rettesnor.governance.checking

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InputError(f"unknown kind {self.kind!r}; choose one of: {', '.join(KINDS)}")
        if len(self.text) > MAX_TEXT_CHARS:
            raise InputError(f"text is {len(self.text)} characters; the limit is {MAX_TEXT_CHARS}")


def validate_text(raw: bytes) -> str:
    """Decode user input or say, in one line, why it cannot be checked."""
    if b"\x00" in raw:
        raise InputError("input looks binary (it contains NUL bytes); give UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"input is not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise InputError("input is empty; nothing to check")
    return text


# Stands in for a JSONL line that was too long to read; the reader skips the rest of that line.
OVERSIZED_LINE = b"\x00oversized"
