"""Bearer and CSRF token comparison, written once (bridge/core/tokens.py)."""

from __future__ import annotations

import pytest

from bridge.core.tokens import bearer_matches, bearer_token, token_matches


def test_the_bearer_token_is_taken_from_the_header() -> None:
    assert bearer_token("Bearer abc123") == "abc123"
    assert bearer_token(None) == ""


@pytest.mark.parametrize(
    ("authorization", "expected", "matches"),
    [
        ("Bearer geheim", "geheim", True),
        ("Bearer geheim2", "geheim", False),
        ("Bearer ", "geheim", False),
        (None, "geheim", False),
        ("Bearer ", "", False),  # an unset secret never matches, not even an empty token
        (None, "", False),
    ],
)
def test_bearer_matches_only_the_configured_secret(authorization: str | None, expected: str, matches: bool) -> None:
    assert bearer_matches(authorization, expected) is matches


def test_csrf_tokens_compare_exactly() -> None:
    assert token_matches("abc", "abc")
    assert not token_matches("abd", "abc")
    assert not token_matches(None, "abc")
    assert not token_matches("", "")
