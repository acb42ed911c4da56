"""action_find_arrangeur: POST /api/arrangeur and explain the outcome."""

from __future__ import annotations

from bot.actions.arrangeur import ActionFindArrangeur

from tests.bot.actions.conftest import FakeBridge, load_tracker, responses, run


def test_sets_arrangeur_and_shows_uitleg_and_loket(domain):
    bridge = FakeBridge(arrangeur={
        "arrangeur": "uwv",
        "uitleg": "Omdat u een WW-uitkering heeft, helpt UWV u verder.",
        "ontbreekt": [],
        "loket": {"naam": "Werkcentrum Flevoland", "url": "https://www.werkcentrum.nl"},
    })
    events, dispatcher = run(ActionFindArrangeur(bridge), load_tracker("intake_compleet"), domain)
    name, payload = bridge.calls[0]
    assert name == "find_arrangeur"
    assert payload == {
        "rol": "werkzoekende", "uitkering": "ww", "gemeente": "Almere",
        "tekst": "ik zit in de ww en woon in Almere, ik wil een opleiding",
    }
    assert responses(dispatcher) == ["utter_arrangeur", "utter_loket"]
    assert dispatcher.messages[0]["uitleg"] == "Omdat u een WW-uitkering heeft, helpt UWV u verder."
    assert dispatcher.messages[1]["loket"] == "Werkcentrum Flevoland (https://www.werkcentrum.nl)"
    assert events == [{"event": "slot", "timestamp": None, "name": "arrangeur", "value": "uwv"}]


def test_unknown_arrangeur_value_is_not_stored(domain):
    bridge = FakeBridge(arrangeur={"arrangeur": "iemand", "uitleg": "", "loket": None})
    events, dispatcher = run(ActionFindArrangeur(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == []
    assert events == [{"event": "slot", "timestamp": None, "name": "arrangeur", "value": None}]


def test_bridge_down(domain):
    events, dispatcher = run(ActionFindArrangeur(FakeBridge(fail=True)), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == ["utter_bridge_onbereikbaar"]
    assert events == []


def test_missing_uitkering_is_asked_with_buttons(domain):
    bridge = FakeBridge(arrangeur={
        "arrangeur": None,
        "uitleg": "Ik wil weten wie u het beste helpt. Heeft u naast uw werk een uitkering?",
        "ontbreekt": ["uitkering"],
        "loket": None,
    })
    events, dispatcher = run(ActionFindArrangeur(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == ["utter_arrangeur_vraag_uitkering"]
    assert events == [{"event": "slot", "timestamp": None, "name": "arrangeur", "value": None}]
