"""Regiomonitor API: aggregate figures per period, region, organisation and channel (issue 16).

Coördinatoren see their own organisation, or their own region as a whole; beheerders everything;
medewerkers nothing (403). Every view and export is written to the audit log.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from bridge.api.deps import SessionDep
from bridge.api.monitor_requests import audited_report, monitor_filters
from bridge.api.staff_auth import CurrentStaff
from bridge.knowledge.deps import KnowledgeDep
from bridge.monitor import export
from bridge.monitor.period import Periode
from bridge.schemas.errors import errors
from bridge.schemas.monitor import MonitorPublic
from bridge.schemas.text import Text

router = APIRouter(prefix="/api/staff/monitor", tags=["monitor"], responses=errors(401, 403))


class Formaat(StrEnum):
    csv = "csv"
    json = "json"


Dimension = Annotated[Text | None, Query(max_length=200)]


@router.get("", response_model=MonitorPublic)
def read_monitor(
    request: Request,
    session: SessionDep,
    staff: CurrentStaff,
    kb: KnowledgeDep,
    periode: Periode = Periode.maand,
    van: date | None = None,
    tot: date | None = None,
    regio: Dimension = None,
    organisatie: Dimension = None,
    kanaal: Dimension = None,
) -> MonitorPublic:
    """The figures of one period and filter (counts under 5 as "< 5")."""
    filters = monitor_filters(
        request, staff, kb, periode=periode, van=van, tot=tot, regio=regio, organisatie=organisatie, kanaal=kanaal
    )
    report = audited_report(session, kb, staff, filters, request, "monitor_view")
    return MonitorPublic.model_validate(export.as_json(report))


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/json": {}}, "description": "CSV of JSON"}},
)
def export_monitor(
    request: Request,
    session: SessionDep,
    staff: CurrentStaff,
    kb: KnowledgeDep,
    formaat: Formaat = Formaat.csv,
    periode: Periode = Periode.maand,
    van: date | None = None,
    tot: date | None = None,
    regio: Dimension = None,
    organisatie: Dimension = None,
    kanaal: Dimension = None,
) -> Response:
    """Download the figures as CSV or JSON (with the data dictionary); audited as an export."""
    filters = monitor_filters(
        request, staff, kb, periode=periode, van=van, tot=tot, regio=regio, organisatie=organisatie, kanaal=kanaal
    )
    report = audited_report(session, kb, staff, filters, request, "monitor_export", formaat.value)
    name = f"regiomonitor-{filters.start.isoformat()}-{filters.end.isoformat()}.{formaat.value}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    if formaat is Formaat.csv:
        return Response(export.as_csv(report), media_type="text/csv; charset=utf-8", headers=headers)
    body = MonitorPublic.model_validate(export.as_json(report)).model_dump_json()
    return Response(body, media_type="application/json", headers=headers)
