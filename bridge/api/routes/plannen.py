"""POST /api/conversations/{id}/plan: the person asks for their plan (web chat button, Telegram /plan)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status

from bridge.api.deps import RasaDep, SessionDep, SettingsDep, conversation_or_404
from bridge.knowledge.deps import KnowledgeDep, TodayDep
from bridge.plan.routes import public_link
from bridge.schemas.errors import ErrorOut, errors
from bridge.schemas.plan import PlanLinkPublic
from bridge.services import plans

router = APIRouter(prefix="/api/conversations", tags=["plan"])

NO_ADVICE_YET = (
    "U heeft nog geen advies gekregen, dus er is nog geen plan om te bewaren. Vertel in de chat eerst wat uw "
    "situatie is. Daarna kunt u uw plan bewaren."
)


@router.post(
    "/{conversation_id}/plan",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanLinkPublic,
    responses={**errors(404), 409: {"model": ErrorOut, "description": "No advice yet: nothing to put in a plan."}},
)
def create_plan_link(
    conversation_id: str,
    request: Request,
    session: SessionDep,
    rasa: RasaDep,
    settings: SettingsDep,
    kb: KnowledgeDep,
    today: TodayDep,
) -> PlanLinkPublic:
    """Make the plan (or bring it up to date with the newest advice) and give a new link to it.

    Every call gives a new link and the previous one stops working: the token is stored only hashed,
    so the bridge cannot show an old link again.
    """
    conversation = conversation_or_404(session, conversation_id)
    intake = plans.intake_for(session, rasa, conversation)
    try:
        issued = plans.issue_link(session, kb, conversation, intake, today)
    except plans.NoAdviceYet:
        raise HTTPException(status.HTTP_409_CONFLICT, NO_ADVICE_YET) from None
    return PlanLinkPublic(
        url=public_link(request, settings, issued.path),
        pad=issued.path,
        pdf_url=public_link(request, settings, f"{issued.path}/pdf"),
        versie=plans.latest(issued.plan).nummer,
    )
