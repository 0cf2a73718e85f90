"""login sessions, login throttle, API token expiry and last use

Revision ID: 0007_login_sessions
Revises: 0006_merge_domains
Create Date: 2026-11-29 17:30:00

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0007_login_sessions'
down_revision = '0006_merge_domains'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('expires_at', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', eventapp.database.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_login_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_login_session_key_hash'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('locked_until', eventapp.database.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('key', name=op.f('uq_login_throttle_key'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', eventapp.database.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', eventapp.database.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_at')

    op.drop_table('login_throttle')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))

    op.drop_table('login_session')
