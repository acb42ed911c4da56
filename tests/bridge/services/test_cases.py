"""bridge/services/cases.py: a case view is audited in one place, for the staff API and the console alike."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from bridge.core.config import PROJECT_ROOT
from bridge.core.db import get_sessionmaker
from bridge.models import AuditLog, HandoffCase, StaffAccount
from bridge.services import cases
from tests.bridge.factories import make_case, make_staff


def _audit(case_id: str) -> list[tuple[str, str | None, str | None, object]]:
    with get_sessionmaker()() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.case_id == case_id).order_by(AuditLog.id))
        return [(row.action, row.conversation_id, row.address, row.detail) for row in rows]


def test_view_case_audits_and_commits_and_returns_what_is_shown(client: TestClient) -> None:
    staff_id = make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    client.post(
        f"/api/conversations/{conversation_id}/terugbelverzoek",
        json={"telefoonnummer": "06-48273915", "dagdeel": "ochtend", "toestemming": True},
    )
    with get_sessionmaker()() as session:
        staff = session.get(StaffAccount, staff_id)
        case = session.get(HandoffCase, case_id)
        assert staff is not None and case is not None
        view = cases.view_case(session, staff, case, address="203.0.113.7")
        assert [m.text for m in view.messages][0] == "Ik ben mijn baan kwijt"
        assert [m.id for m in view.messages] == [m.id for m in cases.transcript(session, case)]
        assert view.callback is not None and view.callback.telefoonnummer == "+31648273915"
    # Committed: another session sees the row; it says contact details were shown, never which.
    assert _audit(case_id) == [("case_view", conversation_id, "203.0.113.7", {"contactgegevens_getoond": True})]


def test_a_case_view_is_audited_in_one_place() -> None:
    """The staff API and the console both call cases.view_case; no route writes its own case_view row."""
    writers = sorted(
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "bridge").rglob("*.py")
        if re.search(r"""["']case_view["']""", path.read_text(encoding="utf-8"))
    )
    assert writers == ["bridge/services/cases.py"]
    for route in ("bridge/api/routes/staff_cases.py", "bridge/console/routes.py"):
        assert "cases.view_case(" in (PROJECT_ROOT / route).read_text(encoding="utf-8"), route
