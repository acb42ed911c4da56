"""action_find_arrangeur: POST /api/arrangeur and explain the outcome."""

from __future__ import annotations

from bot.actions.arrangeur import ActionFindArrangeur, split_vraag, user_texts
from tests.bot.actions.conftest import FakeBridge, load_tracker, responses, run


def test_sets_arrangeur_and_shows_uitleg_and_loket(domain):
    bridge = FakeBridge(
        arrangeur={
            "arrangeur": "uwv",
            "uitleg": "Omdat u een WW-uitkering heeft, helpt UWV u verder.",
            "ontbreekt": [],
            "loket": {"naam": "Werkcentrum Flevoland", "url": "https://www.werkcentrum.nl"},
        }
    )
    events, dispatcher = run(ActionFindArrangeur(bridge), load_tracker("intake_compleet"), domain)
    name, payload = bridge.calls[0]
    assert name == "find_arrangeur"
    assert payload == {
        "rol": "werkzoekende",
        "uitkering": "ww",
        "gemeente": "Almere",
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
    bridge = FakeBridge(
        arrangeur={
            "arrangeur": None,
            "uitleg": "Ik wil weten wie u het beste helpt. Heeft u naast uw werk een uitkering?",
            "ontbreekt": ["uitkering"],
            "loket": None,
        }
    )
    events, dispatcher = run(ActionFindArrangeur(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == ["utter_arrangeur_vraag_uitkering"]
    assert events == [{"event": "slot", "timestamp": None, "name": "arrangeur", "value": None}]


def test_provisional_answer_shows_who_the_desk_then_the_question(domain):
    # Issue 17: a werkende whose uitkering is unknown gets the sociale partners provisionally; the
    # question whose answer may change that comes last, with the uitkering buttons.
    bridge = FakeBridge(
        arrangeur={
            "arrangeur": "sociale_partners",
            "uitleg": "Omdat u werkt, helpen in principe de sociale partners u verder. "
            "Dat is anders als u een WW-uitkering heeft. Heeft u naast uw werk een uitkering?",
            "ontbreekt": ["uitkering"],
            "loket": {"naam": "Leerwerkloket Flevoland", "url": "https://www.lerenenwerken.nl"},
            "voorlopig": True,
        }
    )
    events, dispatcher = run(ActionFindArrangeur(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == ["utter_arrangeur", "utter_loket", "utter_arrangeur_vraag_uitkering"]
    assert dispatcher.messages[0]["uitleg"] == (
        "Omdat u werkt, helpen in principe de sociale partners u verder. Dat is anders als u een WW-uitkering heeft."
    )
    assert dispatcher.messages[2]["uitleg"] == "Heeft u naast uw werk een uitkering?"
    assert events == [{"event": "slot", "timestamp": None, "name": "arrangeur", "value": "sociale_partners"}]


def test_split_vraag_keeps_a_lone_question_whole():
    assert split_vraag("Heeft u een uitkering?") == ("", "Heeft u een uitkering?")
    assert split_vraag("Eerst dit. Dan dat?") == ("Eerst dit.", "Dan dat?")


def test_every_message_goes_to_the_rules_latest_first_kept():
    # Each message on its own line, so "geen" in one message never negates a benefit in the next.
    tracker = load_tracker("intake_compleet")
    tracker.events.append({"event": "user", "text": "ik heb geen werk"})
    tracker.events.append({"event": "user", "text": '/inform{"uitkering": "geen"}'})
    tracker.events.append({"event": "user", "text": "IOW"})
    assert user_texts(tracker) == "ik zit in de ww en woon in Almere, ik wil een opleiding\nik heb geen werk\nIOW"
    tracker.events.append({"event": "user", "text": "x" * 3000})
    assert len(user_texts(tracker)) == 2000
