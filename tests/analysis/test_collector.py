"""A check pauses the cyclic garbage collector while it runs and always resumes it."""

from __future__ import annotations

import gc

import pytest

from rettesnor.check import check, check_jsonl_chunk, check_many
from rettesnor.item import Item
from rettesnor.policy.loader import load_pack


def test_the_collector_is_paused_during_a_check_and_resumed_after() -> None:
    pack = load_pack("dk-hjorring")
    seen: list[bool] = []
    original = pack.parameters

    class Spy:  # reads the collector's state from inside the check (the context is built there)
        def __getattr__(self, name: str) -> object:
            seen.append(gc.isenabled())
            return getattr(original, name)

    assert gc.isenabled()
    object.__setattr__(pack, "parameters", Spy())
    try:
        check(Item("Ring 20 12 34 56", kind="comment", language="xx"), pack)
        check_many([Item("Hej", kind="official_post", language="yy")], pack)
    finally:
        object.__setattr__(pack, "parameters", original)
    assert seen and not any(seen)
    assert gc.isenabled()
    check_jsonl_chunk([(1, b'{"text": "Hej", "kind": "comment"}'), (2, b"not json")], pack)
    assert gc.isenabled()


def test_the_collector_is_resumed_when_a_check_fails() -> None:
    with pytest.raises(AttributeError):
        check(Item("Hej", kind="comment"), None)  # type: ignore[arg-type]
    assert gc.isenabled()


def test_a_paused_collector_is_left_paused() -> None:
    gc.disable()
    try:
        check(Item("Hej", kind="comment"), load_pack("dk-hjorring"))
        assert not gc.isenabled()
    finally:
        gc.enable()
