"""attendance: excused absences, substitutes, the per-event check-in settings

Revision ID: 0011_attendance
Revises: 0010_domain_settings
Create Date: 2026-11-29 21:00:00

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database


# revision identifiers, used by Alembic.
revision = '0011_attendance'
down_revision = '0010_domain_settings'
branch_labels = None
depends_on = None


def upgrade():
    # New tables only: existing attendees stay active/cancelled, nothing is rewritten.
    op.create_table(
        'attendance_excuse',
        sa.Column('attendee_id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('set_at', eventapp.database.UTCDateTime(), nullable=False),
        sa.Column('set_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['set_by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('attendee_id', 'session_id'),
    )
    with op.batch_alter_table('attendance_excuse', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_excuse_session_id', ['session_id'], unique=False)

    op.create_table(
        'attendee_substitution',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('replaced_id', sa.Integer(), nullable=False),
        sa.Column('replacement_id', sa.Integer(), nullable=False),
        sa.Column('at', eventapp.database.UTCDateTime(), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['replaced_id'], ['attendee.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['replacement_id'], ['attendee.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('replaced_id'),
        sa.UniqueConstraint('replacement_id'),
    )
    with op.batch_alter_table('attendee_substitution', schema=None) as batch_op:
        batch_op.create_index('ix_attendee_substitution_event_id', ['event_id'], unique=False)

    op.create_table(
        'checkin_setting',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('staff_walk_ins', sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(['event_id'], ['event.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )


def downgrade():
    # Substituted delegates become cancelled ones: their codes stay revoked.
    op.execute("UPDATE attendee SET status = 'cancelled' WHERE status = 'substituted'")
    op.drop_table('checkin_setting')
    with op.batch_alter_table('attendee_substitution', schema=None) as batch_op:
        batch_op.drop_index('ix_attendee_substitution_event_id')
    op.drop_table('attendee_substitution')
    with op.batch_alter_table('attendance_excuse', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_excuse_session_id')
    op.drop_table('attendance_excuse')
