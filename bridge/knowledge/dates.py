"""Which regelingen are open, decided against an injectable `today` so dates stay data."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from bridge.knowledge.models import Status


class _Dated(Protocol):
    # read-only members: a frozen pydantic model (Regeling) fits as well as a plain object
    @property
    def status(self) -> Status: ...
    @property
    def geldig_van(self) -> dt.date | None: ...
    @property
    def geldig_tot(self) -> dt.date | None: ...


# Order in which statuses are shown when scores tie: what people can use comes first.
STATUS_ORDER = {Status.open: 0, Status.onzeker: 1, Status.gesloten: 2, Status.beeindigd: 3}


def effective_status(item: _Dated, today: dt.date) -> Status:
    """The status on `today`: past `geldig_tot` (last valid day) counts as ended without any edit."""
    if item.status is Status.beeindigd or (item.geldig_tot is not None and today > item.geldig_tot):
        return Status.beeindigd
    if item.geldig_van is not None and today < item.geldig_van:
        return Status.gesloten
    return item.status


def is_ended(item: _Dated, today: dt.date) -> bool:
    """True when the regeling no longer exists on `today`."""
    return effective_status(item, today) is Status.beeindigd
