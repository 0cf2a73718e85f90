"""units: unit_change (renames, merges) and event_unit.name, the unit's name at each event

Revision ID: 0016_unit_history
Revises: 0015_unit_kinds
Create Date: 2026-11-30 00:00:00

"""
from alembic import op
import sqlalchemy as sa

import eventapp.database  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0016_unit_history'
down_revision = '0015_unit_kinds'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('rename', 'merge', name='unitchangekind',
                                  native_enum=False, create_constraint=False, length=10),
                  nullable=False),
        sa.Column('old_name', sa.String(length=200), nullable=False),
        sa.Column('new_name', sa.String(length=200), nullable=False),
        sa.Column('merged_into_id', sa.Integer(), nullable=True),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('accounts_moved', sa.Boolean(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('at', eventapp.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['merged_into_id'], ['unit.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('unit_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_change_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_change_merged_into_id'), ['merged_into_id'],
                              unique=False)
        batch_op.create_index('uq_unit_change_one_merge', ['unit_id'], unique=True,
                              sqlite_where=sa.text("kind = 'merge'"),
                              postgresql_where=sa.text("kind = 'merge'"))
    # Every existing participation takes its unit's present name: there is no history yet.
    with op.batch_alter_table('event_unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=True))
    op.execute("UPDATE event_unit SET name = (SELECT unit.name FROM unit "
               "WHERE unit.id = event_unit.unit_id)")
    with op.batch_alter_table('event_unit', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=200), nullable=False)


def downgrade():
    with op.batch_alter_table('event_unit', schema=None) as batch_op:
        batch_op.drop_column('name')
    with op.batch_alter_table('unit_change', schema=None) as batch_op:
        batch_op.drop_index('uq_unit_change_one_merge')
        batch_op.drop_index(batch_op.f('ix_unit_change_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_unit_change_unit_id'))
    op.drop_table('unit_change')
