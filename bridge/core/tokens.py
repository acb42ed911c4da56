"""Secret comparison, written once: bearer tokens and CSRF tokens, in constant time."""

from __future__ import annotations

import secrets


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header ("" when there is none)."""
    return (authorization or "").removeprefix("Bearer ").strip()


def token_matches(given: str | None, expected: str) -> bool:
    """True when `given` is `expected`; an empty expected secret never matches.

    compare_digest: no timing side channel on the secret.
    """
    return bool(expected) and bool(given) and secrets.compare_digest((given or "").encode(), expected.encode())


def bearer_matches(authorization: str | None, expected: str) -> bool:
    """True when the Authorization header carries the expected bearer token."""
    return token_matches(bearer_token(authorization), expected)
