"""checkin: needs_review, an offline scan time outside the believable window

Revision ID: 0009_checkin_review
Revises: 0008_registration_limits
Create Date: 2026-11-29 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_checkin_review'
down_revision = '0008_registration_limits'
branch_labels = None
depends_on = None


def upgrade():
    # Existing check-ins keep their times and are not flagged (server default false).
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_review', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_column('needs_review')
