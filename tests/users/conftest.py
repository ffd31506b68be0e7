"""Fixtures for accounts tests: an admin registered first, then ordinary members."""

from typing import Any

import httpx
import pytest

from tests.smtp_server import mailbox  # noqa: F401  (a real SMTP server: e-mails of accounts)

PASSWORD = "correct horse battery"  # the password tests/conftest.py registers members with
Member = Any


@pytest.fixture
async def alice(admin: Member, register: Any) -> Member:
    return await register("Alice Martin", "alice@example.com")


@pytest.fixture
async def bob(alice: Member, register: Any) -> Member:
    return await register("Bob Durand", "bob@example.com")


@pytest.fixture
def sign_in(client: httpx.AsyncClient) -> Any:
    """POST the token form, optionally as if from another address behind a trusted proxy."""

    async def post(email: str, password: str = PASSWORD, ip: str | None = None) -> httpx.Response:
        headers = {"X-Forwarded-For": ip} if ip else {}
        return await client.post("/api/v1/auth/token", data={"username": email, "password": password}, headers=headers)

    return post


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
