"""Request-scoped dependencies shared by API routes and pages."""

import ipaddress
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from app.config import Settings
from app.ratelimit import Limiter, enforce
from app.runtime import Runtime
from app.schemas import DEFAULT_LIMIT, MAX_LIMIT

# Dependencies are `async def` even when they do not await: FastAPI runs a plain `def` one in its thread pool,
# and the hop there and back cost more than the rest of these lookups.

async def _runtime(request: Request) -> Runtime:
    return request.app.state.runtime


async def _settings(request: Request) -> Settings:
    return request.app.state.runtime.settings


async def _limiter(request: Request) -> Limiter:
    return request.app.state.runtime.limiter


def client_ip(request: Request) -> str:
    """The socket's peer; forwarded headers count only when that peer is a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    trusted = request.app.state.runtime.settings.TRUSTED_PROXIES
    if trusted and _in_networks(peer, trusted):
        # Each proxy appends the address it saw: walk from the right past our own proxies; what lies further
        # left was written by the client and proves nothing.
        hops = _forwarded_hops(request)
        while hops and _in_networks(hops[-1], trusted):
            hops.pop()
        if hops:
            return hops[-1]
    return peer


def _forwarded_hops(request: Request) -> list[str]:
    """Addresses from X-Forwarded-For, else from the standard Forwarded header (RFC 7239 `for=`)."""
    legacy = request.headers.get("x-forwarded-for", "")
    if legacy.strip():
        return [hop.strip() for hop in legacy.split(",") if hop.strip()]
    hops = []
    for element in request.headers.get("forwarded", "").split(","):
        for pair in element.split(";"):
            name, _, value = pair.strip().partition("=")
            if name.lower() == "for" and value.strip():
                hops.append(_without_port(value.strip().strip('"')))
    return hops


def _without_port(node: str) -> str:
    """'[2001:db8::1]:4711' -> '2001:db8::1', '192.0.2.43:47011' -> '192.0.2.43'."""
    if node.startswith("["):
        return node[1:].split("]", 1)[0]
    if node.count(":") == 1:
        return node.split(":", 1)[0]
    return node


def _in_networks(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for net in networks:
        try:
            if ip in ipaddress.ip_network(net, strict=False):
                return True
        except ValueError:
            continue
    return False


API_RATE_WINDOW_S = 60


async def limit_address(request: Request) -> None:
    """Unauthenticated API calls: API_RATE_PER_IP_PER_MIN per client address, then 429 + Retry-After."""
    runtime = request.app.state.runtime
    limit = runtime.settings.API_RATE_PER_IP_PER_MIN
    await enforce(runtime.limiter, f"api:ip:{client_ip(request)}", limit, API_RATE_WINDOW_S)


async def limit_member(request: Request, user_id: int) -> None:
    """Signed-in API calls: API_RATE_PER_USER_PER_MIN per member, whichever address they come from."""
    runtime = request.app.state.runtime
    limit = runtime.settings.API_RATE_PER_USER_PER_MIN
    await enforce(runtime.limiter, f"api:user:{user_id}", limit, API_RATE_WINDOW_S)


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
SettingsDep = Annotated[Settings, Depends(_settings)]
AddressRateLimit = Depends(limit_address)
LimiterDep = Annotated[Limiter, Depends(_limiter)]


async def _client_ip(request: Request) -> str:
    return client_ip(request)


ClientIP = Annotated[str, Depends(_client_ip)]
Cursor = Annotated[str | None, Query(max_length=500)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
DEFAULT_PAGE = DEFAULT_LIMIT
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
