"""messages: reminder_rule (reminder rules relative to a deadline, per event)

Revision ID: 0014_reminders
Revises: 0013_outbox
Create Date: 2026-11-29 23:50:00

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0014_reminders'
down_revision = '0013_outbox'
branch_labels = None
depends_on = None


def upgrade():
    # A new table only: no existing row changes.
    op.create_table(
        'reminder_rule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('deadline', sa.String(length=20), nullable=False),
        sa.Column('offset_days', sa.Integer(), nullable=False),
        sa.Column('audience', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('approval', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', eventapp.database.UTCDateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_reminder_rule_created_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'],
                                name=op.f('fk_reminder_rule_event_id_event'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_rule')),
    )
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_rule_event_id'), ['event_id'],
                              unique=False)


def downgrade():
    # Drops the new table only; messages the rules wrote stay in the outbox.
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_rule_event_id'))
    op.drop_table('reminder_rule')
