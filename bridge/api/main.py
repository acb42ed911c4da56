"""All API routers of the bridge."""

from __future__ import annotations

from fastapi import APIRouter

from bridge.api.routes import arrangeur, conversations, events, handoffs, health, regelingen, rekenhulp, staff

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(conversations.router)
api_router.include_router(handoffs.router)
api_router.include_router(handoffs.internal_router)
# Staff accounts, console API and live events (issue 6).
api_router.include_router(events.router)
api_router.include_router(events.internal_router)
api_router.include_router(staff.router)
# Knowledge base and arrangeur rules (issue 5).
api_router.include_router(regelingen.router)
api_router.include_router(arrangeur.router)
api_router.include_router(rekenhulp.router)
