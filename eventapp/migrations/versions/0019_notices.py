"""messages: per-event notice switches (notice_setting)

Revision ID: 0019_notices
Revises: 0018_password_tokens
Create Date: 2026-11-30 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_notices'
down_revision = '0018_password_tokens'
branch_labels = None
depends_on = None


def upgrade():
    # A new table only: events without a row keep every notice on.
    op.create_table('notice_setting',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('off', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_notice_setting_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_notice_setting'))
    )


def downgrade():
    op.drop_table('notice_setting')
