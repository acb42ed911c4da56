"""API shapes of the Regiomonitor (aggregates only; counts are strings so "< 5" fits)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class MonitorFilters(BaseModel):
    van: str
    tot: str
    arbeidsmarktregio: str | None
    organisatie: str | None
    kanaal: str | None


class MonitorRow(BaseModel):
    sleutel: str
    omschrijving: str
    aantal: str


class MonitorTable(BaseModel):
    naam: str
    titel: str
    totaal: str | None
    rijen: list[MonitorRow]


class MonitorTrend(BaseModel):
    eenheid: str
    perioden: list[str]
    reeksen: dict[str, list[str]]


class MonitorPublic(BaseModel):
    filters: MonitorFilters
    kerncijfers: dict[str, str]
    tabellen: list[MonitorTable]
    trend: MonitorTrend
    woordenboek: dict[str, Any]
