"""FastAPI dependencies for the knowledge routes; tests override them to inject a `today` or a KB."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends

from bridge.knowledge.loader import KnowledgeBase, get_knowledge_base


def get_kb() -> KnowledgeBase:
    """The cached knowledge base (loaded on first request)."""
    return get_knowledge_base()


def get_today() -> dt.date:
    """Today's date; the single place to override for date-dependent tests."""
    return dt.date.today()


KnowledgeDep = Annotated[KnowledgeBase, Depends(get_kb)]
TodayDep = Annotated[dt.date, Depends(get_today)]
