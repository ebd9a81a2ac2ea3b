"""What the moderation workflow needs from a platform, and an in-process fake for tests and demos.

The real connectors (Facebook Pages / Instagram Graph API) implement :class:`Platform`; nothing in the
workflow knows which one it talks to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class PlatformError(RuntimeError):
    """The platform refused or could not be reached."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A message as the platform shows it now: the evidence saved before it is hidden or deleted."""

    platform_id: str
    text: str
    author_id: str | None
    author_name: str | None
    visible: bool


class Platform(Protocol):
    name: str

    def fetch(self, platform_id: str) -> Snapshot | None: ...

    def hide(self, platform_id: str) -> None: ...

    def unhide(self, platform_id: str) -> None: ...

    def delete(self, platform_id: str) -> None: ...

    def reply(self, platform_id: str, text: str) -> str: ...


@dataclass
class FakePlatform:
    """An in-process platform: messages in a dict, every call logged, failures on request."""

    name: str = "facebook"
    messages: dict[str, Snapshot] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    fail_on: set[str] = field(default_factory=set)  # names of calls that raise PlatformError
    replies: int = 0

    def add(
        self, platform_id: str, text: str, author_id: str | None = None, author_name: str | None = None
    ) -> None:
        self.messages[platform_id] = Snapshot(platform_id, text, author_id, author_name, True)

    def _call(self, what: str, platform_id: str) -> None:
        self.calls.append((what, platform_id))
        if what in self.fail_on:
            raise PlatformError(f"{self.name} did not answer ({what})")

    def fetch(self, platform_id: str) -> Snapshot | None:
        self._call("fetch", platform_id)
        return self.messages.get(platform_id)

    def hide(self, platform_id: str) -> None:
        self._call("hide", platform_id)
        m = self.messages[platform_id]
        self.messages[platform_id] = Snapshot(m.platform_id, m.text, m.author_id, m.author_name, False)

    def unhide(self, platform_id: str) -> None:
        self._call("unhide", platform_id)
        m = self.messages[platform_id]
        self.messages[platform_id] = Snapshot(m.platform_id, m.text, m.author_id, m.author_name, True)

    def delete(self, platform_id: str) -> None:
        self._call("delete", platform_id)
        self.messages.pop(platform_id, None)

    def reply(self, platform_id: str, text: str) -> str:
        self._call("reply", platform_id)
        self.replies += 1
        reply_id = f"{platform_id}_r{self.replies}"
        self.messages[reply_id] = Snapshot(reply_id, text, "page", None, True)
        return reply_id
