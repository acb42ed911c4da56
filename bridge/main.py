"""The bridge application: public API, internal endpoints, web chat and staff console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bridge.api.main import api_router
from bridge.console import routes as console
from bridge.core.config import PROJECT_ROOT, get_settings
from bridge.core.logging import configure_logging
from bridge.core.security import install_security
from bridge.services.rasa_client import RasaClient

WEB_CHAT_DIR = PROJECT_ROOT / "connectors" / "web" / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    configure_logging(pseudonym_key=settings.log_pseudonym_key or None)
    app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout_seconds)
    yield
    app.state.rasa.close()


def create_app() -> FastAPI:
    """Build the bridge; nothing connects until the app starts."""
    app = FastAPI(title="Elke Deur bridge", version="0.1.0", lifespan=lifespan, docs_url=None)
    install_security(app, get_settings())
    app.add_api_route("/docs", _api_docs, include_in_schema=False)
    app.include_router(api_router)
    # Staff console (issue 6): before the web chat's catch-all mount at "/".
    app.include_router(console.router)
    app.mount("/console/static", StaticFiles(directory=console.STATIC_DIR), name="console-static")
    app.mount("/", StaticFiles(directory=WEB_CHAT_DIR, html=True), name="webchat")
    return app


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
