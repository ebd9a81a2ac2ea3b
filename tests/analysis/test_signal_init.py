"""Signal's own __init__ (analysis/signals.py, set by slot setters for speed) against the one dataclasses
writes for the same fields."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from rettesnor.analysis.signals import Signal


@dataclasses.dataclass(frozen=True, slots=True)
class _Reference:
    name: str
    start: int
    end: int
    score: float
    detector: str
    evidence: Any = dataclasses.field(default_factory=dict)


def _fields(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj))


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("email", 3, 9, 0.95, "email.regex"), {}),
        (("phone", 0, 8, 0.5, "phone.phonenumbers", {"region": "DK"}), {}),
        (("x", 1, 2), {"score": 0.1, "detector": "d", "evidence": None}),
        ((), {"name": "n", "start": 0, "end": 0, "score": 1.0, "detector": "q"}),
    ],
)
def test_same_fields_as_the_dataclass_init(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    made, reference = Signal(*args, **kwargs), _Reference(*args, **kwargs)
    assert _fields(made) == _fields(reference)
    assert [f.name for f in dataclasses.fields(Signal)] == [f.name for f in dataclasses.fields(_Reference)]


def test_default_evidence_is_a_new_dict_and_the_signal_stays_frozen() -> None:
    a, b = Signal("x", 1, 2, 0.5, "d"), Signal("x", 1, 2, 0.5, "d")
    assert a == b and a.evidence == {} and a.evidence is not b.evidence
    shared = {"k": 1}
    assert Signal("x", 1, 2, 0.5, "d", shared).evidence is shared
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.start = 3  # type: ignore[misc]
    assert dataclasses.replace(a, start=0) == Signal("x", 0, 2, 0.5, "d")
    with pytest.raises(TypeError):
        Signal("x", 1, 2)  # type: ignore[call-arg]
