"""checkin: failed_scan (refused scans, capped per session) and failed_scan_tally

Revision ID: 0012_failed_scans
Revises: 0011_attendance
Create Date: 2026-11-29 21:00:00

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0012_failed_scans'
down_revision = '0011_attendance'
branch_labels = None
depends_on = None


def upgrade():
    # New tables only: no existing row changes.
    op.create_table(
        'failed_scan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('at', eventapp.database.UTCDateTime(), nullable=False),
        sa.Column('device', sa.String(length=64), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('result', sa.String(length=32), nullable=False),
        sa.Column('fingerprint', sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('failed_scan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_failed_scan_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_failed_scan_session_at', ['session_id', 'at'], unique=False)
    op.create_table(
        'failed_scan_tally',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id'),
    )


def downgrade():
    op.drop_table('failed_scan_tally')
    with op.batch_alter_table('failed_scan', schema=None) as batch_op:
        batch_op.drop_index('ix_failed_scan_session_at')
        batch_op.drop_index(batch_op.f('ix_failed_scan_event_id'))
    op.drop_table('failed_scan')
