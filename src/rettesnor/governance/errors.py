"""Typed errors with one-line messages; the CLI prints them as they are (they are ``InputError``)."""

from __future__ import annotations

from rettesnor.item import InputError


class GovernanceError(InputError):
    """A governance rule refused the request; the message names the rule and what to do."""


class NotFound(GovernanceError):
    """No such record in this organisation (records of other organisations are never visible)."""


class Conflict(GovernanceError):
    """The request contradicts the current state (a second responsible person, a wrong status …)."""


class NotAllowed(GovernanceError):
    """The person is not allowed to do this (an approval by someone who is not a leader of the unit …)."""


class InvalidValue(GovernanceError):
    """A value is malformed or not one of the allowed ones (an invalid date, an unknown role …)."""
