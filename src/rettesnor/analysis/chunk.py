"""A chunk of texts joined into one string, so that a detector scans many texts with one regex call.

Batch mode (:func:`rettesnor.analysis.analyse_many`) joins a chunk's texts with :data:`SEP`, runs a
detector's pre-filter or main regex once over the joined string, and maps each match back to its text
with :meth:`Chunk.owner` (a bisect over the start offsets). Per-text work then runs only for the texts
with hits.

Why the separator is safe: it is a line break, a NUL and a line break. No detector pattern matches NUL
(it is neither a word character, nor whitespace, nor a digit, nor in any literal of a word list), so no
match can span two texts; and the line breaks on both sides look, to every lookaround, like the start or
the end of a string (a non-word, whitespace character that is no letter, digit or sign any pattern
requires there). Texts that contain NUL themselves are never joined: :func:`chunks_of` gives them
their own per-text path (``Chunk.joinable`` is false).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence

SEP = "\n\x00\n"


class Chunk(Sequence[str]):
    """The texts of one chunk, their joined form and where each starts in it."""

    __slots__ = ("_low", "joinable", "joined", "starts", "texts", "tokens")

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts: Sequence[str] = texts
        self.joinable = not any("\x00" in t for t in texts)
        self.joined = SEP.join(texts) if self.joinable else ""
        starts: list[int] = []
        pos = 0
        for t in texts:
            starts.append(pos)
            pos += len(t) + len(SEP)
        self.starts = starts
        self._low: str | None = None
        # The classifier's token pass (offensive.OffensiveModel.token_pass), made once and read by the
        # language votes and the margins; False where the chunk cannot have one.
        self.tokens: object = None

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self.texts[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def owner(self, pos: int) -> int:
        """The index of the text that holds position ``pos`` of the joined string."""
        return bisect_right(self.starts, pos) - 1

    @property
    def low(self) -> str | None:
        """The joined string lower-cased, or None where lower-casing would move offsets ("İ")."""
        if self._low is None:
            low = self.joined.lower()
            self._low = low if len(low) == len(self.joined) else ""
        return self._low or None

    def matching(self, pattern: re.Pattern[str]) -> list[int]:
        """Indices of the texts in which ``pattern`` (a compiled regex) matches, in order."""
        search = pattern.search
        if not self.joinable:
            return [i for i, t in enumerate(self.texts) if search(t) is not None]
        out: list[int] = []
        joined, starts, n = self.joined, self.starts, len(self.texts)
        pos = 0
        while True:
            m = search(joined, pos)
            if m is None:
                return out
            i = bisect_right(starts, m.start()) - 1
            out.append(i)
            if i + 1 >= n:
                return out
            pos = starts[i + 1]

    def containing(self, needle: str) -> list[int]:
        """Indices of the texts that contain ``needle`` (a plain substring), in order."""
        if not self.joinable:
            return [i for i, t in enumerate(self.texts) if needle in t]
        out: list[int] = []
        joined, starts, n = self.joined, self.starts, len(self.texts)
        find = joined.find
        pos = find(needle)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            out.append(i)
            if i + 1 >= n:
                break
            pos = find(needle, starts[i + 1])
        return out


def as_chunk(texts: Sequence[str]) -> Chunk:
    return texts if isinstance(texts, Chunk) else Chunk(texts)
