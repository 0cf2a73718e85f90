"""registration limits: registration_setting (default per-unit limit per session),
registration_category_setting (organizer-only categories), session_reservation (seats
kept for the organizer's guests)

Revision ID: 0008_registration_limits
Revises: 0007_login_sessions
Create Date: 2026-11-29 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_registration_limits'
down_revision = '0007_login_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration_setting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('default_max_per_unit', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_registration_setting_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_setting')),
    sa.UniqueConstraint('event_id', name=op.f('uq_registration_setting_event_id'))
    )
    op.create_table('registration_category_setting',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('organizer_only', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_registration_category_setting_category_id_category'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('category_id', name=op.f('pk_registration_category_setting'))
    )
    op.create_table('session_reservation',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], name=op.f('fk_session_reservation_session_id_event_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_session_reservation'))
    )


def downgrade():
    op.drop_table('session_reservation')
    op.drop_table('registration_category_setting')
    op.drop_table('registration_setting')
