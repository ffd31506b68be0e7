"""Request-scoped dependencies shared by API routes and pages."""

import ipaddress
from typing import Annotated

from fastapi import Depends, Path, Query, Request

from app.config import Settings
from app.ratelimit import Limiter
from app.schemas import DEFAULT_LIMIT, MAX_LIMIT


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _limiter(request: Request) -> Limiter:
    return request.app.state.limiter  # type: ignore[no-any-return]


def client_ip(request: Request) -> str:
    """The socket's peer; forwarded headers count only when that peer is a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    trusted = request.app.state.settings.TRUSTED_PROXIES
    if trusted and _in_networks(peer, trusted):
        forwarded = request.headers.get("x-forwarded-for", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        while hops and _in_networks(hops[-1], trusted):
            hops.pop()
        if hops:
            return hops[-1]
    return peer


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


SettingsDep = Annotated[Settings, Depends(_settings)]
LimiterDep = Annotated[Limiter, Depends(_limiter)]
ClientIP = Annotated[str, Depends(client_ip)]
Cursor = Annotated[str | None, Query(max_length=500)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
DEFAULT_PAGE = DEFAULT_LIMIT
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]
