"""Regiomonitor request handling shared by the API and the console page: the filters within the
staff member's scope (403 / 422), and the audited report."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import Request, status
from fastapi.exceptions import RequestValidationError

from bridge.api.deps import SessionDep, denied
from bridge.api.staff_auth import client_address
from bridge.knowledge.loader import KnowledgeBase
from bridge.models import StaffAccount
from bridge.monitor.period import BadPeriod, Periode, resolve
from bridge.monitor.report import Filters, Report, build_report
from bridge.monitor.rollup import local_day
from bridge.monitor.scope import OutOfScope, Scope, may_use_monitor
from bridge.services.staff import audit

NONE_VALUE = "-"  # in a filter: unknown region / no handoff (an empty value means "all")
NOT_ALLOWED = "Deze cijfers vallen buiten uw organisatie en regio."
ROLE_NEEDED = "De Regiomonitor is er voor coördinatoren en beheerders."


def _dimension(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return "" if value == NONE_VALUE else value


def monitor_filters(
    request: Request,
    staff: StaffAccount,
    kb: KnowledgeBase,
    *,
    periode: Periode,
    van: date | None,
    tot: date | None,
    regio: str | None,
    organisatie: str | None,
    kanaal: str | None,
    now: datetime | None = None,
) -> Filters:
    """The filters of a request, within the staff member's scope (403 outside it, 422 for a bad period).

    A 403 is logged as ED-6002 (the path and a reason code; not who asked, nor for which slice)."""
    if not may_use_monitor(staff):
        raise denied(request, status.HTTP_403_FORBIDDEN, ROLE_NEEDED, "rol")
    scope = Scope.of(staff, kb)
    region, organisation = _dimension(regio), _dimension(organisatie)
    if regio is None and organisatie is None:
        region, organisation = scope.default_filter()
    elif not scope.everything and region is None and organisation is None:
        region = scope.region  # "all organisations" for a coördinator: those of their own region
    try:
        scope.check(region, organisation)
        start, end = resolve(periode, local_day(now or datetime.now(UTC)), van, tot)
    except OutOfScope:
        raise denied(request, status.HTTP_403_FORBIDDEN, NOT_ALLOWED, "scope") from None
    except BadPeriod as error:  # FastAPI's own 422 shape, like any other invalid query parameter
        raise RequestValidationError([{"loc": ["query", "van"], "msg": str(error), "type": "value_error"}]) from None
    return Filters(start, end, region, organisation, _dimension(kanaal))


def audited_report(
    session: SessionDep,
    kb: KnowledgeBase,
    staff: StaffAccount,
    filters: Filters,
    request: Request,
    action: str,
    formaat: str | None = None,
) -> Report:
    """Build the report and log who looked at which slice (no figures in the log)."""
    report = build_report(session, kb, filters)
    detail: dict[str, str | None] = dict(filters.as_dict())
    if formaat:
        detail["formaat"] = formaat
    audit(session, staff, action, address=client_address(request), detail=detail)
    session.commit()
    return report
