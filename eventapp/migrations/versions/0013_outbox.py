"""messages: outbox (message, message_attempt) and unit contacts

Revision ID: 0013_outbox
Revises: 0012_failed_scans
Create Date: 2026-11-29 23:46:24.987741

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0013_outbox'
down_revision = '0012_failed_scans'
branch_labels = None
depends_on = None


def upgrade():
    # New tables only: no existing row changes.
    op.create_table('unit_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_contact_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_contact'))
    )
    with op.batch_alter_table('unit_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_contact_unit_id'), ['unit_id'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('address', sa.String(length=254), nullable=True),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.Enum('inapp', 'email', name='channel', native_enum=False, length=16), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'awaiting_approval', 'sending', 'sent', 'failed', 'cancelled', name='messagestatus', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('lease_until', eventapp.database.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('sent_at', eventapp.database.UTCDateTime(), nullable=True),
    sa.Column('read_at', eventapp.database.UTCDateTime(), nullable=True),
    sa.Column('cause', sa.String(length=60), nullable=False),
    sa.Column('cause_ref', sa.String(length=80), nullable=True),
    sa.Column('dedupe_key', sa.String(length=160), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_message_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_message_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_message_unit_id_unit'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_message_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_message_dedupe_key'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index('ix_message_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_message_inbox', ['user_id', 'channel', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_unit_id'), ['unit_id'], unique=False)

    op.create_table('message_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('at', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_message_attempt_message_id_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attempt'))
    )
    with op.batch_alter_table('message_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_attempt_message_id'), ['message_id'], unique=False)



def downgrade():
    # Drops the new tables only.
    with op.batch_alter_table('message_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_attempt_message_id'))

    op.drop_table('message_attempt')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_unit_id'))
        batch_op.drop_index('ix_message_inbox')
        batch_op.drop_index(batch_op.f('ix_message_event_id'))
        batch_op.drop_index('ix_message_due')

    op.drop_table('message')
    with op.batch_alter_table('unit_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_contact_unit_id'))

    op.drop_table('unit_contact')
