"""action_handoff: the case posted to the bridge and what the person is told."""

from __future__ import annotations

import pytest

from bot.actions.handoff import ActionHandoff
from tests.bot.actions.conftest import FakeBridge, load_tracker, responses, run

HANDOFF_OK = {"id": "0b7e2a52-0c0e-4a43-9a1e-3a1f7f4c1d11", "queue": "UWV Flevoland", "status": "wacht_op_medewerker"}


def test_request_posts_full_intake_and_names_the_queue(domain):
    bridge = FakeBridge(handoff=HANDOFF_OK)
    events, dispatcher = run(ActionHandoff(bridge), load_tracker("medewerker_gevraagd"), domain)
    assert bridge.calls == [
        (
            "create_handoff",
            {
                "conversation_id": "3f2b7c1e-5a44-4d2e-9a51-7c1d2b8e9f00",
                "reden": "gevraagd",
                "intake": {
                    "rol": "werkzoekende",
                    "uitkering": "ww",
                    "gemeente": "Almere",
                    "arbeidsmarktregio": "Flevoland",
                    "sector": None,
                    "behoefte": "scholing",
                    "arrangeur": "uwv",
                    "regelingen": ["scholing-tijdens-ww", "slim-scholingssubsidie", "leerwerkloket"],
                    "contact": None,
                },
            },
        )
    ]
    assert responses(dispatcher) == ["utter_handoff_bevestigd"]
    assert dispatcher.messages[0]["queue"] == "UWV Flevoland"
    assert events == [{"event": "slot", "timestamp": None, "name": "fallback_aanbod", "value": False}]


@pytest.mark.parametrize(
    ("tracker", "reden"),
    [
        ("crisis", "crisis"),
        ("frustratie", "frustratie"),
        ("aanbod_aangenomen", "niet_begrepen"),
        ("twee_keer_niet_begrepen", "niet_begrepen"),
    ],
)
def test_reden_follows_what_led_to_the_handoff(domain, tracker, reden):
    bridge = FakeBridge(handoff=HANDOFF_OK)
    run(ActionHandoff(bridge), load_tracker(tracker), domain)
    assert bridge.calls[0][1]["reden"] == reden


def test_bridge_down_says_so(domain):
    events, dispatcher = run(ActionHandoff(FakeBridge(fail=True)), load_tracker("medewerker_gevraagd"), domain)
    assert responses(dispatcher) == ["utter_handoff_mislukt"]
    assert events == [{"event": "slot", "timestamp": None, "name": "fallback_aanbod", "value": False}]
