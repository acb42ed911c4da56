"""HTTP hardening of the bridge: security headers, body size limit, rate limits and CORS.

`install_security(app, settings)` adds all of it; the settings are in bridge/core/config.py. Each part is a pure ASGI middleware (no
BaseHTTPMiddleware: it buffers and breaks streaming), so it also guards mounted apps such as
the web chat's static files and the staff console.

Behind a reverse proxy, run uvicorn with `--proxy-headers --forwarded-allow-ips=<proxy>` so
the client address (rate limits) and the scheme (HSTS) are the real ones.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from typing import Any, Protocol

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse
from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bridge.core.logging import log_event
from bridge.core.tokens import bearer_matches

BODY_TOO_LARGE_MESSAGE = "Uw bericht is te groot. Maak het korter en probeer het opnieuw."
RATE_LIMITED_MESSAGE = "U stuurt veel berichten kort na elkaar. Wacht even en probeer het dan opnieuw."
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), accelerometer=(), gyroscope=(), magnetometer=()"
)
_MESSAGES_PATH = re.compile(r"^/api/conversations/(?P<conversation>[^/]+)/messages/?$")
_CALLBACK_PATH = re.compile(r"^/api/conversations/(?P<conversation>[^/]+)/terugbelverzoek/?$")
_CONVERSATIONS_PATH = re.compile(r"^/api/conversations/?$")
_NO_STORE_PREFIXES = ("/api/", "/internal/", "/console", "/plan/")


class SecurityConfig(Protocol):
    """The settings `install_security` reads (bridge.core.config.Settings)."""

    cors_allowed_origins: list[str]
    frame_ancestors: list[str]
    tls_enabled: bool
    hsts_max_age: int
    max_body_bytes: int
    rate_limit_enabled: bool
    rate_limit_per_client: str
    rate_limit_per_conversation: str
    rate_limit_new_conversations: str
    rate_limit_storage_uri: str
    bridge_service_token: str


def content_security_policy(frame_ancestors: Sequence[str]) -> str:
    """The CSP: only our own scripts and styles, no plugins, framing only where configured."""
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"frame-ancestors {ancestors}; object-src 'none'; base-uri 'self'"
    )


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    """Send a small JSON response straight over ASGI."""
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    raw = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class SecurityHeadersMiddleware:
    """Adds CSP, nosniff, referrer and permissions policy, and HSTS over TLS, to every response."""

    def __init__(
        self,
        app: ASGIApp,
        frame_ancestors: Sequence[str] = (),
        tls_enabled: bool = False,
        hsts_max_age: int = 31_536_000,
    ) -> None:
        self.app = app
        self.tls_enabled = tls_enabled
        self.headers = {
            "Content-Security-Policy": content_security_policy(frame_ancestors),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Permissions-Policy": PERMISSIONS_POLICY,
        }
        if not frame_ancestors:
            self.headers["X-Frame-Options"] = "DENY"  # for browsers without frame-ancestors
        self.hsts = f"max-age={hsts_max_age}; includeSubDomains"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        over_tls = self.tls_enabled or scope.get("scheme") == "https"
        no_store = scope["path"].startswith(_NO_STORE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    # A route may set its own (stricter or wider) value; keep it.
                    headers.setdefault(name, value)
                if over_tls:
                    headers.setdefault("Strict-Transport-Security", self.hsts)
                if no_store:
                    # Transcripts and cases must not stay in browser or proxy caches.
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body grows past the limit (FastAPI re-raises HTTPExceptions)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail=BODY_TOO_LARGE_MESSAGE)


class BodySizeLimitMiddleware:
    """Answers 413 with a Dutch message when a request body is larger than `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int = 65_536) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            # Refuse before reading a byte of it.
            log_event("ED-6001", path=path_label(scope["path"]), length=declared, limit=self.max_bytes)
            await _send_json(send, 413, {"detail": BODY_TOO_LARGE_MESSAGE}, {"Connection": "close"})
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            # Chunked bodies without Content-Length end up here when nothing handled it on the way.
            if started:
                raise
            log_event("ED-6001", path=path_label(scope["path"]), length=received, limit=self.max_bytes)
            await _send_json(send, 413, {"detail": BODY_TOO_LARGE_MESSAGE}, {"Connection": "close"})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def path_label(path: str) -> str:
    """The path with conversation ids and plan link tokens replaced, so logs carry no identifiers."""
    path = re.sub(r"^/plan/[^/]+", "/plan/{token}", path)  # the plan's capability token (issue 15)
    return re.sub(r"[0-9a-fA-F]{8}-[0-9a-fA-F-]{27,}", "{id}", path)[:80]


def build_limiter(settings: SecurityConfig) -> Limiter:
    """A slowapi Limiter holding the counters (moving window) in the configured storage."""
    return Limiter(
        key_func=get_remote_address,
        storage_uri=settings.rate_limit_storage_uri,
        strategy="moving-window",
        enabled=settings.rate_limit_enabled,
    )


class RateLimitMiddleware:
    """Every rate limit of the public API: posting messages and callback requests (per client and per
    conversation; callback requests have counters of their own) and new conversations (per client).

    Uses slowapi's Limiter and key function; slowapi's own decorator would need edits in every
    route and its middleware is BaseHTTPMiddleware, so the check runs here, keyed on the path.
    """

    def __init__(
        self,
        app: ASGIApp,
        limiter: Limiter,
        per_client: str = "60/minute",
        per_conversation: str = "20/minute",
        new_conversations: str = "10/minute",
        trusted_token: str = "",
    ) -> None:
        self.app = app
        # A connector (e.g. Telegram) relays every chat from one address: with the service
        # token it is exempt from the per-address limits, not from the per-conversation one.
        self.trusted_token = trusted_token
        self.limiter = limiter
        self.per_client = parse(per_client)
        self.per_conversation = parse(per_conversation)
        self.new_conversations = parse(new_conversations)

    def _checks(self, scope: Scope) -> list[tuple[str, RateLimitItem, tuple[str, ...]]]:
        if scope["type"] != "http" or scope["method"] != "POST":
            return []
        client = get_remote_address(Request(scope))
        trusted = self._is_trusted_connector(scope)
        match = _MESSAGES_PATH.match(scope["path"])
        if match:
            per_conversation = (
                "conversation",
                self.per_conversation,
                ("messages", "conversation", match["conversation"]),
            )
            if trusted:
                return [per_conversation]
            return [("client", self.per_client, ("messages", "client", client)), per_conversation]
        match = _CALLBACK_PATH.match(scope["path"])
        if match:
            # The same limits as messages, counted apart (nobody relays callback requests).
            return [
                ("client", self.per_client, ("terugbelverzoek", "client", client)),
                ("conversation", self.per_conversation, ("terugbelverzoek", "conversation", match["conversation"])),
            ]
        if _CONVERSATIONS_PATH.match(scope["path"]) and not trusted:
            return [("new_conversation", self.new_conversations, ("conversations", "client", client))]
        return []

    def _is_trusted_connector(self, scope: Scope) -> bool:
        authorization = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
        return bearer_matches(authorization, self.trusted_token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.limiter.enabled:
            await self.app(scope, receive, send)
            return
        for label, item, identifiers in self._checks(scope):
            strategy = self.limiter.limiter
            if not strategy.hit(item, *identifiers):
                reset_at = strategy.get_window_stats(item, *identifiers).reset_time
                retry_after = max(1, int(reset_at - time.time()) + 1)
                log_event("ED-6000", scope=label, path=path_label(scope["path"]), limit=str(item))
                await _send_json(send, 429, {"detail": RATE_LIMITED_MESSAGE}, {"Retry-After": str(retry_after)})
                return
        await self.app(scope, receive, send)


def install_security(app: FastAPI, settings: SecurityConfig) -> Limiter:
    """Add headers, CORS, body limit and rate limits to `app`; returns the limiter (tests reset it)."""
    limiter = build_limiter(settings)
    app.state.limiter = limiter
    # add_middleware puts each new one outside the previous: innermost first.
    app.add_middleware(
        RateLimitMiddleware,
        limiter=limiter,
        per_client=settings.rate_limit_per_client,
        per_conversation=settings.rate_limit_per_conversation,
        new_conversations=settings.rate_limit_new_conversations,
        trusted_token=settings.bridge_service_token,
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_exception_handler(BodyTooLarge, _body_too_large_handler)
    if settings.cors_allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_allowed_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "Authorization"],
            allow_credentials=False,
            max_age=600,
        )
    # Outermost, so 413/429 answers and CORS preflights get the headers too.
    app.add_middleware(
        SecurityHeadersMiddleware,
        frame_ancestors=list(settings.frame_ancestors),
        tls_enabled=settings.tls_enabled,
        hsts_max_age=settings.hsts_max_age,
    )
    return limiter


async def _body_too_large_handler(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI turns BodyTooLarge raised while parsing into this 413 (Dutch detail)."""
    log_event("ED-6001", path=path_label(request.url.path))
    return JSONResponse({"detail": BODY_TOO_LARGE_MESSAGE}, status_code=413, headers={"Connection": "close"})


__all__: list[str] = [
    "BODY_TOO_LARGE_MESSAGE",
    "RATE_LIMITED_MESSAGE",
    "BodySizeLimitMiddleware",
    "BodyTooLarge",
    "RateLimitMiddleware",
    "SecurityHeadersMiddleware",
    "build_limiter",
    "content_security_policy",
    "install_security",
]
