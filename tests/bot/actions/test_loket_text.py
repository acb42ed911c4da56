"""How the bot tells someone to reach their regional desk (issue 17): own details, else the national site."""

from __future__ import annotations

from bot.actions.arrangeur import ActionFindArrangeur, loket_text
from tests.bot.actions.conftest import FakeBridge, load_tracker, responses, run


def test_confirmed_desk_shows_website_phone_and_address():
    text = loket_text(
        {
            "naam": "Werkcentrum Groningen Noord-Drenthe",
            "url": None,
            "telefoon": "050 123 45 67",
            "adres": "Harm Buiterplein, Groningen",
            "bevestigd": True,
            "terugval": None,
        }
    )
    assert text == ("Werkcentrum Groningen Noord-Drenthe. Telefoon: 050 123 45 67. Adres: Harm Buiterplein, Groningen.")
    assert loket_text({"naam": "WSP Rijnmond", "url": "https://wsprijnmond.nl", "bevestigd": True}) == (
        "WSP Rijnmond. Website: https://wsprijnmond.nl."
    )


def test_unconfirmed_desk_says_so_and_points_to_the_national_site():
    text = loket_text(
        {
            "naam": "Werkgeversservicepunt Friesland",
            "url": None,
            "bevestigd": False,
            "terugval": "https://www.werkcentrum.nl",
        }
    )
    assert text is not None
    assert text.startswith("Werkgeversservicepunt Friesland. Wij hebben de website en het telefoonnummer")
    assert text.endswith("Kijk op https://www.werkcentrum.nl voor het loket bij u in de buurt.")


def test_older_bridge_payload_and_nothing_to_show():
    assert loket_text({"naam": "Werkcentrum Flevoland", "url": "https://www.werkcentrum.nl"}) == (
        "Werkcentrum Flevoland (https://www.werkcentrum.nl)"
    )
    assert loket_text({"organisatie": "UWV", "url": "https://www.uwv.nl"}) is None
    assert loket_text(None) is None


def test_action_shows_how_to_reach_the_desk(domain):
    bridge = FakeBridge(
        arrangeur={
            "arrangeur": "werkgeversservicepunt",
            "uitleg": "Omdat u werkgever bent, helpt het Werkgeversservicepunt in uw regio u verder.",
            "ontbreekt": [],
            "loket": {
                "naam": "WSP Midden-Holland",
                "url": "https://wspmiddenholland.nl",
                "telefoon": None,
                "adres": None,
                "bevestigd": True,
                "terugval": None,
            },
        }
    )
    _, dispatcher = run(ActionFindArrangeur(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == ["utter_arrangeur", "utter_loket"]
    assert dispatcher.messages[1]["loket"] == "WSP Midden-Holland. Website: https://wspmiddenholland.nl."
