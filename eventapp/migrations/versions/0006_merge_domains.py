"""merge the domain branches

Revision ID: 0006_merge_domains
Revises: 0002_questions, 0003_nominations, 0004_registration, 0005_checkin
Create Date: 2026-11-22 11:16:10.500601

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0006_merge_domains'
down_revision = ('0002_questions', '0003_nominations', '0004_registration', '0005_checkin')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
