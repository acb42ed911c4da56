"""The Regiomonitor page in the console (/console/monitor): figures, charts with tables, export links."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from bridge.api.deps import SessionDep
from bridge.api.monitor_requests import NONE_VALUE, audited_report, monitor_filters
from bridge.console import charts
from bridge.console.routes import ConsoleSession, _render
from bridge.knowledge.deps import KnowledgeDep
from bridge.models import Organisation
from bridge.monitor.export import dictionary
from bridge.monitor.period import LABELS, Periode
from bridge.monitor.report import TREND_SERIES
from bridge.monitor.scope import Scope
from bridge.monitor.vocabulary import CHANNELS
from bridge.schemas.text import Text

router = APIRouter(prefix="/console/monitor", include_in_schema=False)

# Order of the tables on the page; the mixes and lists as bars, the rest as bars too.
SECTIONS = (
    ("Intake", ("intake",)),
    ("Wie vragen en wat zij nodig hebben", ("rol", "uitkering", "sector", "behoefte")),
    ("Regelingen", ("regeling_getoond", "beeindigd_gevraagd")),
    ("Overdrachten naar medewerkers", ("overdracht_reden", "doorgezet", "uitkomst", "wachttijd", "doorlooptijd")),
    ("Begrip", ("berichten",)),
)

Dimension = Annotated[Text | None, Query(max_length=200)]


@router.get("")
def monitor_page(
    request: Request,
    session: SessionDep,
    staff_session: ConsoleSession,
    kb: KnowledgeDep,
    periode: Periode = Periode.maand,
    van: date | None = None,
    tot: date | None = None,
    regio: Dimension = None,
    organisatie: Dimension = None,
    kanaal: Dimension = None,
) -> HTMLResponse:
    """Figures for coördinatoren (own organisation or region) and beheerders (everything); audited."""
    staff = staff_session.staff
    filters = monitor_filters(
        request, staff, kb, periode=periode, van=van, tot=tot, regio=regio, organisatie=organisatie, kanaal=kanaal
    )
    report = audited_report(session, kb, staff, filters, request, "monitor_view")
    scope = Scope.of(staff, kb)
    if scope.everything:
        regios = sorted(r.naam for r in kb.regios.values())
        organisations = list(session.scalars(select(Organisation.name).order_by(Organisation.name)))
    else:
        regios = [scope.region] if scope.region else []
        organisations = [scope.organisation]
    query = {
        "periode": periode.value,
        "van": filters.start.isoformat(),
        "tot": filters.end.isoformat(),
        "regio": _param(filters.arbeidsmarktregio),
        "organisatie": _param(filters.organisation),
        "kanaal": _param(filters.channel),
    }
    trend_series = {name: (label, report.trend.series[name]) for name, label in TREND_SERIES}
    charts_by_table = {
        name: charts.bar_chart(f"grafiek-{name}", table.title, [(row.label, row.shown) for row in table.rows])
        for name, table in report.tables.items()
    }
    return _render(
        request,
        "monitor.html",
        staff_session,
        report=report,
        sections=SECTIONS,
        charts_by_table=charts_by_table,
        trend_chart=charts.line_chart("grafiek-trend", "Trend", report.trend.periods, trend_series),
        trend_labels=TREND_SERIES,
        periodes=LABELS,
        periode=periode,
        everything=scope.everything,
        regios=regios,
        organisations=organisations,
        channels=CHANNELS,
        none_value=NONE_VALUE,
        selected={"regio": query["regio"], "organisatie": query["organisatie"], "kanaal": query["kanaal"]},
        export_csv="/api/staff/monitor/export?" + urlencode({**query, "formaat": "csv"}),
        export_json="/api/staff/monitor/export?" + urlencode({**query, "formaat": "json"}),
        woordenboek=dictionary(),
    )


def _param(value: str | None) -> str:
    """A filter value as the form sends it back ("" = all, "-" = unknown / none)."""
    if value is None:
        return ""
    return NONE_VALUE if value == "" else value
