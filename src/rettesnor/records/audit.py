"""Every change to a governance record becomes rows of the audit log, in the same transaction.

The log has the shape of the Noark 5 change log (endringslogg): who, when, which object, which field,
the old value and the new value. Rows are only ever added: the ORM refuses to change or delete one, and
the migration installs database triggers that refuse it too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from rettesnor.records.base import Base
from rettesnor.records.models import Activity, AuditEntry, Incident
from rettesnor.records.publish_models import PublicationPhoto
from rettesnor.records.types import utcnow
from rettesnor.records.web_models import ApiToken, WebSession, WebTotpUse, WebUser

ACTOR_KEY = "actor"  # session.info key: who makes the changes
NOT_AUDITED: tuple[type[Base], ...] = (AuditEntry, Activity, WebSession, WebTotpUse)  # records of use
SKIPPED_FIELDS = frozenset({"id", "organisation_id", "created_at"})
# Fields whose content must not reach people who may read the audit log but not the record itself.
# Secrets of logins and API tokens never reach the log in any form (hashes and sealed secrets included).
RESTRICTED: dict[type[Base], frozenset[str]] = {
    Incident: frozenset({"description"}),
    WebUser: frozenset({"password_hash", "totp_secret", "totp_last_step"}),
    ApiToken: frozenset({"token_sha256"}),
    PublicationPhoto: frozenset({"data"}),  # the photo's bytes: the log says it changed, not what it is
}
RESTRICTED_VALUE = "[restricted]"


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete an audit entry."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _organisation_of(obj: Base) -> int | None:
    if type(obj).__tablename__ == "organisation":
        return getattr(obj, "id", None)
    return getattr(obj, "organisation_id", None)


def _rows(session: Session) -> list[dict[str, Any]]:
    actor = str(session.info.get(ACTOR_KEY, "system"))
    now = utcnow()
    rows: list[dict[str, Any]] = []
    changes = [("create", o) for o in session.new] + [("update", o) for o in session.dirty]
    changes += [("delete", o) for o in session.deleted]
    for action, obj in changes:
        if not isinstance(obj, Base) or isinstance(obj, NOT_AUDITED):
            continue
        state = inspect(obj)
        restricted = RESTRICTED.get(type(obj), frozenset())
        base = {
            "organisation_id": _organisation_of(obj),
            "object_type": type(obj).__tablename__,
            "object_id": state.identity[0] if state.identity else getattr(obj, "id", 0),
            "action": action,
            "changed_by": actor,
            "changed_at": now,
        }
        if action == "delete":
            rows.append({**base, "field": None, "old_value": None, "new_value": None})
            continue
        for attr in state.mapper.column_attrs:
            name = attr.key
            if name in SKIPPED_FIELDS:
                continue
            hist = state.attrs[name].history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if action == "create" and new is None:
                continue
            if _text(old) == _text(new):
                continue
            if name in restricted:
                old = RESTRICTED_VALUE if old is not None else None
                new = RESTRICTED_VALUE if new is not None else None
            rows.append({**base, "field": name, "old_value": _text(old), "new_value": _text(new)})
    return rows


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AppendOnlyError("the audit log is append-only; entries cannot be changed or deleted")


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, _context: Any) -> None:
    rows = _rows(session)
    if rows:
        session.connection().execute(insert(AuditEntry), rows)
