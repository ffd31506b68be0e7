"""Operations: backups and restores. Commands only: no tables, routes or background work."""

from app.feature import Feature

FEATURE = Feature(
    name="ops",
    # No group name: `ruche backup FILE` and `ruche restore FILE` are top-level commands.
    commands=(("", "app.ops.cli:ops_cli"),),
)
