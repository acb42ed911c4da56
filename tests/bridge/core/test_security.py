"""Security middleware on a small app of its own: headers, body limit, rate limits, CORS, settings."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from bridge.core.config import Settings
from bridge.core.security import (
    BODY_TOO_LARGE_MESSAGE,
    RATE_LIMITED_MESSAGE,
    content_security_policy,
    install_security,
)

ORIGIN = "https://www.gemeente-voorbeeld.nl"


class MessageIn(BaseModel):
    text: str


def make_settings(**overrides: Any) -> Settings:
    """Settings from arguments only (no environment, no .env)."""
    values: dict[str, Any] = {
        "cors_allowed_origins": [],
        "frame_ancestors": [],
        "tls_enabled": False,
        "max_body_bytes": 1024,
        "rate_limit_enabled": True,
        "rate_limit_per_client": "100/minute",
        "rate_limit_per_conversation": "100/minute",
        "rate_limit_new_conversations": "100/minute",
        "rate_limit_storage_uri": "memory://",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def make_app(settings: Settings) -> FastAPI:
    """A stand-in with the shape of the bridge's public routes."""
    app = FastAPI()

    @app.post("/api/conversations", status_code=201)
    def create_conversation() -> dict[str, str]:
        return {"id": str(uuid.uuid4())}

    @app.post("/api/conversations/{conversation_id}/messages")
    def post_message(conversation_id: str, message: MessageIn) -> dict[str, Any]:
        return {"replies": [{"text": f"ontvangen: {len(message.text)}"}]}

    @app.get("/api/conversations/{conversation_id}")
    def read_conversation(conversation_id: str) -> dict[str, str]:
        return {"id": conversation_id}

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return "<!doctype html><title>Elke Deur</title>"

    @app.get("/widget")
    def widget() -> PlainTextResponse:
        return PlainTextResponse("widget", headers={"Content-Security-Policy": "frame-ancestors *"})

    install_security(app, settings)
    return app


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(make_app(make_settings())) as test_client:
        yield test_client


def chunks(total: int, size: int = 256) -> Iterator[bytes]:
    """A body without Content-Length (chunked transfer)."""
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"a" * piece


# --- headers --------------------------------------------------------------------------------


def test_security_headers_on_pages_api_and_errors(client: TestClient) -> None:
    for response in (
        client.get("/"),
        client.get("/api/conversations/abc"),
        client.get("/bestaat-niet"),
        client.post("/api/conversations/abc/messages", json={}),  # 422
    ):
        headers = response.headers
        assert headers["content-security-policy"] == (
            "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; "
            "object-src 'none'; base-uri 'self'"
        )
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "camera=()" in headers["permissions-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in headers


def test_api_responses_are_not_cached(client: TestClient) -> None:
    assert client.get("/api/conversations/abc").headers["cache-control"] == "no-store"
    assert "cache-control" not in client.get("/").headers


def test_route_can_set_its_own_csp(client: TestClient) -> None:
    assert client.get("/widget").headers["content-security-policy"] == "frame-ancestors *"


def test_frame_ancestors_from_settings() -> None:
    settings = make_settings(frame_ancestors=[ORIGIN, "https://werk.example.nl"])
    with TestClient(make_app(settings)) as client:
        headers = client.get("/").headers
    assert f"frame-ancestors {ORIGIN} https://werk.example.nl;" in headers["content-security-policy"]
    assert "x-frame-options" not in headers
    assert content_security_policy([]).count("frame-ancestors 'none'") == 1
    assert "frame-ancestors 'self';" in content_security_policy(
        make_settings(frame_ancestors=["'self'"]).frame_ancestors
    )


def test_hsts_only_over_tls() -> None:
    app = make_app(make_settings())
    with TestClient(app, base_url="https://testserver") as client:
        assert client.get("/").headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    with TestClient(make_app(make_settings(tls_enabled=True))) as client:
        assert "strict-transport-security" in client.get("/").headers


# --- body size ------------------------------------------------------------------------------


def test_body_within_limit_passes(client: TestClient) -> None:
    response = client.post("/api/conversations/abc/messages", json={"text": "a" * 900})
    assert response.status_code == 200


def test_declared_large_body_is_refused_with_dutch_413(client: TestClient) -> None:
    response = client.post("/api/conversations/abc/messages", json={"text": "a" * 5000})
    assert response.status_code == 413
    assert response.json() == {"detail": BODY_TOO_LARGE_MESSAGE}
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/api/conversations/abc/messages", "/raw"])
def test_chunked_large_body_is_refused_with_dutch_413(client: TestClient, path: str) -> None:
    response = client.post(path, content=chunks(4096), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"detail": BODY_TOO_LARGE_MESSAGE}


def test_chunked_small_body_passes(client: TestClient) -> None:
    assert client.post("/raw", content=chunks(1000)).json() == {"length": 1000}


def test_lying_content_length_cannot_sneak_past(client: TestClient) -> None:
    # A small declared length with a large chunked body is still counted as it arrives.
    response = client.post("/raw", content=chunks(4096), headers={"Content-Length": "10"})
    assert response.status_code == 413


# --- rate limits ----------------------------------------------------------------------------


def post(client: TestClient, conversation: str) -> int:
    return client.post(f"/api/conversations/{conversation}/messages", json={"text": "hoi"}).status_code


def test_rate_limit_per_conversation() -> None:
    app = make_app(make_settings(rate_limit_per_conversation="3/minute"))
    with TestClient(app) as client:
        assert [post(client, "conv-a") for _ in range(3)] == [200, 200, 200]
        response = client.post("/api/conversations/conv-a/messages", json={"text": "hoi"})
        assert response.status_code == 429
        assert response.json() == {"detail": RATE_LIMITED_MESSAGE}
        assert 1 <= int(response.headers["retry-after"]) <= 61
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert post(client, "conv-b") == 200  # another conversation is not affected
        assert client.get("/api/conversations/conv-a").status_code == 200  # reading is not limited


def test_rate_limit_per_client_address() -> None:
    app = make_app(make_settings(rate_limit_per_client="5/minute"))
    with TestClient(app, client=("10.0.0.1", 1000)) as first, TestClient(app, client=("10.0.0.2", 1000)) as second:
        statuses = [post(first, f"conv-{i}") for i in range(6)]
        assert statuses == [200] * 5 + [429]
        assert post(second, "conv-x") == 200


def test_rate_limit_on_new_conversations() -> None:
    app = make_app(make_settings(rate_limit_new_conversations="2/minute"))
    with TestClient(app) as client:
        assert [client.post("/api/conversations").status_code for _ in range(3)] == [201, 201, 429]


def test_rate_limits_can_be_switched_off() -> None:
    app = make_app(make_settings(rate_limit_enabled=False, rate_limit_per_conversation="1/minute"))
    with TestClient(app) as client:
        assert [post(client, "conv-a") for _ in range(3)] == [200, 200, 200]


def test_rate_limit_log_has_no_conversation_id(caplog: pytest.LogCaptureFixture) -> None:
    conversation = str(uuid.uuid4())
    app = make_app(make_settings(rate_limit_per_conversation="1/minute"))
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="elkedeur.events"):
        post(client, conversation)
        assert post(client, conversation) == 429
    (record,) = [r for r in caplog.records if getattr(r, "event_id", None) == "ED-6000"]
    assert record.event_fields == {  # type: ignore[attr-defined]
        "scope": "conversation",
        "path": "/api/conversations/{id}/messages",
        "limit": "1 per 1 minute",
    }
    assert conversation not in caplog.text


# --- CORS -----------------------------------------------------------------------------------


def test_cors_only_for_configured_origins() -> None:
    app = make_app(make_settings(cors_allowed_origins=[ORIGIN]))
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    with TestClient(app) as client:
        allowed = client.options("/api/conversations", headers={"Origin": ORIGIN, **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
        assert "access-control-allow-credentials" not in allowed.headers
        denied = client.options("/api/conversations", headers={"Origin": "https://evil.example", **preflight})
        assert denied.status_code == 400
        assert "access-control-allow-origin" not in denied.headers
        simple = client.get("/api/conversations/x", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in simple.headers


def test_no_cors_headers_without_configured_origins(client: TestClient) -> None:
    response = client.get("/api/conversations/x", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers


# --- settings -------------------------------------------------------------------------------


def test_settings_read_comma_separated_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"{ORIGIN}, http://localhost:8000")
    monkeypatch.setenv("FRAME_ANCESTORS", f'["{ORIGIN}"]')
    monkeypatch.setenv("MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("RATE_LIMIT_PER_CONVERSATION", "5/second")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.cors_allowed_origins == [ORIGIN, "http://localhost:8000"]
    assert settings.frame_ancestors == [ORIGIN]
    assert settings.max_body_bytes == 2048
    assert settings.rate_limit_per_conversation == "5/second"


@pytest.mark.parametrize(
    "field, value",
    [
        ("cors_allowed_origins", ["*"]),
        ("frame_ancestors", ["https://a.nl; script-src *"]),
        ("cors_allowed_origins", ["'self'"]),
        ("frame_ancestors", ["*"]),
        ("rate_limit_per_client", "veel"),
    ],
)
def test_settings_refuse_unsafe_values(field: str, value: Any) -> None:
    with pytest.raises(ValidationError):
        make_settings(**{field: value})


def test_a_connector_with_the_service_token_is_exempt_from_per_address_limits() -> None:
    """Telegram relays every chat from one address; only the per-conversation limit applies to it."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    app = FastAPI()

    @app.post("/api/conversations")
    def create() -> dict[str, str]:
        return {"id": "x"}

    install_security(
        app, make_settings(rate_limit_new_conversations="2/minute", bridge_service_token="connector-token")
    )
    client = TestClient(app)
    trusted = {"Authorization": "Bearer connector-token"}
    assert [client.post("/api/conversations", headers=trusted).status_code for _ in range(4)] == [200] * 4
    assert [client.post("/api/conversations").status_code for _ in range(3)] == [200, 200, 429]
    wrong = {"Authorization": "Bearer guessed"}
    assert client.post("/api/conversations", headers=wrong).status_code == 429
