"""The CSRF field's signature (app/csrf.py): one per cookie and secret key, kept per process for bounded cookies."""

import hashlib
import hmac
from types import SimpleNamespace
from typing import Any

from app import csrf
from app.runtime import Caches

CACHES = Caches()
SIGNED = CACHES.get(csrf.SIGNED_COOKIES)


def _request(secret: str, cookie: str = "") -> Any:
    runtime = SimpleNamespace(settings=SimpleNamespace(secret_key=lambda: secret), caches=CACHES)
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(runtime=runtime)),
                           cookies={csrf.COOKIE_NAME: cookie} if cookie else {}, state=SimpleNamespace())


def _hmac(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + value.encode(), hashlib.sha256).hexdigest()


KEY_A, KEY_B = "a" * 40, "b" * 40
COOKIE = "c" * 43


def test_signature_is_the_hmac_of_the_cookie_and_is_kept() -> None:
    CACHES.reset()
    assert csrf._sign(_request(KEY_A), COOKIE) == _hmac(KEY_A, COOKIE)
    assert SIGNED == {(KEY_A, COOKIE): _hmac(KEY_A, COOKIE)}
    assert csrf._sign(_request(KEY_A), COOKIE) == _hmac(KEY_A, COOKIE)


def test_another_secret_key_signs_the_same_cookie_differently() -> None:
    CACHES.reset()
    first, second = csrf._sign(_request(KEY_A), COOKIE), csrf._sign(_request(KEY_B), COOKIE)
    assert first != second and second == _hmac(KEY_B, COOKIE)


def test_a_long_cookie_is_signed_but_not_kept() -> None:
    CACHES.reset()
    long_cookie = "x" * (csrf.MAX_COOKIE + 1)
    assert csrf._sign(_request(KEY_A), long_cookie) == _hmac(KEY_A, long_cookie)
    assert SIGNED == {}


def test_the_kept_signatures_are_bounded() -> None:
    CACHES.reset()
    for n in range(csrf.MAX_SIGNED + 5):
        csrf._sign(_request(KEY_A), f"cookie-{n:040d}")
    assert 0 < len(SIGNED) <= csrf.MAX_SIGNED
    assert csrf._sign(_request(KEY_A), "cookie-0" + "0" * 39) == _hmac(KEY_A, "cookie-0" + "0" * 39)


def test_the_field_carries_the_signature_of_the_browsers_cookie() -> None:
    request = _request(KEY_A, COOKIE)
    assert f'value="{_hmac(KEY_A, COOKIE)}"' in str(csrf.csrf_input(request))
    assert getattr(request.state, "csrf_new_cookie", None) is None
