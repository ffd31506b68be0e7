"""The container and deployment files, checked without a container engine (none on these machines): the compose
file parses and holds together, every RUCHE_* it or deploy/.env.example names is a real setting (and .env.example
lists them all with their real defaults), each service runs a real `ruche` command, the Dockerfile installs the
built wheel as a non-root user with a health check, and the indexer's health check tells a held lock from none."""

import fcntl
import json
import os
import re
import shlex
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from app.config import ROOT_DIR, Settings

DEPLOY = ROOT_DIR / "deploy"
COMPOSE_TEXT = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
ENV_EXAMPLE = (DEPLOY / ".env.example").read_text(encoding="utf-8")
DOCKERFILE = (ROOT_DIR / "Dockerfile").read_text(encoding="utf-8")
DOCKERIGNORE = (ROOT_DIR / ".dockerignore").read_text(encoding="utf-8")

SETTING = re.compile(r"\bRUCHE_[A-Z0-9_]+")
ENV_LINE = re.compile(r"^#?\s*RUCHE_([A-Z0-9_]+)=(.*)$", re.MULTILINE)
# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}
INTERPOLATION = re.compile(r"\$\{(\w+)(?:(:?-)([^}]*)|(:?\?)[^}]*)?\}")
LONG_RUNNING = ("postgres", "redis", "web", "indexer")


def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE_TEXT)
    assert isinstance(document, dict)
    return document


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def interpolate(value: str) -> str:
    """What compose would run with an empty .env: defaults where given, a stand-in for required values."""
    return INTERPOLATION.sub(lambda m: m.group(3) if m.group(2) else "x", value)


def ruche_services() -> dict[str, dict[str, Any]]:
    return {name: service for name, service in services().items() if service.get("image", "").startswith("${IMAGE")}


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped), one list per stage."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in DOCKERFILE.splitlines() if not line.startswith("#")))
    stages: list[list[str]] = []
    for line in joined.splitlines():
        line = line.strip()
        if line.upper().startswith("FROM "):
            stages.append([])
        if line and stages:
            stages[-1].append(line)
    return stages


class TestComposeFile:
    def test_it_parses_and_has_every_service(self) -> None:
        assert set(services()) == {"postgres", "redis", "migrate", "web", "indexer"}

    def test_every_service_it_depends_on_exists_and_the_conditions_are_real(self) -> None:
        named = set(services())
        for name, service in services().items():
            for dependency, rule in service.get("depends_on", {}).items():
                assert dependency in named, (name, dependency)
                assert rule["condition"] in {"service_healthy", "service_completed_successfully"}, (name, rule)
                # A dependency waited for as healthy must have a health check, else it never becomes healthy.
                if rule["condition"] == "service_healthy":
                    assert not services()[dependency]["healthcheck"].get("disable"), dependency

    def test_every_long_running_service_has_a_health_check_and_a_restart_policy(self) -> None:
        for name in LONG_RUNNING:
            service = services()[name]
            assert service["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}, name
            assert service["restart"] == "unless-stopped", name
        assert "pg_isready" in services()["postgres"]["healthcheck"]["test"][1]
        assert services()["redis"]["healthcheck"]["test"][1:] == ["redis-cli", "ping"]
        assert "/healthz" in " ".join(services()["web"]["healthcheck"]["test"])

    def test_the_migrations_run_once_before_the_web_service_and_the_indexer(self) -> None:
        migrate = services()["migrate"]
        assert migrate["command"] == ["ruche", "db", "upgrade"]
        assert migrate["restart"] == "no"
        for name in ("web", "indexer"):
            assert services()[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
            assert services()[name]["depends_on"]["postgres"] == {"condition": "service_healthy"}
        assert services()["web"]["depends_on"]["redis"] == {"condition": "service_healthy"}

    def test_the_web_service_runs_several_workers_and_leaves_the_index_to_the_indexer(self) -> None:
        web, indexer = services()["web"], services()["indexer"]
        command = [interpolate(part) for part in web["command"]]
        assert int(command[command.index("--workers") + 1]) > 1
        assert web["environment"]["RUCHE_SEARCH_INDEXER"] == "off"
        assert web["environment"]["RUCHE_REDIS_URL"].startswith("redis://redis:")
        assert indexer["command"] == ["ruche", "search", "indexer"]

    def test_web_and_indexer_share_the_data_volume_where_the_image_keeps_its_data(self) -> None:
        data_dir = re.search(r"RUCHE_DATA_DIR=(\S+)", DOCKERFILE)
        assert data_dir is not None
        expected = f"ruche-data:{data_dir.group(1)}"
        assert expected in services()["web"]["volumes"]
        assert expected in services()["indexer"]["volumes"]

    def test_every_named_volume_is_declared(self) -> None:
        declared = set(compose()["volumes"])
        for name, service in services().items():
            for mount in service.get("volumes", []):
                source = mount.split(":")[0]
                if not source.startswith((".", "/")):
                    assert source in declared, (name, source)

    def test_the_databases_secrets_come_from_the_env_file(self) -> None:
        ruche = ruche_services()
        assert set(ruche) == {"migrate", "web", "indexer"}
        for name, service in ruche.items():
            assert service["env_file"] == ".env", name
            assert service["environment"]["RUCHE_SECRET_KEY"].startswith("${RUCHE_SECRET_KEY:?"), name
            assert "${POSTGRES_PASSWORD:?" in service["environment"]["RUCHE_DATABASE_URL"], name
        assert services()["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")

    def test_the_scheduler_has_its_place_marked(self) -> None:
        assert "# The scheduler" in COMPOSE_TEXT


class TestSettingsNamed:
    def test_every_ruche_variable_of_the_compose_file_and_the_dockerfile_is_a_setting(self) -> None:
        named = set(SETTING.findall(COMPOSE_TEXT)) | set(SETTING.findall(DOCKERFILE))
        assert named
        unknown = {name for name in named if name.removeprefix("RUCHE_") not in Settings.model_fields}
        assert not unknown

    def test_every_ruche_variable_of_env_example_is_a_setting_and_every_setting_is_there(self) -> None:
        named = {name.removeprefix("RUCHE_") for name in SETTING.findall(ENV_EXAMPLE)}
        assert named - set(Settings.model_fields) == set()
        assigned = {name for name, _ in ENV_LINE.findall(ENV_EXAMPLE)}
        assert set(Settings.model_fields) - assigned == set()

    def test_env_example_shows_the_real_defaults(self) -> None:
        for name, rest in ENV_LINE.findall(ENV_EXAMPLE):
            value = re.split(r"\s+#", rest)[0].strip()
            default = Settings.model_fields[name].default
            if default is None or default == [] or (isinstance(default, Path) and default.is_absolute()):
                assert value == "", (name, value)  # unset by default: an example goes in the comment
            elif isinstance(default, bool):
                assert value == str(default).lower(), (name, value)
            else:
                assert value == str(default), (name, value)

    def test_env_example_uncommented_loads_as_the_defaults(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        # Every shown default uncommented, inline comments included, and the secret filled in: a valid .env that
        # changes nothing.
        for name in [name for name in os.environ if name.startswith("RUCHE_")]:
            monkeypatch.delenv(name)
        text = re.sub(r"^# (RUCHE_[A-Z0-9_]+=\S)", r"\1", ENV_EXAMPLE, flags=re.MULTILINE)
        text = text.replace("\nRUCHE_SECRET_KEY=\n", "\nRUCHE_SECRET_KEY=" + "k" * 48 + "\n")
        (tmp_path / ".env").write_text(text, encoding="utf-8")
        settings = Settings(_env_file=tmp_path / ".env")
        assert settings.SECRET_KEY is not None and settings.SECRET_KEY.get_secret_value() == "k" * 48
        for name, field in Settings.model_fields.items():
            if name != "SECRET_KEY":
                assert getattr(settings, name) == field.default, name

    def test_the_secrets_are_left_to_fill_in(self) -> None:
        assert re.search(r"^RUCHE_SECRET_KEY=$", ENV_EXAMPLE, re.MULTILINE)
        assert re.search(r"^POSTGRES_PASSWORD=$", ENV_EXAMPLE, re.MULTILINE)

    def test_every_compose_variable_is_in_env_example(self) -> None:
        for name in {m.group(1) for m in INTERPOLATION.finditer(COMPOSE_TEXT)}:
            assert re.search(rf"^#?\s*{name}=", ENV_EXAMPLE, re.MULTILINE), name


def ruche_commands() -> list[tuple[str, list[str]]]:
    commands = [(name, [interpolate(part) for part in service["command"]]) for name, service in ruche_services().items()]
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    assert cmd is not None
    commands.append(("Dockerfile CMD", json.loads(cmd.group(1))))
    # The usage lines at the top of the Dockerfile: `docker run ... ruche ruche demo` (image, then command).
    for usage in re.findall(r"^#\s+docker run .*? ruche (ruche [^(]*?)\s*(?:\(.*)?$", DOCKERFILE, re.MULTILINE):
        commands.append(("Dockerfile usage", shlex.split(usage)))
    assert commands[-1][0] == "Dockerfile usage"
    return commands


@pytest.mark.parametrize(("where", "argv"), ruche_commands(), ids=lambda value: str(value))
def test_each_service_runs_a_real_ruche_command(where: str, argv: list[str]) -> None:
    from app.cli import add_feature_commands, cli

    add_feature_commands()
    assert argv[0] == "ruche", where
    command: Any = typer.main.get_command(cli)
    args = argv[1:]
    while hasattr(command, "commands"):  # typer >= 0.29 has its own click, hence duck typing
        assert args and args[0] in command.commands, (where, argv)
        command, args = command.commands[args[0]], args[1:]
    # Its options parse as the command would parse them (names, types, bounds), without running it.
    with command.make_context("ruche", list(args)) as context:
        assert context.params is not None


class TestDockerfile:
    def test_a_build_stage_builds_the_wheel_and_the_runtime_stage_installs_it(self) -> None:
        build, runtime = dockerfile_stages()
        assert re.match(r"FROM python:3\.\d+-slim-\w+ AS build$", build[0])
        assert re.match(r"FROM python:3\.\d+-slim-\w+ AS runtime$", runtime[0])
        assert any(re.search(r"pip wheel .*--wheel-dir /wheels \.$|python -m build --wheel", line) for line in build)
        install = [line for line in runtime if "pip install" in line]
        assert len(install) == 1
        assert "from=build" in install[0] and "--no-index --find-links /wheels ruche" in install[0]

    def test_pg_dump_in_the_image_can_dump_the_compose_files_postgresql(self) -> None:
        # pg_dump refuses a server of a newer major version than its own; Debian's client is its release's.
        client_major = {"bookworm": 15, "trixie": 17}
        runtime = dockerfile_stages()[-1]
        release = re.match(r"FROM python:[\d.]+-slim-(\w+) AS runtime$", runtime[0])
        assert release is not None
        assert any("apt-get install" in line and "postgresql-client" in line for line in runtime)
        server = re.fullmatch(r"postgres:(\d+)", services()["postgres"]["image"])
        assert server is not None
        assert int(server.group(1)) <= client_major[release.group(1)]

    def test_the_runtime_stage_has_no_source_tree_and_no_editable_install(self) -> None:
        runtime = dockerfile_stages()[-1]
        assert not [line for line in runtime if line.startswith(("COPY", "ADD"))]
        assert "pip install -e" not in DOCKERFILE

    def test_it_runs_as_a_non_root_user_with_a_data_volume_and_a_health_check(self) -> None:
        runtime = dockerfile_stages()[-1]
        users = [line.split()[1] for line in runtime if line.startswith("USER ")]
        assert users and users[-1] not in {"root", "0"}
        assert 'VOLUME ["/data"]' in runtime
        health = [line for line in runtime if line.startswith("HEALTHCHECK ")]
        assert len(health) == 1 and "http://127.0.0.1:8000/healthz" in health[0]
        # The same probe as the compose file's web service.
        probe = services()["web"]["healthcheck"]["test"]
        assert json.dumps(probe[1:]) in health[0]

    def test_the_build_context_carries_what_the_wheel_needs_and_no_secret(self) -> None:
        patterns = [line.strip() for line in DOCKERIGNORE.splitlines() if line.strip() and not line.startswith("#")]

        def ignored(path: str) -> bool:
            return any(fnmatch(path, pattern) or fnmatch(path, pattern.removeprefix("**/")) for pattern in patterns)

        for needed in ("pyproject.toml", "README.md", "alembic.ini", "app", "migrations", "frontend"):
            assert not ignored(needed), needed
        for secret in (".env", "deploy", ".git", "data", "deploy/.env"):
            assert ignored(secret), secret

    def test_git_ignores_the_filled_in_env_file(self) -> None:
        # A pattern without a slash matches at any depth: deploy/.env included, deploy/.env.example not.
        assert ".env" in (ROOT_DIR / ".gitignore").read_text(encoding="utf-8").splitlines()


class TestIndexerHealthCheck:
    """The indexer service's probe, run here on a temporary data folder."""

    def probe(self, data_dir: Path) -> int:
        script = services()["indexer"]["healthcheck"]["test"][3].replace("/data/", f"{data_dir}/")
        return subprocess.run([sys.executable, "-c", script], timeout=30).returncode

    def test_healthy_while_a_writer_holds_the_lock(self, tmp_path: Path) -> None:
        from app.search.runtime import IndexerLock

        lock = IndexerLock(tmp_path / "search")
        assert lock.try_acquire()
        try:
            assert self.probe(tmp_path) == 0
        finally:
            lock.release()

    def test_unhealthy_when_no_writer_holds_it_or_it_was_never_created(self, tmp_path: Path) -> None:
        assert self.probe(tmp_path) == 1
        (tmp_path / "search").mkdir()
        (tmp_path / "search" / "indexer.lock").touch()
        assert self.probe(tmp_path) == 1
        # The probe's shared lock was its own: released with it, the writer can still take the lock.
        fd = os.open(tmp_path / "search" / "indexer.lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
