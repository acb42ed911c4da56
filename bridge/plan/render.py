"""One Jinja2 template for the plan page, the PDF and the console (autoescaped HTML)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bridge.models import Plan
from bridge.models.base import utcnow
from bridge.services import plans

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def datum(value: Any) -> str:
    """ "7 december 2026" for a date, an ISO date string or a datetime (in Dutch time)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(AMSTERDAM).date()
    return f"{value.day} {MAANDEN[value.month - 1]} {value.year}"


def datum_klok(value: dt.datetime) -> str:
    """ "7 december 2026 om 14:05" in Dutch time."""
    moment = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(AMSTERDAM)
    return f"{datum(moment.date())} om {moment:%H:%M}"


@lru_cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    env.filters["datum"] = datum
    env.filters["datum_klok"] = datum_klok
    return env


def context(
    plan: Plan, *, mode: str, token: str | None = None, link: str | None = None, nieuw: list[Any] | None = None
) -> dict[str, Any]:
    """What every plan template needs; `mode` is "pagina", "pdf" or "console"."""
    versie = plans.latest(plan)
    return {
        "plan": plan,
        "versie": versie,
        "inhoud": versie.inhoud,
        "versies": list(reversed(plan.versies)),
        "mode": mode,
        "token": token,
        "link": link,
        "nieuw": nieuw or [],
        "nu": utcnow(),
    }


def render(name: str, **values: Any) -> str:
    return environment().get_template(name).render(**values)


def console_fragment(plan: Plan) -> Markup:
    """The plan as the medewerker sees it beside the intake (no ticking, no link)."""
    return Markup(render("_plan.html", **context(plan, mode="console")))  # noqa: S704 - autoescaped template
