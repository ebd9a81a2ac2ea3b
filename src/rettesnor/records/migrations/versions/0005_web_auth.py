"""Web application: TOTP secrets and OpenID Connect identities of logins.

Revision ID: 0005_web_auth
Revises: 0004_platforms
Create Date: 2026-12-02
"""

from __future__ import annotations

revision: str = "0005_web_auth"
down_revision: str | None = "0004_platforms"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    pass  # placeholder: filled in by the work it is named after


def downgrade() -> None:
    pass
