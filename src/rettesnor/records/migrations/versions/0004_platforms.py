"""Platform connectors: the durable webhook event queue and encrypted page tokens.

Revision ID: 0004_platforms
Revises: 0003_web
Create Date: 2026-12-02
"""

from __future__ import annotations

revision: str = "0004_platforms"
down_revision: str | None = "0003_web"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass  # placeholder: filled in by the work it is named after


def downgrade() -> None:
    pass
