"""Workflow clauses that the product enforces outside the content check, and the test that proves each.

The parts of the product that implement a workflow (governance records, archive, moderation) register
it here, so ``rettesnor policy coverage`` reports it as implemented only when the code exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Workflow:
    where: str  # what enforces it, e.g. "governance: account approval by the unit leader"
    test: str  # pytest node id of the test that proves it


# clause id -> how it is enforced. Add an entry when the code and its test exist.
IMPLEMENTED: dict[str, Workflow] = {}
