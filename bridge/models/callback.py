"""A callback request: contact details the person gave on purpose, with consent, for one handoff case.

Kept apart from the transcript (which only ever holds redacted text) and only while the case is open:
closing the case, handing it back to the bot, erasing the conversation or retention deletes the row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bridge.models.base import Base, UtcDateTime
from bridge.models.handoff import HandoffCase


class CallbackRequest(Base):
    __tablename__ = "terugbelverzoeken"

    # One request per case; the database deletes it with its case (ON DELETE CASCADE).
    case_id: Mapped[str] = mapped_column(ForeignKey("handoff_cases.id", ondelete="CASCADE"), primary_key=True)
    # Normalised to E.164, e.g. "+31612345678".
    telefoonnummer: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # "ochtend" | "middag" | "geen voorkeur", or null when not given.
    dagdeel: Mapped[str | None] = mapped_column(String(20))
    consent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Which consent text the person agreed to (bridge.schemas.callback.CONSENT_VERSION).
    consent_version: Mapped[str] = mapped_column(String(40))

    case: Mapped[HandoffCase] = relationship()
