"""SQLAlchemy models (tables). API shapes live in `bridge.schemas`."""

from bridge.models.base import Base
from bridge.models.callback import CallbackRequest
from bridge.models.conversation import Conversation, ConversationStatus, Message
from bridge.models.handoff import HandoffCase
from bridge.models.monitor import MonitorDailyCount, MonitorRollupDay
from bridge.models.plan import Plan, PlanVersie
from bridge.models.retention import CaseSummary, ScheduledJob
from bridge.models.staff import (
    AuditLog,
    LoginAttempt,
    Organisation,
    ReplyTemplate,
    StaffAccount,
    StaffRole,
    StaffSession,
)

__all__ = [
    "AuditLog",
    "Base",
    "CallbackRequest",
    "CaseSummary",
    "Conversation",
    "ConversationStatus",
    "HandoffCase",
    "LoginAttempt",
    "Message",
    "MonitorDailyCount",
    "MonitorRollupDay",
    "Organisation",
    "Plan",
    "PlanVersie",
    "ReplyTemplate",
    "ScheduledJob",
    "StaffAccount",
    "StaffRole",
    "StaffSession",
]
