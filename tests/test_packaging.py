"""Package data (issue 18): what the application reads at run time ships inside the `app` package, and the wheel and
the sdist carry all of it. The end-to-end check (a new virtualenv, `ruche serve` from an empty folder) is
.ci/wheel_smoke.py, a CI step: it installs the wheel's dependencies from the package index."""

import re
import subprocess
import sys
import tarfile
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from app import migrate, package_data
from app.config import ROOT_DIR, Settings

# What the repository keeps at its top level and the package must carry, as paths inside app/_data.
SHIPPED_FOLDERS = ("migrations", "frontend")


def _repository_files() -> set[str]:
    listed = subprocess.run(["git", "ls-files", "--", "alembic.ini", *SHIPPED_FOLDERS], cwd=ROOT_DIR,
                            capture_output=True, text=True, check=True).stdout.split()
    assert "migrations/env.py" in listed and "frontend/templates/base.html" in listed
    return {path for path in listed if not Path(path).name.startswith(".")}  # .keep placeholders need not ship


def test_the_code_finds_its_files_through_the_package() -> None:
    package = Path(str(files("app")))
    assert package_data.data_dir() == package / "_data"
    assert (package_data.frontend_dir() / "templates" / "base.html").is_file()
    assert (package_data.frontend_dir() / "translations" / "fr" / "LC_MESSAGES" / "messages.po").is_file()
    assert (package_data.frontend_dir() / "static" / "css" / "ruche.css").is_file()
    assert Settings().FRONTEND_DIR == package_data.frontend_dir()
    config = migrate.alembic_config("sqlite:///unused.db")
    assert config.config_file_name == str(package / "_data" / "alembic.ini")
    assert config.get_main_option("script_location") == str(package / "_data" / "migrations")


def test_the_checkout_links_every_shipped_file() -> None:
    """app/_data links to the top-level folders (a broken or missing link would ship an incomplete package)."""
    for name in (*SHIPPED_FOLDERS, "alembic.ini"):
        link = ROOT_DIR / "app" / "_data" / name
        assert link.is_symlink() and link.resolve() == (ROOT_DIR / name).resolve(), name
    for path in _repository_files():
        assert (ROOT_DIR / "app" / "_data" / path).is_file(), path


def test_no_runtime_code_reads_beside_the_source_tree() -> None:
    """ROOT_DIR is the checkout: only the catalog tool (which edits the repository) may use it."""
    users = {path.relative_to(ROOT_DIR).as_posix() for path in (ROOT_DIR / "app").rglob("*.py")
             if "_data" not in path.parts and re.search(r"\bROOT_DIR\b", path.read_text(encoding="utf-8"))}
    assert users == {"app/config.py", "app/i18n_tools.py"}


@pytest.mark.slow
def test_wheel_and_sdist_carry_the_package_data(tmp_path: Path) -> None:
    """`python -m build` makes the sdist, then the wheel from the sdist: both are checked."""
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT_DIR)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    expected = _repository_files()

    (wheel,) = tmp_path.glob("ruche-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
    shipped = {name.removeprefix("app/_data/") for name in in_wheel if name.startswith("app/_data/")}
    assert expected <= shipped, sorted(expected - shipped)
    assert not {name for name in in_wheel if "__pycache__" in name or name.endswith(".pyc")}
    assert "app/cli.py" in in_wheel and "app/demo/people.py" in in_wheel

    (sdist,) = tmp_path.glob("ruche-*.tar.gz")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert expected <= in_sdist, sorted(expected - in_sdist)
    assert {f"app/_data/{path}" for path in expected} <= in_sdist
