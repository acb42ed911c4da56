"""The facts of one day's conversations, reduced to codes: what the roll-up counts.

Sources, all already stored: the conversation (channel, start), its handoff cases (reden, intake,
outcome, times), the audit log (first claim, transfers) and Rasa's tracker store (slots, the
intake question asked last, whether the intake form finished, messages Rasa did not understand).
Every value is checked against a fixed list; anything else counts as unknown.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.knowledge.dates import is_ended
from bridge.knowledge.loader import KnowledgeBase
from bridge.models import AuditLog, Conversation, HandoffCase, Organisation
from bridge.monitor.vocabulary import (
    CHANNELS,
    CLOSE_BUCKETS,
    INTAKE_QUESTIONS,
    MIX_KEYS,
    OUTCOMES,
    REDENEN,
    UNKNOWN,
    WAIT_BUCKETS,
    bucket,
)
from bridge.privacy.tracker_store import EventRow, RasaTrackerStore

Cell = tuple[str, str, str]  # (arbeidsmarktregio, organisation, channel)
_TRACKER_TYPES = ("user", "action", "active_loop", "slot")
_SLOTS = ("rol", "uitkering", "sector", "behoefte", "arbeidsmarktregio")


@dataclass
class TrackerFacts:
    """What Rasa's events say about one conversation."""

    slots: dict[str, str] = field(default_factory=dict)
    last_question: str | None = None
    intake_done: bool = False
    shown: set[str] = field(default_factory=set)
    asked: set[str] = field(default_factory=set)
    user_messages: int = 0
    not_understood: int = 0


def _minutes(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 60)


def tracker_facts(rows: Iterable[EventRow]) -> dict[str, TrackerFacts]:
    """Per conversation, from its events in order. The form finished when its loop ended right after
    the form itself ran (an interruption ends it after action_deactivate_loop)."""
    facts: dict[str, TrackerFacts] = {}
    last_action: dict[str, str | None] = {}
    for sender, kind, intent, action, data in rows:
        fact = facts.setdefault(sender, TrackerFacts())
        if kind == "user":
            fact.user_messages += 1
            fact.not_understood += intent == "nlu_fallback"
            continue
        if kind == "action":
            last_action[sender] = action
            continue
        event: dict[str, Any] = json.loads(data or "{}")
        if kind == "active_loop":
            if event.get("name") is None and last_action.get(sender) == "intake_form":
                fact.intake_done = True
            continue
        name, value = event.get("name"), event.get("value")
        if name == "requested_slot" and value in INTAKE_QUESTIONS:
            fact.last_question = value
        elif name in _SLOTS and isinstance(value, str) and value:
            fact.slots[name] = value
        elif name == "regelingen" and isinstance(value, list):
            fact.shown.update(v for v in value if isinstance(v, str))
        elif name == "regeling" and isinstance(value, str):
            fact.asked.add(value)
    return facts


def _case_history(session: Session, case_ids: list[str]) -> tuple[dict[str, datetime], dict[str, list[AuditLog]]]:
    """First claim per case, and its transfers in order (the audit log keeps both for a year)."""
    first_claim: dict[str, datetime] = {}
    transfers: dict[str, list[AuditLog]] = {}
    for start in range(0, len(case_ids), 500):
        rows = session.scalars(
            select(AuditLog)
            .where(AuditLog.case_id.in_(case_ids[start : start + 500]), AuditLog.action.in_(("claim", "transfer")))
            .order_by(AuditLog.created_at, AuditLog.id)
        )
        for row in rows:
            assert row.case_id is not None
            if row.action == "claim":
                first_claim.setdefault(row.case_id, row.created_at)
            else:
                transfers.setdefault(row.case_id, []).append(row)
    return first_claim, transfers


class DayFacts:
    """Counts per (regio, organisation, channel, measure, key) for the conversations of one day."""

    def __init__(self, kb: KnowledgeBase, organisations: set[str], day: date) -> None:
        self.kb = kb
        self.regios = {regio.naam for regio in kb.regios.values()}
        self.organisations = organisations
        self.day = day
        self.counts: Counter[tuple[str, str, str, str, str]] = Counter()

    def _known(self, value: Any, allowed: Iterable[str]) -> str:
        return value if isinstance(value, str) and value in allowed else UNKNOWN

    def add_conversation(
        self,
        conversation: Conversation,
        cases: list[HandoffCase],
        tracker: TrackerFacts,
        first_claim: dict[str, datetime],
        transfers: dict[str, list[AuditLog]],
    ) -> None:
        """Count one conversation and its cases under the conversation's region, organisation and channel."""
        intake: dict[str, Any] = cases[0].intake if cases else {}
        values = {name: tracker.slots.get(name) or intake.get(name) for name in _SLOTS}
        first_transfer = transfers.get(cases[0].id) if cases else None
        first_queue = (
            (first_transfer[0].detail or {}).get("van") if first_transfer else (cases[0].queue if cases else None)
        )
        cell: Cell = (
            self._known(values["arbeidsmarktregio"], self.regios),
            self._known(first_queue, self.organisations),
            self._known(conversation.channel, CHANNELS) or "anders",
        )
        add = self._adder(cell)
        add("gesprekken", "")
        add("intake", "afgerond" if tracker.intake_done else (tracker.last_question or "niet_begonnen"))
        for name, keys in MIX_KEYS.items():
            add(name, self._known(values[name], keys))
        for slug in tracker.shown & self.kb.regelingen.keys():
            add("regeling_getoond", slug)
        for slug in tracker.asked & self.kb.regelingen.keys():
            if is_ended(self.kb.regelingen[slug], self.day):
                add("beeindigd_gevraagd", slug)
        if tracker.user_messages:
            add("berichten", "niet_begrepen", tracker.not_understood)
            add("berichten", "begrepen", tracker.user_messages - tracker.not_understood)
        for case in cases:
            self._add_case(add, case, first_claim.get(case.id) or case.claimed_at, len(transfers.get(case.id, [])))

    @staticmethod
    def _add_case(add: Any, case: HandoffCase, claimed_at: datetime | None, transfers: int) -> None:
        add("overdracht_reden", case.reden if case.reden in REDENEN else "gevraagd")
        closed_at = case.closed_at if case.status == "gesloten" else None
        add("uitkomst", (case.outcome if case.outcome in OUTCOMES else "anders") if closed_at else "open")
        add("doorgezet", "ja" if transfers or case.transferred_from else "nee")
        add("wachttijd", bucket(_minutes(case.created_at, claimed_at), WAIT_BUCKETS) if claimed_at else "niet_opgepakt")
        add("doorlooptijd", bucket(_minutes(case.created_at, closed_at), CLOSE_BUCKETS) if closed_at else "open")

    def _adder(self, cell: Cell) -> Any:
        def add(measure: str, key: str, amount: int = 1) -> None:
            if amount:
                self.counts[(*cell, measure, key)] += amount

        return add


def day_facts(
    session: Session, tracker_store: RasaTrackerStore, kb: KnowledgeBase, day: date, start: datetime, end: datetime
) -> DayFacts:
    """The facts of every conversation that started in [start, end) (the Dutch day `day`)."""
    organisations = set(session.scalars(select(Organisation.name)))
    facts = DayFacts(kb, organisations, day)
    conversations = list(
        session.scalars(select(Conversation).where(Conversation.created_at >= start, Conversation.created_at < end))
    )
    ids = [c.id for c in conversations]
    cases_of: dict[str, list[HandoffCase]] = {}
    for chunk_start in range(0, len(ids), 500):
        rows = session.scalars(
            select(HandoffCase)
            .where(HandoffCase.conversation_id.in_(ids[chunk_start : chunk_start + 500]))
            .order_by(HandoffCase.created_at, HandoffCase.id)
        ).unique()
        for case in rows:
            cases_of.setdefault(case.conversation_id, []).append(case)
    first_claim, transfers = _case_history(session, [c.id for cases in cases_of.values() for c in cases])
    trackers = tracker_facts(tracker_store.events_of(ids, _TRACKER_TYPES))
    for conversation in conversations:
        facts.add_conversation(
            conversation,
            cases_of.get(conversation.id, []),
            trackers.get(conversation.id, TrackerFacts()),
            first_claim,
            transfers,
        )
    return facts
