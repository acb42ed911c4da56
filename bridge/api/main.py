"""All API routers of the bridge."""

from __future__ import annotations

from fastapi import APIRouter

from bridge.api.routes import arrangeur, conversations, events, handoffs, health, monitor, regelingen, rekenhulp, staff
from bridge.api.routes import plannen

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
# Regiomonitor: aggregate figures for coördinatoren and beheerders (issue 16).
api_router.include_router(monitor.router)
# Mijn plan: a link to the person's plan (issue 15).
api_router.include_router(plannen.router)
