"""All API routers of the bridge."""

from __future__ import annotations

from fastapi import APIRouter

from bridge.api.routes import conversations, handoffs, health

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(conversations.router)
api_router.include_router(handoffs.router)
api_router.include_router(handoffs.internal_router)
