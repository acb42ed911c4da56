"""The bridge application: public API, internal endpoints, web chat and staff console."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from bridge.api import errors as api_errors
from bridge.api.main import api_router
from bridge.console import monitor as console_monitor
from bridge.console import routes as console
from bridge.core.config import PROJECT_ROOT, get_settings
from bridge.core.db import get_engine
from bridge.core.logging import configure_logging, log_event
from bridge.core.security import install_security, path_label
from bridge.plan import render as plan_render
from bridge.plan import routes as plan_routes
from bridge.privacy.retention import start_retention, stop_retention
from bridge.privacy.tracker_store import RasaTrackerStore
from bridge.schemas.conversation import MAX_MESSAGE_LENGTH
from bridge.services.cases import CaseConflict
from bridge.services.events import set_event_hub
from bridge.services.events_redis import RedisEventHub
from bridge.services.rasa_pool import make_rasa_client

WEB_CHAT_DIR = PROJECT_ROOT / "connectors" / "web" / "static"
UNEXPECTED_ERROR = "Er ging iets mis bij ons. Probeert u het zo nog eens."


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    configure_logging(pseudonym_key=settings.log_pseudonym_key or None)
    # One Rasa server, or several in the production profile (round-robin with failover).
    app.state.rasa = make_rasa_client(
        settings.rasa_urls,
        settings.actions_urls,
        settings.rasa_token,
        settings.rasa_timeout_seconds,
        settings.rasa_retry_after_seconds,
    )
    # Several bridge workers: live events go through Redis so they reach every worker.
    event_hub = RedisEventHub(settings.redis_url) if settings.redis_url else None
    if event_hub is not None:
        set_event_hub(event_hub)
    # Erasure and retention (issue 8): Rasa's tracker store, and the retention job every interval.
    app.state.tracker_store = RasaTrackerStore.from_settings(settings)
    retention = start_retention(settings, get_engine(), app.state.tracker_store)
    log_event("ED-1000", environment=settings.environment, version=app.version)
    yield
    await stop_retention(retention)
    app.state.tracker_store.close()
    app.state.rasa.close()
    if event_hub is not None:
        await event_hub.aclose()
        set_event_hub(None)
    log_event("ED-1001")


def create_app() -> FastAPI:
    """Build the bridge; nothing connects until the app starts."""
    app = FastAPI(title="Elke Deur bridge", version="0.1.0", lifespan=lifespan, docs_url=None)
    install_security(app, get_settings())
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(CaseConflict, _case_conflict)
    app.add_exception_handler(Exception, _unexpected_error)
    app.add_api_route("/docs", _api_docs, include_in_schema=False)
    app.include_router(api_router)
    # Staff console (issue 6): before the web chat's catch-all mount at "/".
    app.include_router(console.router)
    app.include_router(console_monitor.router)  # Regiomonitor (issue 16)
    app.mount("/console/static", StaticFiles(directory=console.STATIC_DIR), name="console-static")
    # Mijn plan (issue 15): the person's plan at its capability link, and its static files.
    app.include_router(plan_routes.router)
    app.mount("/plan-static", StaticFiles(directory=plan_render.STATIC_DIR), name="plan-static")
    app.mount("/", StaticFiles(directory=WEB_CHAT_DIR, html=True), name="webchat")
    return app


async def _case_conflict(request: Request, exc: Exception) -> Response:
    """The one handler of CaseConflict: a console form goes back to its case page, the API answers 409."""
    if isinstance(exc, CaseConflict) and request.url.path.startswith("/console/"):
        return console.case_conflict(request, exc)
    return await api_errors.case_conflict(request, exc)


class _AsciiJSONResponse(JSONResponse):
    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422, written as ASCII JSON: a refused string may hold a lone surrogate (JSON
    "\\ud800"), which has no UTF-8 form, so FastAPI's own answer would fail with a 500."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    _log_message_too_long(request, errors)
    return _AsciiJSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def _log_message_too_long(request: Request, errors: Sequence[Any]) -> None:
    """ED-6003 when a user's message text is over the limit (the schema refuses it with a 422)."""
    conversation = request.path_params.get("conversation_id")
    if not isinstance(conversation, str) or not request.url.path.endswith("/messages"):
        return
    for error in errors:
        if error.get("type") in ("string_too_long", "too_long") and tuple(error.get("loc", ()))[-1:] in (
            ("text",),
            ("payload",),
        ):
            given = error.get("input")
            log_event(
                "ED-6003",
                conversation=conversation,
                length=len(given) if isinstance(given, str) else 0,
                limit=MAX_MESSAGE_LENGTH,
            )
            return


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    """Any exception no other handler took: logged by type and path only (ED-9001), then a plain 500."""
    log_event("ED-9001", path=path_label(request.url.path), error=type(exc).__name__)
    return JSONResponse({"detail": UNEXPECTED_ERROR}, status_code=500)


# Swagger UI loads its script from a CDN and starts with an inline script, which the strict CSP
# forbids; this page alone gets a CSP that allows exactly that (it shows no personal data).
_DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "frame-ancestors 'none'; object-src 'none'; base-uri 'self'"
)


def _api_docs() -> HTMLResponse:
    response = get_swagger_ui_html(openapi_url="/openapi.json", title="Elke Deur API")
    response.headers["Content-Security-Policy"] = _DOCS_CSP
    return response
