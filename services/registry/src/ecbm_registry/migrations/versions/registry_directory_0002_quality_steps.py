"""The directory's quality levels follow the three-step model (quality label events v2):
level-1 becomes accredited, level-2 and level-3 become distinction; ranks follow.

Revision ID: registry_directory_0002
"""

from __future__ import annotations

from alembic import op

revision = "registry_directory_0002"
down_revision = "registry_directory_0001"
branch_labels = None
depends_on = None

# old level -> (step, rank): rank is the step's index in levels.QUALITY_LEVELS.
_STEPS = {
    "level-1": ("accredited", 2),
    "level-2": ("distinction", 3),
    "level-3": ("distinction", 3),
}


def _property(level: str) -> str:
    """The level as the map feature's JSON holds it (mapping.feature: compact separators)."""
    return f'"quality_level":"{level}"'


def upgrade() -> None:
    for old, (step, rank) in _STEPS.items():
        op.execute(
            f"UPDATE programme_directory SET quality_level = '{step}', quality_rank = {rank}, "
            f"feature = REPLACE(feature, '{_property(old)}', '{_property(step)}') "
            f"WHERE quality_level = '{old}'"
        )
        op.execute(f"UPDATE programme_quality_labels SET level = '{step}' WHERE level = '{old}'")
    op.execute("UPDATE directory_state SET version = version + 1")  # cached answers are stale


def downgrade() -> None:
    for old, step, rank in (("level-1", "accredited", 2), ("level-2", "distinction", 3)):
        op.execute(
            f"UPDATE programme_directory SET quality_level = '{old}', quality_rank = {rank}, "
            f"feature = REPLACE(feature, '{_property(step)}', '{_property(old)}') "
            f"WHERE quality_level = '{step}'"
        )
        op.execute(f"UPDATE programme_quality_labels SET level = '{old}' WHERE level = '{step}'")
