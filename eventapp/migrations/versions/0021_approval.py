"""registration: optional approval of delegates (registration_setting.approval_required,
attendee.rejection_reason); the new statuses "pending" and "rejected" fit the existing
VARCHAR(16) status column, which has no CHECK constraint

Revision ID: 0021_approval
Revises: 0020_unit_parents
Create Date: 2026-11-30 03:30:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_approval'
down_revision = '0020_unit_parents'
branch_labels = None
depends_on = None


def upgrade():
    # Existing events keep registering without approval; existing delegates have no reason.
    with op.batch_alter_table('registration_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_required', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rejection_reason', sa.String(length=500),
                                      nullable=False, server_default=''))


def downgrade():
    # Without the approval step, a waiting or refused registration is not a delegate:
    # it is cancelled (its code never worked), so no unknown status outlives the schema.
    op.execute(sa.text("UPDATE attendee SET status = 'cancelled', cancelled_at = :at "
                       "WHERE status IN ('pending', 'rejected')")
               .bindparams(at=datetime.now(UTC).replace(tzinfo=None)))
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_column('rejection_reason')
    with op.batch_alter_table('registration_setting', schema=None) as batch_op:
        batch_op.drop_column('approval_required')
