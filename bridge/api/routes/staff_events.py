"""Staff API, live events: the console's WebSocket for my queue and one case."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, WebSocket, status

from bridge.api.staff_auth import optional_staff_session
from bridge.api.websockets import pump, same_origin
from bridge.core.db import get_sessionmaker
from bridge.services import cases, events

router = APIRouter(prefix="/api/staff", tags=["staff"])


def _ws_staff(websocket: WebSocket, case_id: str | None) -> tuple[str, str, str | None] | None:
    """(staff id, queue, conversation id of the case) for a valid session, else None."""
    with get_sessionmaker()() as session:
        staff_session = optional_staff_session(websocket, session)
        if staff_session is None:
            return None
        staff = staff_session.staff
        conversation_id = None
        if case_id:
            try:
                conversation_id = cases.get_case_for(session, staff, case_id).conversation_id
            except cases.CaseNotFound:
                return None
        return staff.id, staff.organisation.name, conversation_id


@router.websocket("/events")
async def staff_events(websocket: WebSocket, case: str | None = None) -> None:
    """Live console updates: case changes in my queue, and (with ?case=) that case's messages."""
    if not same_origin(websocket):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    who = await to_thread.run_sync(_ws_staff, websocket, case)
    if who is None:
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    _, queue, conversation_id = who
    topics = [events.queue_topic(queue)]
    if conversation_id:
        topics.append(events.conversation_topic(conversation_id))
    async with events.get_event_hub().subscribe(*topics) as subscription:
        await websocket.accept()
        await pump(websocket, subscription)
