"""Archive at scale: indexes and search structures for a million records.

Revision ID: 0006_archive_scale
Revises: 0005_web_auth
Create Date: 2026-12-02
"""

from __future__ import annotations

revision: str = "0006_archive_scale"
down_revision: str | None = "0005_web_auth"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass  # placeholder: filled in by the work it is named after


def downgrade() -> None:
    pass
