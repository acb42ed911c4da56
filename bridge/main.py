"""The bridge application: public API, internal endpoints, web chat and staff console."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bridge.api.main import api_router
from bridge.console import routes as console
from bridge.core.config import PROJECT_ROOT, get_settings
from bridge.services.rasa_client import RasaClient

WEB_CHAT_DIR = PROJECT_ROOT / "connectors" / "web" / "static"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_token, settings.rasa_timeout_seconds)
    yield
    app.state.rasa.close()


def create_app() -> FastAPI:
    """Build the bridge; nothing connects until the app starts."""
    # The request URLs httpx logs may carry tokens; keep them out of the logs.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = FastAPI(title="Elke Deur bridge", version="0.1.0", lifespan=lifespan)
    app.include_router(api_router)
    # Staff console (issue 6): before the web chat's catch-all mount at "/".
    app.include_router(console.router)
    app.mount("/console/static", StaticFiles(directory=console.STATIC_DIR), name="console-static")
    app.mount("/", StaticFiles(directory=WEB_CHAT_DIR, html=True), name="webchat")
    return app
