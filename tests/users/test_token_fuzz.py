"""Crafted tokens, correctly signed or not, are a 401 on the Bearer header, on the cookie (the API and the pages) and
a refused handshake on the websocket's `?token=`: never a 500 (issue 19, point 10)."""

import base64
import hashlib
import hmac
import json
import random
import time
from typing import Any

import httpx
import pytest
from jose import jwt

from tests.live.wsclient import ASGIWebSocket, Refused
from tests.users.test_tokens import KEY

ME = "/api/v1/users/me"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def signed(payload: bytes, header: bytes = b'{"alg":"HS256","typ":"JWT"}') -> str:
    """A token with a valid HS256 signature over any bytes: what only a holder of the key could make, so that the
    checks after the signature are reached."""
    head = f"{_b64(header)}.{_b64(payload)}"
    signature = hmac.new(KEY.encode(), head.encode(), hashlib.sha256).digest()
    return f"{head}.{_b64(signature)}"


def _claims(member: Any, **changes: Any) -> bytes:
    now = int(time.time())
    sid = jwt.get_unverified_claims(member.token)["sid"]
    claims: dict[str, Any] = {"sub": str(member.id), "sid": sid, "iat": now, "exp": now + 600}
    claims.update(changes)
    return json.dumps({k: v for k, v in claims.items() if v is not None}).encode()


def crafted(member: Any) -> dict[str, str]:
    now = int(time.time())
    return {
        "exp_negative": signed(_claims(member, exp=-1)),
        "exp_huge": signed(_claims(member, exp=10**30)),
        "exp_beyond_datetime": signed(_claims(member, exp=2**62)),
        "exp_float": signed(_claims(member, exp=now + 600.5)),
        "exp_nan": signed(_claims(member).replace(str(now + 600).encode(), b"NaN")),
        "exp_infinity": signed(_claims(member).replace(str(now + 600).encode(), b"Infinity")),
        "exp_string": signed(_claims(member, exp="tomorrow")),
        "exp_bool": signed(_claims(member, exp=True)),
        "exp_list": signed(_claims(member, exp=[now + 600])),
        "iat_huge": signed(_claims(member, iat=10**30)),
        "iat_string": signed(_claims(member, iat="now")),
        "iat_future": signed(_claims(member, iat=now + 10**6)),
        "sub_int": signed(_claims(member, sub=member.id)),
        "sub_list": signed(_claims(member, sub=[str(member.id)])),
        "sub_negative": signed(_claims(member, sub=f"-{member.id}")),
        "sub_spaces": signed(_claims(member, sub=f" {member.id} ")),
        "sub_leading_zeros": signed(_claims(member, sub="0" * 40 + str(member.id))),
        "sid_int": signed(_claims(member, sid=5)),
        "sid_null": signed(_claims(member).replace(b'"sid"', b'"sid_"')[:-1] + b', "sid": null}'),
        "sid_object": signed(_claims(member, sid={"$ne": ""})),
        "sid_nul": signed(_claims(member, sid="abc\x00def")),
        "sid_huge": signed(_claims(member, sid="s" * 100_000)),
        "sid_lone_surrogate": signed(_claims(member).replace(b'"sid": "', b'"sid": "\\ud800')),
        "sid_non_ascii": signed(_claims(member, sid="é" * 10)),
        "payload_array": signed(b"[1, 2, 3]"),
        "payload_string": signed(b'"sub"'),
        "payload_number": signed(b"42"),
        "payload_null": signed(b"null"),
        "payload_empty": signed(b""),
        "payload_not_utf8": signed(b'{"sub": "\xff\xfe", "sid": "x", "iat": 1, "exp": 99999999999}'),
        "payload_deeply_nested": signed(b'{"sub": "1", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        "payload_duplicate_keys": signed(_claims(member)[:-1] + b', "sub": "admin"}'),
        "header_alg_list": signed(_claims(member), header=b'{"alg":["HS256"],"typ":"JWT"}'),
        "header_alg_int": signed(_claims(member), header=b'{"alg":256}'),
        "header_array": signed(_claims(member), header=b'["HS256"]'),
        "header_not_utf8": signed(_claims(member), header=b'{"alg":"\xff"}'),
        "header_crit": signed(_claims(member), header=b'{"alg":"HS256","crit":["exp"]}'),
        "header_jwk": signed(_claims(member), header=b'{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}'),
        "alg_none_signed_claims": _b64(b'{"alg":"none"}') + "." + _b64(_claims(member)) + ".",
        "four_segments": signed(_claims(member)) + ".abc",
        "padding_in_segments": signed(_claims(member)).replace(".", "==.", 1),
        "signature_not_base64": signed(_claims(member)).rsplit(".", 1)[0] + ".!!!!",
        "non_ascii_token": "é" * 30,
        "spaces_inside": signed(_claims(member)).replace(".", " . "),
        "only_dots": "." * 5000,
    }


CRAFTED = [
    "exp_negative", "exp_huge", "exp_beyond_datetime", "exp_float", "exp_nan", "exp_infinity", "exp_string",
    "exp_bool", "exp_list", "iat_huge", "iat_string", "iat_future", "sub_int", "sub_list", "sub_negative",
    "sub_spaces", "sub_leading_zeros", "sid_int", "sid_null", "sid_object", "sid_nul", "sid_huge",
    "sid_lone_surrogate", "sid_non_ascii", "payload_array", "payload_string", "payload_number", "payload_null",
    "payload_empty", "payload_not_utf8", "payload_deeply_nested", "payload_duplicate_keys", "header_alg_list",
    "header_alg_int", "header_array", "header_not_utf8", "header_crit", "header_jwk", "alg_none_signed_claims",
    "four_segments", "padding_in_segments", "signature_not_base64", "non_ascii_token", "spaces_inside", "only_dots",
]
# Accepted on purpose: a header naming a critical claim or carrying a key is still HS256 with our key (the key in the
# header is never used). A float exp is a NumericDate (RFC 7519) but not what we issue: refused like other types.
VALID = {"header_crit", "header_jwk"}


def _segments(token: bytes) -> list[bytes] | None:
    try:
        return [base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4)) for part in token.split(b".")]
    except ValueError:
        return None


def _header_value(token: str) -> bytes:
    return token.encode("utf-8")


async def _api(client: httpx.AsyncClient, token: str, *, cookie: bool) -> httpx.Response:
    value = _header_value(token)
    headers = [(b"cookie", b"ruche_session=" + value)] if cookie else [(b"authorization", b"Bearer " + value)]
    return await client.get(ME, headers=headers)


class TestCraftedTokens:
    def test_the_table_is_complete(self, alice: Any) -> None:
        assert sorted(crafted(alice)) == sorted(CRAFTED)

    @pytest.mark.parametrize("name", CRAFTED)
    async def test_bearer_header(self, client: httpx.AsyncClient, alice: Any, name: str) -> None:
        r = await _api(client, crafted(alice)[name], cookie=False)
        assert r.status_code == (200 if name in VALID else 401), r.text

    @pytest.mark.parametrize("name", CRAFTED)
    async def test_cookie_on_the_api(self, client: httpx.AsyncClient, alice: Any, name: str) -> None:
        r = await _api(client, crafted(alice)[name], cookie=True)
        assert r.status_code == (200 if name in VALID else 401), r.text

    @pytest.mark.parametrize("name", CRAFTED)
    async def test_cookie_on_pages(self, client: httpx.AsyncClient, alice: Any, name: str) -> None:
        cookie = [(b"cookie", b"ruche_session=" + _header_value(crafted(alice)[name]))]
        page = await client.get("/notifications", headers=cookie)
        assert page.status_code == (200 if name in VALID else 303), page.text
        posted = await client.post("/posts", headers=cookie, data={"body": "hello"})
        assert posted.status_code < 500, posted.text

    @pytest.mark.parametrize("name", CRAFTED)
    async def test_websocket_query_token(self, app: Any, alice: Any, name: str) -> None:
        socket = ASGIWebSocket(app, token=crafted(alice)[name])
        if name in VALID:
            async with socket:
                return
        with pytest.raises(Refused) as refused:
            await socket.connect()
        assert refused.value.code == 4401


class TestRandomBytes:
    """Random tokens: nothing but a 401, whatever the bytes (a fixed seed, so a failure can be replayed)."""

    async def test_random_tokens_are_401(self, client: httpx.AsyncClient, alice: Any) -> None:
        rng = random.Random(19)
        good = alice.token.encode()
        for _ in range(300):
            shape = rng.randrange(3)
            if shape == 0:  # printable garbage of any length
                token = bytes(rng.randrange(0x21, 0x7F) for _ in range(rng.randrange(1, 400)))
            elif shape == 1:  # the real token with a few bytes changed
                token = bytearray(good)
                for _ in range(rng.randrange(1, 4)):
                    token[rng.randrange(len(token))] = rng.randrange(0x21, 0x7F)
                token = bytes(token)
            else:  # signed garbage: the checks after the signature see it
                token = signed(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 200)))).encode()
            if _segments(token) == _segments(good) or token.strip() != token:
                continue  # a change in a segment's last character may leave its bytes as they were
            for headers in ([(b"authorization", b"Bearer " + token)],
                            [(b"cookie", b"ruche_session=" + token.replace(b";", b"_"))]):
                r = await client.get(ME, headers=headers)
                assert r.status_code == 401, (token, r.status_code, r.text)
