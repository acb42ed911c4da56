"""All API routers of the bridge."""

from __future__ import annotations

from fastapi import APIRouter

from bridge.api.routes import (
    arrangeur,
    conversations,
    events,
    handoffs,
    health,
    monitor,
    plannen,
    regelingen,
    rekenhulp,
    staff_accounts,
    staff_audit,
    staff_cases,
    staff_events,
    staff_organisations,
    staff_session,
    staff_templates,
)

api_router = APIRouter()
api_router.include_router(health.router)
api_router.include_router(conversations.router)
api_router.include_router(handoffs.router)
api_router.include_router(handoffs.internal_router)
# Staff accounts, console API and live events (issue 6).
api_router.include_router(events.router)
api_router.include_router(events.internal_router)
for staff_router in (
    staff_session.router,
    staff_cases.router,
    staff_organisations.router,
    staff_templates.router,
    staff_accounts.router,
    staff_audit.router,
    staff_events.router,
):
    api_router.include_router(staff_router)
# Knowledge base and arrangeur rules (issue 5).
api_router.include_router(regelingen.router)
api_router.include_router(arrangeur.router)
api_router.include_router(rekenhulp.router)
# Regiomonitor: aggregate figures for coördinatoren and beheerders (issue 16).
api_router.include_router(monitor.router)
# Mijn plan: a link to the person's plan (issue 15).
api_router.include_router(plannen.router)
