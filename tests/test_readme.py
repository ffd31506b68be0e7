"""The README documents every setting (with its real default) and every command: they cannot drift apart."""

import re
from pathlib import Path

import typer

from app.config import ROOT_DIR, Settings

README = (ROOT_DIR / "README.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `RUCHE_([A-Z0-9_]+)` \| ([^|]*) \|", re.MULTILINE)


def documented_settings() -> dict[str, str]:
    return {name: default.strip() for name, default in ROW.findall(README)}


def test_every_setting_is_documented_and_no_stale_row_remains() -> None:
    assert set(documented_settings()) == set(Settings.model_fields)


def test_documented_defaults_match_the_code() -> None:
    rows = documented_settings()
    for name, field in Settings.model_fields.items():
        default, cell = field.default, rows[name]
        if default is None:
            assert cell.startswith("unset"), (name, cell)
        elif default == []:
            assert cell == "empty", (name, cell)
        elif isinstance(default, bool):
            assert cell == f"`{str(default).lower()}`", (name, cell)
        elif isinstance(default, (int, float, str)) or (isinstance(default, Path) and not default.is_absolute()):
            assert cell == f"`{default}`", (name, cell)


def test_every_command_is_documented() -> None:
    from app.cli import add_feature_commands, cli

    add_feature_commands()

    def walk(command: object, prefix: str) -> list[str]:  # typer >= 0.29 has its own click, hence duck typing
        if hasattr(command, "commands"):
            return [path for name, sub in command.commands.items() for path in walk(sub, f"{prefix} {name}")]
        return [prefix]

    commands = walk(typer.main.get_command(cli), "ruche")
    assert len(commands) >= 6
    for command in commands:
        assert f"`{command}" in README, command


def test_linked_screenshots_and_documents_exist() -> None:
    linked = re.findall(r"\]\((docs/[^)]+)\)", README)
    assert "docs/screenshot.png" in linked
    for path in linked:
        assert (ROOT_DIR / path).is_file(), path
