"""Settings: every knob is a RUCHE_ environment variable, read once here.

`get_settings()` and the data folder's generated key are read once per process (`lru_cache`): neither changes while
it runs, so they are not process state (tests build their own `Settings`)."""

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.package_data import frontend_dir
from app.timezones import valid_time_zone

# The repository checkout: only for the developer tools that edit it (app/i18n_tools.py) and tests. What the running
# application reads ships in the package (app/package_data.py).
ROOT_DIR = Path(__file__).resolve().parent.parent
KNOWN_BAD_SECRETS = {"changethis", "secret", "changeme", "please-change-me"}
MIN_SECRET_BYTES = 32
SECRET_KEY_FILE = "secret_key"  # the generated key, in DATA_DIR (`ruche backup` archives it)


DEFAULT_PUBLIC_ORIGIN = "http://127.0.0.1:8000"  # `ruche serve` without --host/--port


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RUCHE_", env_file=".env", extra="ignore")

    DATA_DIR: Path = Path("data")
    DATABASE_URL: str | None = None
    REDIS_URL: str | None = None
    SECRET_KEY: SecretStr | None = None
    REGISTRATION: Literal["open", "domain", "closed"] = "open"
    ALLOWED_EMAIL_DOMAINS: list[str] = []
    RATE_LIMITS: Literal["on", "off"] = "on"
    ACCESS_TOKEN_MINUTES: int = 60  # API bearer tokens: a fixed lifetime, not renewed
    # Page sessions slide: renewed while the member is active, they end after this long without a request...
    SESSION_IDLE_MINUTES: Annotated[int, Field(ge=1)] = 120
    # ...and at the latest this long after signing in (a browser-session cookie);
    SESSION_MAX_HOURS: Annotated[int, Field(ge=1, le=24 * 365)] = 12
    # with "Keep me signed in", a persistent cookie valid this long (no idle bound). At most a year: tokens living
    # longer than app.security.MAX_TOKEN_LIFETIME_S (400 days) are refused as forged.
    SESSION_REMEMBER_DAYS: Annotated[int, Field(ge=1, le=365)] = 30
    TRUSTED_PROXIES: list[str] = []
    BASE_URL: str | None = None  # public origin, e.g. https://ruche.example.com (cookies, links, Origin checks)
    FRONTEND_DIR: Path = frontend_dir()
    # `ruche serve` on SIGTERM/SIGINT: how long in-flight requests get to finish (SECURITY.md; uvicorn's own
    # default is to wait forever). Keep the orchestrator's kill delay above it (Kubernetes: 30 s, Compose: 10 s).
    SHUTDOWN_TIMEOUT_S: int = 30
    # Members who have not chosen a time zone see times in this one (an IANA name).
    DEFAULT_TIME_ZONE: str = "Europe/Paris"

    # Argon2id parameters (OWASP); tests may lower them to keep the suite fast.
    ARGON2_MEMORY_KIB: int = 19456
    ARGON2_TIME_COST: int = 2

    # Limits (SECURITY.md)
    MAX_JSON_BYTES: int = 1024 * 1024
    LOGIN_FAILURES_PER_ACCOUNT: int = 5
    LOGIN_ACCOUNT_WINDOW_S: int = 30 * 60
    LOGIN_FAILURES_PER_IP: int = 25
    LOGIN_IP_WINDOW_S: int = 5 * 60
    API_RATE_PER_USER_PER_MIN: int = 200
    API_RATE_PER_IP_PER_MIN: int = 100
    POST_INTERVAL_S: int = 5
    # "Forgot your password?": requests per typed address and per client address within the window (each one
    # counts, whether or not the address has an account), then 429.
    PASSWORD_RESET_PER_ADDRESS: int = 3
    PASSWORD_RESET_PER_IP: int = 20
    PASSWORD_RESET_WINDOW_S: int = 60 * 60
    DUPLICATE_POST_WINDOW_S: int = 5 * 60

    # Email (notifications); unset host: emails are printed to the log.
    SMTP_HOST: str | None = None
    SMTP_PORT: int = 25
    SMTP_USER: str | None = None
    SMTP_PASSWORD: SecretStr | None = None
    SMTP_FROM: str = "ruche@localhost"
    SMTP_STARTTLS: bool = False

    # Accounts made by admins: how long the links sent work (a reset link: 1 h), and the bounds of a CSV import
    # (a request's body is also capped by MAX_JSON_BYTES; `ruche admin import` has no line limit).
    PASSWORD_RESET_MINUTES: int = 60
    INVITATION_DAYS: int = 7
    IMPORT_MAX_LINES: int = 10_000

    # Live events (SECURITY.md websocket defaults); Redis channel names start with REDIS_PREFIX.
    REDIS_PREFIX: str = "ruche"
    LIVE_PING_S: float = 20
    LIVE_SEND_QUEUE: int = 100
    LIVE_SEND_TIMEOUT_S: float = 5
    LIVE_MAX_MESSAGE_BYTES: int = 64 * 1024
    LIVE_MESSAGES_PER_MIN: int = 100
    LIVE_SOCKETS_PER_MEMBER: int = 10
    LIVE_POLL_S: float = 1.0  # relays re-read the outbox this often even without a wake-up
    LIVE_GAP_WAIT_S: float = 3.0  # how long outbox readers wait for a late-committing activity id (PostgreSQL)
    LIVE_AUTH_CHECK_S: float = 5.0  # revoked tokens / deactivated members: sockets closed within this delay

    # Search
    SEARCH_INDEXER: Literal["auto", "off"] = "auto"  # auto: the process holding the lock writes the index
    SEARCH_RATE_PER_USER_PER_MIN: int = 30

    # Observability (app/observability): GET /metrics exists only with a token; log lines as text or JSON objects.
    METRICS_TOKEN: SecretStr | None = None
    LOG_FORMAT: Literal["text", "json"] = "text"

    @field_validator("DEFAULT_TIME_ZONE")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        return valid_time_zone(value)

    @field_validator("ALLOWED_EMAIL_DOMAINS", "TRUSTED_PROXIES", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str) and not value.startswith("["):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @property
    def public_origin(self) -> str:
        """Where links in e-mails point: `BASE_URL`, else `ruche serve`'s default address. Never the request's Host
        header, which the sender of a password-reset request chooses: the link, and its token, would go to their
        site."""
        return (self.BASE_URL or DEFAULT_PUBLIC_ORIGIN).rstrip("/")

    @property
    def rate_limits_on(self) -> bool:
        return self.RATE_LIMITS == "on"

    @property
    def database_url(self) -> str:
        """The async SQLAlchemy URL: the app picks its own driver for a plain URL."""
        url = self.DATABASE_URL or f"sqlite:///{(self.DATA_DIR / 'ruche.db').resolve()}"
        return async_url(url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def secret_key(self) -> str:
        """The configured key, else one generated once into the data folder; refuses weak keys."""
        if self.SECRET_KEY is not None:
            key = self.SECRET_KEY.get_secret_value()
        else:
            key = _data_dir_secret(self.DATA_DIR)
        if len(key.encode()) < MIN_SECRET_BYTES or key.lower() in KNOWN_BAD_SECRETS:
            raise ValueError("RUCHE_SECRET_KEY must be at least 32 random bytes")
        return key


@lru_cache
def _data_dir_secret(data_dir: Path) -> str:
    """Generated once into the data folder, then read once per process (every token decode and CSRF field needs
    it: cached on the path as given, so a call costs no file system access)."""
    path = data_dir.resolve() / SECRET_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def async_url(url: str) -> str:
    """Map a plain database URL to the async driver Ruche uses."""
    for prefix, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql+psycopg://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(prefix):
            return driver + url[len(prefix):]
    return url


def metrics_multiprocess_dir() -> str | None:
    """prometheus-client's own variable (it reads it itself when it is imported): `ruche serve` sets it for its
    workers, so that their metrics are summed in one folder (app/observability/metrics.py)."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


@lru_cache
def get_settings() -> Settings:
    return Settings()
