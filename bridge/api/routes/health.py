"""Health of the bridge and of the processes it depends on."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Response, status
from sqlalchemy import text

from bridge.api.deps import RasaDep, SessionDep, SettingsDep

router = APIRouter(tags=["health"])


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@router.get("/health/live")
def live() -> dict[str, str]:
    """The process serves requests (liveness probe): restart it when this fails, nothing else."""
    return {"status": "ok"}


@router.get(
    "/health/ready",
    responses={503: {"model": dict[str, str], "description": "The database does not answer."}},
)
def ready(response: Response, session: SessionDep) -> dict[str, str]:
    """The bridge can take messages (readiness probe): its database answers. Rasa being down is not a
    reason to take the bridge out of the load balancer: it still stores messages and offers "vraag achterlaten"."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # any database error means "not ready", whatever the driver
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "gestoord", "database": "fout"}
    return {"status": "ok", "database": "ok"}


@router.get(
    "/health",
    responses={503: {"model": dict[str, str], "description": "Something does not answer; the body says what."}},
)
def health(response: Response, session: SessionDep, rasa: RasaDep, settings: SettingsDep) -> dict[str, str]:
    """`ok` when the database, Rasa and the action server all answer; 503 otherwise."""
    try:
        session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any database error means "not healthy", whatever the driver
        database = "fout"
    checks = {
        "bridge": "ok",
        "database": database,
        "rasa": "ok" if rasa.is_healthy() else "onbereikbaar",
        # Production profile: several action servers; one that answers is enough (Rasa pairs fail over).
        "actions": "ok" if any(_answers(f"{url}/health") for url in settings.actions_urls) else "onbereikbaar",
    }
    healthy = all(value == "ok" for value in checks.values())
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return {"status": "ok" if healthy else "gestoord", **checks}
