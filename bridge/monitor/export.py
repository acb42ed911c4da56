"""The monitor as data: JSON (with a short data dictionary) and CSV, from the suppressed report only."""

from __future__ import annotations

import csv
import io
from typing import Any

from bridge.monitor.report import TREND_SERIES, Report
from bridge.monitor.suppression import HIDDEN, MIN_CELL, SUPPRESSED
from bridge.monitor.vocabulary import DIMENSIONS, MEASURES

CSV_COLUMNS = ("tabel", "sleutel", "omschrijving", "aantal")


def dictionary() -> dict[str, Any]:
    """What every table, key and column means."""
    return {
        "tellen": "Alle cijfers tellen gesprekken (of zaken) naar de dag waarop het gesprek begon, t/m gisteren.",
        "kleine_aantallen": f"Een aantal onder {MIN_CELL} staat als '{SUPPRESSED}'. Kan zo'n cel uit het totaal "
        f"worden teruggerekend, dan staat ook de kleinste andere cel als '{HIDDEN}'.",
        "geen_vrije_tekst": "Alleen codes uit vaste lijsten; geen berichttekst, namen of notities.",
        "dimensies": DIMENSIONS,
        "tabellen": {
            name: {"titel": m.title, "betekenis": m.meaning, "totaal": m.total}
            for name, m in MEASURES.items()
            if name != "gesprekken"
        },
        "trend": {name: label for name, label in TREND_SERIES},
        "csv_kolommen": {
            "tabel": "naam van de tabel (zie tabellen) of trend_<reeks>",
            "sleutel": "code van de rij (leeg: onbekend; _totaal: het totaal)",
            "omschrijving": "de code in woorden",
            "aantal": f"een getal, '{SUPPRESSED}' of '{HIDDEN}'",
        },
    }


def as_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data (the API answer and the JSON export)."""
    return {
        "filters": report.filters.as_dict(),
        "kerncijfers": report.kpis,
        "tabellen": [
            {
                "naam": table.measure,
                "titel": table.title,
                "totaal": table.total.text if table.total is not None else None,
                "rijen": [
                    {"sleutel": row.key, "omschrijving": row.label, "aantal": row.shown.text} for row in table.rows
                ],
            }
            for table in report.tables.values()
        ],
        "trend": {
            "eenheid": report.trend.unit,
            "perioden": report.trend.periods,
            "reeksen": {name: [cell.text for cell in cells] for name, cells in report.trend.series.items()},
        },
        "woordenboek": dictionary(),
    }


def as_csv(report: Report) -> str:
    """One row per cell: table, key, label, count (or "< 5"); totals as key _totaal; then the trend."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for table in report.tables.values():
        for row in table.rows:
            writer.writerow((table.measure, row.key, row.label, row.shown.text))
        if table.total is not None:
            writer.writerow((table.measure, "_totaal", "Totaal", table.total.text))
    for name, label in TREND_SERIES:
        for period, cell in zip(report.trend.periods, report.trend.series[name], strict=True):
            writer.writerow((f"trend_{name}", period, label, cell.text))
    return out.getvalue()
