"""units: unit.parent_id (đơn vị cấp trên), nullable, SET NULL when the parent is deleted

Revision ID: 0020_unit_parents
Revises: 0019_notices
Create Date: 2026-11-29 23:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_unit_parents'
down_revision = '0019_notices'
branch_labels = None
depends_on = None


def upgrade():
    # A new nullable column: every existing unit keeps its row and has no parent.
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key('fk_unit_parent_id_unit', 'unit', ['parent_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint('fk_unit_parent_id_unit', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))
        batch_op.drop_column('parent_id')
