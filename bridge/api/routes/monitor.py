"""Regiomonitor API: aggregate figures per period, region, organisation and channel (issue 16).

Coördinatoren see their own organisation, or their own region as a whole; beheerders everything;
medewerkers nothing (403). Every view and export is written to the audit log.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError

from bridge.api.deps import SessionDep
from bridge.api.staff_auth import CurrentStaff, client_address
from bridge.knowledge.deps import KnowledgeDep
from bridge.knowledge.loader import KnowledgeBase
from bridge.models import StaffAccount
from bridge.monitor import export
from bridge.monitor.period import BadPeriod, Periode, resolve
from bridge.monitor.report import Filters, Report, build_report
from bridge.monitor.rollup import local_day
from bridge.monitor.scope import OutOfScope, Scope, may_use_monitor
from bridge.schemas.errors import errors
from bridge.schemas.monitor import MonitorPublic
from bridge.schemas.text import Text
from bridge.services.staff import audit

router = APIRouter(prefix="/api/staff/monitor", tags=["monitor"], responses=errors(401, 403))

NONE_VALUE = "-"  # in a filter: unknown region / no handoff (an empty value means "all")
NOT_ALLOWED = "Deze cijfers vallen buiten uw organisatie en regio."
ROLE_NEEDED = "De Regiomonitor is er voor coördinatoren en beheerders."


class Formaat(StrEnum):
    csv = "csv"
    json = "json"


def _dimension(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    return "" if value == NONE_VALUE else value


def monitor_filters(
    staff: StaffAccount, kb: KnowledgeBase, *, periode: Periode, van: date | None, tot: date | None,
    regio: str | None, organisatie: str | None, kanaal: str | None, now: datetime | None = None,
) -> Filters:
    """The filters of a request, within the staff member's scope (403 outside it, 422 for a bad period)."""
    if not may_use_monitor(staff):
        raise HTTPException(status.HTTP_403_FORBIDDEN, ROLE_NEEDED)
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
        raise HTTPException(status.HTTP_403_FORBIDDEN, NOT_ALLOWED) from None
    except BadPeriod as error:  # FastAPI's own 422 shape, like any other invalid query parameter
        raise RequestValidationError([{"loc": ["query", "van"], "msg": str(error), "type": "value_error"}]) from None
    return Filters(start, end, region, organisation, _dimension(kanaal))


def audited_report(session: SessionDep, kb: KnowledgeBase, staff: StaffAccount, filters: Filters, request: Request,
                   action: str, formaat: str | None = None) -> Report:
    """Build the report and log who looked at which slice (no figures in the log)."""
    report = build_report(session, kb, filters)
    detail: dict[str, str | None] = dict(filters.as_dict())
    if formaat:
        detail["formaat"] = formaat
    audit(session, staff, action, address=client_address(request), detail=detail)
    session.commit()
    return report


Dimension = Annotated[Text | None, Query(max_length=200)]


@router.get("", response_model=MonitorPublic)
def read_monitor(
    request: Request, session: SessionDep, staff: CurrentStaff, kb: KnowledgeDep,
    periode: Periode = Periode.maand, van: date | None = None, tot: date | None = None,
    regio: Dimension = None, organisatie: Dimension = None, kanaal: Dimension = None,
) -> MonitorPublic:
    """The figures of one period and filter (counts under 5 as "< 5")."""
    filters = monitor_filters(staff, kb, periode=periode, van=van, tot=tot, regio=regio, organisatie=organisatie,
                              kanaal=kanaal)
    report = audited_report(session, kb, staff, filters, request, "monitor_view")
    return MonitorPublic.model_validate(export.as_json(report))


@router.get("/export", response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/json": {}}, "description": "CSV of JSON"}})
def export_monitor(
    request: Request, session: SessionDep, staff: CurrentStaff, kb: KnowledgeDep,
    formaat: Formaat = Formaat.csv, periode: Periode = Periode.maand, van: date | None = None, tot: date | None = None,
    regio: Dimension = None, organisatie: Dimension = None, kanaal: Dimension = None,
) -> Response:
    """Download the figures as CSV or JSON (with the data dictionary); audited as an export."""
    filters = monitor_filters(staff, kb, periode=periode, van=van, tot=tot, regio=regio, organisatie=organisatie,
                              kanaal=kanaal)
    report = audited_report(session, kb, staff, filters, request, "monitor_export", formaat.value)
    name = f"regiomonitor-{filters.start.isoformat()}-{filters.end.isoformat()}.{formaat.value}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if formaat is Formaat.csv:
        return Response(export.as_csv(report), media_type="text/csv; charset=utf-8", headers=headers)
    body = MonitorPublic.model_validate(export.as_json(report)).model_dump_json()
    return Response(body, media_type="application/json", headers=headers)
