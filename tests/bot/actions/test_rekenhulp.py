"""The loonkostensubsidie rekenhulp: parsing answers and showing the bridge's sum."""

from __future__ import annotations

import pytest

from bot.actions.rekenhulp import ActionRekenhulp, ValidateRekenhulpForm, euro, parse_getal

from tests.bot.actions.conftest import FakeBridge, load_tracker, responses, run

RESET = [
    {"event": "slot", "timestamp": None, "name": "loonwaarde", "value": None},
    {"event": "slot", "timestamp": None, "name": "uren_per_week", "value": None},
    {"event": "slot", "timestamp": None, "name": "brutoloon", "value": None},
]


@pytest.mark.parametrize(
    ("text", "value"),
    [("60%", 60.0), ("32 uur", 32.0), ("€ 2.300,50", 2300.5), ("2300.5", 2300.5),
     ("2.300", 2300.0), ("0,6", 0.6), ("ongeveer 1950 euro", 1950.0), ("geen idee", None)],
)
def test_parse_getal(text, value):
    assert parse_getal(text) == value


def test_euro_format():
    assert euro(1234.5) == "1.234,50"


def test_invalid_loonwaarde_is_asked_again(domain):
    dispatcher_events = ValidateRekenhulpForm().validate_loonwaarde(
        "150", *_args(domain)
    )
    assert dispatcher_events == {"loonwaarde": None}
    assert ValidateRekenhulpForm().validate_loonwaarde("0,6", *_args(domain)) == {"loonwaarde": 60.0}


def _args(domain):
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher(), load_tracker("rekenhulp_compleet"), domain


def test_shows_the_amount_from_the_bridge(domain):
    bridge = FakeBridge(rekenhulp={"indicatie_per_maand": 1021.33, "waarschuwingen": ["Let op: loon onder WML."],
                                   "voorbehoud": "De gemeente beslist."})
    events, dispatcher = run(ActionRekenhulp(bridge), load_tracker("rekenhulp_compleet"), domain)
    assert bridge.calls == [
        ("rekenhulp", {"loonwaarde_procent": 60.0, "uren_per_week": 32.0, "brutoloon_per_maand": 2300.0})
    ]
    assert responses(dispatcher) == ["utter_rekenhulp_uitkomst"]
    assert dispatcher.messages[0]["subsidie"] == "1.021,33"
    assert dispatcher.messages[0]["uitleg"] == "Let op: loon onder WML."
    assert events == RESET


def test_without_a_rekenhulp_endpoint_points_to_a_medewerker(domain):
    events, dispatcher = run(ActionRekenhulp(FakeBridge()), load_tracker("rekenhulp_compleet"), domain)
    assert responses(dispatcher) == ["utter_rekenhulp_niet_beschikbaar"]
    assert events == RESET
