"""Mijn plan (issue 15): create, find by link, change (a new version each time), revoke.

The link is a capability URL `/plan/<token>`: 256 random bits (URL-safe base64), shown once to the
person and stored only as its SHA-256. A new link replaces (revokes) the previous one. The token
is never logged or stored in a message.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.knowledge.loader import KnowledgeBase
from bridge.models import Conversation, HandoffCase, Plan, PlanVersie, StaffAccount
from bridge.models.base import utcnow
from bridge.services import plan_content
from bridge.services.rasa_client import RasaClient, RasaUnavailable
from bridge.services.staff import audit

TOKEN_BYTES = 32  # 256 bits
PLAN_PATH = "/plan/"
MAX_AFSPRAAK = 2000  # the same limit as a chat message
MAX_WIE = 200


class NoAdviceYet(Exception):
    """The person has had no advice yet: nothing to put in a plan."""


@dataclass
class Issued:
    """A plan with its new link; the token exists only in this object and in the person's hands."""

    plan: Plan
    token: str

    @property
    def path(self) -> str:
        return f"{PLAN_PATH}{self.token}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(token: str) -> bool:
    """43 URL-safe base64 characters (32 bytes); anything else is not worth a database lookup."""
    return len(token) == 43 and all(c.isalnum() or c in "-_" for c in token)


def by_token(session: Session, token: str) -> Plan | None:
    """The plan this link opens, or None (unknown, revoked or malformed)."""
    if not looks_like_token(token):
        return None
    return session.scalar(select(Plan).where(Plan.token_hash == hash_token(token)))


def for_conversation(session: Session, conversation_id: str) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.conversation_id == conversation_id))


def latest(plan: Plan) -> PlanVersie:
    return plan.versies[-1]


def intake_for(session: Session, rasa: RasaClient | None, conversation: Conversation) -> dict[str, Any]:
    """What the bridge knows of the person: Rasa's slots, completed by the newest case's intake."""
    slots: dict[str, Any] = {}
    if rasa is not None:
        try:
            slots = rasa.slots(conversation.id)
        except RasaUnavailable:
            slots = {}
    case = session.scalar(
        select(HandoffCase)
        .where(HandoffCase.conversation_id == conversation.id)
        .order_by(HandoffCase.created_at.desc())
        .limit(1)
    )
    intake = plan_content.clean_intake(case.intake if case is not None else None)
    for name, value in plan_content.clean_intake(slots).items():
        intake[name] = value  # the bot's slots are newer than the handoff's copy
    return intake


def _add_version(session: Session, plan: Plan, inhoud: dict[str, Any], wijzigingen: list[str]) -> PlanVersie:
    nummer = plan.versies[-1].nummer + 1 if plan.versies else 1
    versie = PlanVersie(plan_id=plan.id, nummer=nummer, inhoud=inhoud, wijzigingen=wijzigingen, created_at=utcnow())
    plan.versies.append(versie)
    plan.updated_at = utcnow()
    return versie


def _new_token(plan: Plan) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    plan.token_hash = hash_token(token)
    plan.token_created_at = utcnow()
    return token


def ensure_plan(
    session: Session,
    kb: KnowledgeBase,
    conversation: Conversation,
    intake: dict[str, Any],
    today: dt.date,
    *,
    require_advice: bool = True,
) -> Plan:
    """The conversation's plan, made from the intake when it has none (NoAdviceYet before any advice)."""
    plan = for_conversation(session, conversation.id)
    if plan is not None:
        return plan
    if require_advice and not plan_content.has_advice(intake):
        raise NoAdviceYet
    plan = Plan(conversation_id=conversation.id, laatst_bekeken_versie=0)
    session.add(plan)
    inhoud = plan_content.build(kb, intake, today)
    _add_version(session, plan, inhoud, plan_content.changes(None, inhoud))
    session.flush()
    return plan


def issue_link(
    session: Session, kb: KnowledgeBase, conversation: Conversation, intake: dict[str, Any], today: dt.date
) -> Issued:
    """The person asks for their plan: made when missing, refreshed with new advice, with a new link
    (the previous link stops working). Commits."""
    existing = for_conversation(session, conversation.id)
    plan = ensure_plan(session, kb, conversation, intake, today)
    if existing is not None and plan_content.has_advice(intake):
        refresh(session, kb, plan, intake, today)
    token = _new_token(plan)
    session.commit()
    return Issued(plan, token)


def renew_link(session: Session, plan: Plan) -> Issued:
    """A new link for the plan; the old one stops working at once. Commits."""
    token = _new_token(plan)
    session.commit()
    return Issued(plan, token)


def revoke(session: Session, plan: Plan) -> None:
    """The link stops working; the plan stays (a new link can be asked for in the chat). Commits."""
    plan.token_hash = None
    plan.token_created_at = None
    session.commit()


def refresh(
    session: Session, kb: KnowledgeBase, plan: Plan, intake: dict[str, Any], today: dt.date
) -> PlanVersie | None:
    """New advice: a new version when the content changed (ticks and afspraken are kept). Flushes."""
    old = latest(plan).inhoud
    new = plan_content.carry_over(old, plan_content.build(kb, intake, today))
    new["gemaakt_op"] = old.get("gemaakt_op", new["gemaakt_op"])
    wijzigingen = plan_content.changes(old, new)
    if not wijzigingen:
        return None
    versie = _add_version(session, plan, new, wijzigingen)
    session.flush()
    return versie


def set_steps_done(session: Session, plan: Plan, klaar: set[str]) -> PlanVersie | None:
    """The person ticked steps: a new version when something changed; the person has seen it. Commits."""
    old = latest(plan).inhoud
    new = copy.deepcopy(old)
    for stap in new["stappen"]:
        stap["klaar"] = stap["id"] in klaar
    wijzigingen = plan_content.changes(old, new)
    if not wijzigingen:
        return None
    versie = _add_version(session, plan, new, wijzigingen)
    plan.laatst_bekeken_versie = versie.nummer
    session.commit()
    return versie


def add_afspraak(
    session: Session,
    plan: Plan,
    staff: StaffAccount,
    *,
    case: HandoffCase,
    wat: str,
    wie: str,
    wanneer: dt.date | None,
    address: str | None = None,
) -> PlanVersie:
    """A medewerker writes down an afspraak: a new version, audited. Commits."""
    old = latest(plan).inhoud
    new = copy.deepcopy(old)
    nummer = len(new.get("afspraken", [])) + 1
    new.setdefault("afspraken", []).append(
        plan_content.afspraak(
            nummer=nummer,
            wat=wat,
            wie=wie,
            wanneer=wanneer,
            organisatie=staff.organisation.name,
            gemaakt_op=utcnow(),
        )
    )
    versie = _add_version(session, plan, new, plan_content.changes(old, new))
    audit(
        session,
        staff,
        "plan_afspraak",
        case_id=case.id,
        conversation_id=case.conversation_id,
        address=address,
        detail={"versie": versie.nummer},
    )
    session.commit()
    return versie


def unseen_versions(plan: Plan) -> list[PlanVersie]:
    """Versions made after the person's last visit (none on the first visit)."""
    if plan.laatst_bekeken_versie == 0:
        return []
    return [v for v in plan.versies if v.nummer > plan.laatst_bekeken_versie]


def mark_seen(session: Session, plan: Plan) -> None:
    """The person has seen the newest version. Commits."""
    newest = latest(plan).nummer
    if plan.laatst_bekeken_versie != newest:
        plan.laatst_bekeken_versie = newest
        session.commit()
