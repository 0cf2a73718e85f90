"""accounts: single-use set-password links (password_token)

Revision ID: 0018_password_tokens
Revises: 0017_extension_requests
Create Date: 2026-11-30 00:10:00

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0018_password_tokens'
down_revision = '0017_extension_requests'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('password_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.Enum('reset', 'welcome', name='tokenpurpose', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('expires_at', eventapp.database.UTCDateTime(), nullable=False),
    sa.Column('used_at', eventapp.database.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_password_token_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_token_token_hash'))
    )
    with op.batch_alter_table('password_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_token_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('password_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_token_user_id'))

    op.drop_table('password_token')
