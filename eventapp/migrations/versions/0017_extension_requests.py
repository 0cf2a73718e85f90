"""events: extension_request (a unit's request for an extension and the organizer's answer)

Revision ID: 0017_extension_requests
Revises: 0016_unit_history
Create Date: 2026-11-30 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0017_extension_requests'
down_revision = '0016_unit_history'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    # A new table only: no existing row changes.
    op.create_table(
        'extension_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('requested_until', sa.Date(), nullable=True),
        sa.Column('status', sa.Enum('pending', 'granted', 'refused', name='requeststatus',
                                    native_enum=False, create_constraint=False, length=10),
                  nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', eventapp.database.UTCDateTime(), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', eventapp.database.UTCDateTime(), nullable=True),
        sa.Column('answer_note', sa.Text(), nullable=False),
        sa.Column('granted_until', eventapp.database.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['answered_by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_request_event_id'), ['event_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_extension_request_unit_id'), ['unit_id'],
                              unique=False)
        batch_op.create_index('uq_extension_request_pending', ['event_id', 'unit_id', 'kind'],
                              unique=True, sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.drop_index('uq_extension_request_pending', sqlite_where=PENDING,
                            postgresql_where=PENDING)
        batch_op.drop_index(batch_op.f('ix_extension_request_unit_id'))
        batch_op.drop_index(batch_op.f('ix_extension_request_event_id'))
    op.drop_table('extension_request')
