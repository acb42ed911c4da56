"""Situations through POST /api/arrangeur of the whole bridge app, as outside tools call it.

The situations (arrangeur_situaties.yml) are written as people say them; each names the expected
arrangeur and the expected reason (the rule that decides, whose Dutch text is the `uitleg`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from bridge.core import db
from bridge.core.config import get_settings
from bridge.knowledge.arrangeur_regels import get_arrangeur_data
from bridge.main import create_app
from tests.bridge.conftest import SERVICE_TOKEN, STAFF_TOKEN, migrate

SITUATIES_FILE = Path(__file__).with_name("arrangeur_situaties.yml")
SITUATIES: list[dict[str, Any]] = yaml.safe_load(SITUATIES_FILE.read_text(encoding="utf-8"))["situaties"]
SLOTS = ("rol", "uitkering", "gemeente", "tekst")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The real bridge app on its own SQLite database (the arrangeur route needs no Rasa)."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('arrangeur') / 'bridge.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", database_url)
        mp.setenv("BRIDGE_SERVICE_TOKEN", SERVICE_TOKEN)
        mp.setenv("STAFF_TOKEN", STAFF_TOKEN)
        mp.setenv("ACTIONS_PORT", "1")
        for cached in (get_settings, db.get_engine, db.get_sessionmaker):
            cached.cache_clear()
        migrate(database_url)
        with TestClient(create_app()) as test_client:
            yield test_client
        db.get_engine().dispose()
        for cached in (get_settings, db.get_engine, db.get_sessionmaker):
            cached.cache_clear()


def test_the_situations_are_many_and_varied() -> None:
    ids = [s["id"] for s in SITUATIES]
    assert len(ids) >= 60 and len(set(ids)) == len(ids)
    assert len({s.get("tekst") for s in SITUATIES if s.get("tekst")}) == sum(1 for s in SITUATIES if s.get("tekst"))
    # The three ways outside tools call: with the rol, without it but with other slots, with text only.
    with_rol = [s for s in SITUATIES if "rol" in s]
    without_rol = [s for s in SITUATIES if "rol" not in s and ("uitkering" in s or "gemeente" in s)]
    text_only = [s for s in SITUATIES if set(s) & set(SLOTS) == {"tekst"}]
    assert min(len(with_rol), len(without_rol), len(text_only)) >= 5


def test_every_rule_is_met_by_some_situation() -> None:
    expected = {s["regel"] for s in SITUATIES}
    assert {r.id for r in get_arrangeur_data().regels} <= expected


@pytest.mark.parametrize("situatie", SITUATIES, ids=[s["id"] for s in SITUATIES])
def test_situation(client: TestClient, situatie: dict[str, Any]) -> None:
    body = {slot: situatie[slot] for slot in SLOTS if slot in situatie}
    response = client.post("/api/arrangeur", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    regel = next(r for r in get_arrangeur_data().regels if r.id == situatie["regel"])

    assert (answer["arrangeur"], answer["regel"]) == (situatie["arrangeur"], situatie["regel"]), answer["uitleg"]
    assert answer["ontbreekt"] == situatie.get("ontbreekt", [])
    # The reason the person reads is the rule's own text (plus, at most, the question for the gemeente).
    assert answer["uitleg"].startswith(regel.reden)
    assert answer["bronnen"] and all(url.startswith("https://") for url in answer["bronnen"])
    asks_more = [slot for slot in answer["ontbreekt"] if slot != "gemeente"]
    assert answer["voorlopig"] is bool(answer["arrangeur"] and asks_more)
    if answer["arrangeur"] is None:
        assert answer["loket"] is None and answer["uitleg"].endswith("?")
    elif "gemeente" in situatie or answer["arrangeur"] == "uwv":
        assert answer["loket"] is not None
