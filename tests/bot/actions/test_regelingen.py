"""Regeling cards after the intake, 'meer regelingen', and questions by name."""

from __future__ import annotations

import datetime as dt

from bot.actions.regelingen import (
    ActionAnswerRegeling,
    ActionFindRegelingen,
    ActionShowMoreRegelingen,
    is_beeindigd,
)
from tests.bot.actions.conftest import (
    REGELING_NO_RISK,
    REGELING_SLIM,
    REGELING_STAP,
    FakeBridge,
    load_tracker,
    regeling,
    responses,
    run,
    slot_events,
)

GEVONDEN = [
    regeling("scholing-tijdens-ww", "Scholing tijdens de WW"),
    regeling("stap-budget", "STAP-budget", status="beeindigd", geldig_tot="2023-12-31"),
    regeling("slim-scholingssubsidie", "SLIM-scholingssubsidie"),
    regeling("leerwerkloket", "Leerwerkloket"),
    regeling("werkcentrum", "Werkcentrum"),
    regeling("ontwikkeladvies", "Ontwikkeladvies", status="onzeker"),
]


def test_shows_three_open_regelingen_as_cards_with_buttons(domain):
    bridge = FakeBridge(regelingen=GEVONDEN)
    events, dispatcher = run(ActionFindRegelingen(bridge), load_tracker("intake_compleet"), domain)
    assert bridge.calls == [
        (
            "find_regelingen",
            {
                "rol": "werkzoekende",
                "uitkering": "ww",
                "gemeente": "Almere",
                "behoefte": "scholing",
                # the person's own words, for traits and a branche with its own fund (issue 17)
                "situatie": "ik zit in de ww en woon in Almere, ik wil een opleiding",
            },
        )
    ]
    assert responses(dispatcher) == [
        "utter_regelingen_intro",
        "utter_regeling_kaart",
        "utter_regeling_kaart",
        "utter_regeling_kaart",
        "utter_regelingen_knoppen",
    ]
    # The ended STAP-budget is never offered, even if the bridge returned it.
    assert events == [
        {
            "event": "slot",
            "timestamp": None,
            "name": "regelingen",
            "value": ["scholing-tijdens-ww", "slim-scholingssubsidie", "leerwerkloket"],
        }
    ]
    card = dispatcher.messages[1]
    assert card["naam"] == "Scholing tijdens de WW"
    assert card["samenvatting"] == "Over Scholing tijdens de WW."  # one line
    assert card["uitvoerder"] == "UWV"
    assert card["bron"] == "https://example.org/scholing-tijdens-ww"


def test_sector_fund_is_shown_after_the_cards(domain):
    fonds = {
        "slug": "ooi",
        "naam": "OOI",
        "status": "open",
        "samenvatting": "Het fonds voor installatie. Tweede zin.",
        "bronnen": ["https://www.ooi.nl"],
    }
    bridge = FakeBridge(regelingen=GEVONDEN[:1], oo_fondsen=[fonds])
    _, dispatcher = run(ActionFindRegelingen(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == [
        "utter_regelingen_intro",
        "utter_regeling_kaart",
        "utter_oo_fonds",
        "utter_regelingen_knoppen",
    ]
    assert dispatcher.messages[2]["naam"] == "OOI"
    assert dispatcher.messages[2]["bron"] == "https://www.ooi.nl"


def test_sector_without_fund_gets_the_honest_advice(domain):
    advies = {
        "sector": "zorg",
        "fondsen": [],
        "uitleg": "Voor de zorg vond ik geen O&O-fonds. Kijk in uw cao.",
        "verwijzing": ["cao"],
        "bronnen": [],
    }
    bridge = FakeBridge(regelingen=GEVONDEN[:1], sector=advies)
    _, dispatcher = run(ActionFindRegelingen(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher)[2] == "utter_sector_advies"
    assert dispatcher.messages[2]["uitleg"] == "Voor de zorg vond ik geen O&O-fonds. Kijk in uw cao."


def test_several_funds_get_the_advice_which_cao_fits(domain):
    fondsen = [
        {"slug": slug, "naam": slug.upper(), "status": "open", "samenvatting": "x.", "bronnen": []}
        for slug in ("wij-techniek", "oom")
    ]
    advies = {
        "sector": "techniek",
        "fondsen": ["wij-techniek", "oom"],
        "uitleg": "In de techniek zijn er meerdere fondsen.\n",
        "verwijzing": [],
        "bronnen": [],
    }
    bridge = FakeBridge(regelingen=GEVONDEN[:1], oo_fondsen=fondsen, sector=advies)
    _, dispatcher = run(ActionFindRegelingen(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher)[2] == "utter_sector_advies"
    assert dispatcher.messages[2]["uitleg"] == "In de techniek zijn er meerdere fondsen."


def test_branche_named_by_the_person_shows_its_own_fund(domain):
    # Issue 17: "ik werk bij een bakkerij" -> the bridge answers with the sub-sector and its fund first.
    fonds = {
        "slug": "sociaal-fonds-bakkersbedrijf",
        "naam": "Sociaal Fonds Bakkersbedrijf (SFB)",
        "status": "open",
        "samenvatting": "Het fonds van de bakkerijen. Tweede zin.",
        "bronnen": ["https://www.sociaalfondsbakkersbedrijf.nl"],
    }
    advies = {
        "sector": "detailhandel",
        "fondsen": ["sociaal-fonds-bakkersbedrijf"],
        "uitleg": "Voor bakkerijen is er SFB.",
        "verwijzing": [],
        "bronnen": [],
        "subsector": "bakkerij",
        "subsectoren": ["bakkerij"],
        "vervolgvraag": None,
    }
    bridge = FakeBridge(regelingen=GEVONDEN[:1], oo_fondsen=[fonds], sector=advies)
    _, dispatcher = run(ActionFindRegelingen(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == [
        "utter_regelingen_intro",
        "utter_regeling_kaart",
        "utter_oo_fonds",
        "utter_regelingen_knoppen",
    ]
    assert dispatcher.messages[2]["naam"] == "Sociaal Fonds Bakkersbedrijf (SFB)"


def test_sector_advice_ends_with_the_sub_sector_follow_up(domain):
    # Issue 17: the sector is known, the branche is not: the advice names the branches with their own fund.
    advies = {
        "sector": "detailhandel",
        "fondsen": [],
        "uitleg": "Voor de detailhandel vond ik geen fonds.",
        "verwijzing": ["cao"],
        "bronnen": [],
        "subsector": None,
        "subsectoren": ["bakkerij"],
        "vervolgvraag": "Werkt u bij een bakkerij? Dan is er een fonds voor u: Sociaal Fonds Bakkersbedrijf (SFB).",
    }
    bridge = FakeBridge(regelingen=GEVONDEN[:1], sector=advies)
    _, dispatcher = run(ActionFindRegelingen(bridge), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher)[2] == "utter_sector_advies"
    assert dispatcher.messages[2]["uitleg"] == (
        "Voor de detailhandel vond ik geen fonds. Werkt u bij een bakkerij? Dan is er een fonds voor u: "
        "Sociaal Fonds Bakkersbedrijf (SFB)."
    )


def test_no_match_offers_a_medewerker(domain):
    events, dispatcher = run(ActionFindRegelingen(FakeBridge()), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == ["utter_geen_regelingen"]
    assert slot_events(events) == {"regelingen": []}


def test_bridge_down_gives_a_clear_message_and_no_slots(domain):
    events, dispatcher = run(ActionFindRegelingen(FakeBridge(fail=True)), load_tracker("intake_compleet"), domain)
    assert responses(dispatcher) == ["utter_bridge_onbereikbaar"]
    assert events == []


def test_show_more_skips_what_was_shown(domain):
    bridge = FakeBridge(regelingen=GEVONDEN)
    events, dispatcher = run(ActionShowMoreRegelingen(bridge), load_tracker("meer_regelingen"), domain)
    assert responses(dispatcher) == ["utter_regeling_kaart", "utter_regeling_kaart", "utter_regelingen_knoppen"]
    assert slot_events(events)["regelingen"] == [
        "scholing-tijdens-ww",
        "slim-scholingssubsidie",
        "leerwerkloket",
        "werkcentrum",
        "ontwikkeladvies",
    ]


def test_show_more_when_nothing_is_left(domain):
    bridge = FakeBridge(regelingen=GEVONDEN[:4])
    events, dispatcher = run(ActionShowMoreRegelingen(bridge), load_tracker("meer_regelingen"), domain)
    assert responses(dispatcher) == ["utter_geen_meer_regelingen"]
    assert events == []


def test_stap_has_ended_and_names_its_successor(domain):
    bridge = FakeBridge(entries={"stap-budget": REGELING_STAP, "slim-scholingssubsidie": REGELING_SLIM})
    events, dispatcher = run(ActionAnswerRegeling(bridge), load_tracker("vraag_stap"), domain)
    assert responses(dispatcher) == ["utter_regeling_beeindigd", "utter_regeling_opvolger"]
    assert dispatcher.messages[0]["einddatum"] == "1 januari 2024"
    assert dispatcher.messages[0]["naam"] == "STAP-budget"
    assert dispatcher.messages[1]["opvolger"] == "SLIM-scholingssubsidie"
    assert [call for call, _ in bridge.calls] == ["get_regeling", "get_regeling"]
    assert slot_events(events) == {"regeling": "stap-budget"}


def test_open_regeling_gets_a_direct_answer_with_source(domain):
    bridge = FakeBridge(entries={"no-riskpolis": REGELING_NO_RISK})
    _, dispatcher = run(ActionAnswerRegeling(bridge), load_tracker("vraag_no_riskpolis"), domain)
    assert responses(dispatcher) == ["utter_regeling_open"]
    assert dispatcher.messages[0]["bron"] == "https://www.uwv.nl/werkgevers/werknemer-met-uitkering/no-riskpolis"
    assert dispatcher.messages[0]["uitvoerder"] == "UWV"


def test_regeling_past_its_end_date_is_ended_even_if_marked_open(domain):
    verlopen = {**REGELING_SLIM, "status": "open", "geldig_tot": "2027-12-31"}
    bridge = FakeBridge(entries={"no-riskpolis": {**verlopen, "slug": "no-riskpolis"}})
    action = ActionAnswerRegeling(bridge, today=dt.date(2028, 1, 2))
    _, dispatcher = run(action, load_tracker("vraag_no_riskpolis"), domain)
    assert responses(dispatcher) == ["utter_regeling_beeindigd"]
    assert dispatcher.messages[0]["einddatum"] == "1 januari 2028"


def test_unknown_slug_and_missing_name(domain):
    _, dispatcher = run(ActionAnswerRegeling(FakeBridge()), load_tracker("vraag_stap"), domain)
    assert responses(dispatcher) == ["utter_regeling_onbekend"]
    _, dispatcher = run(ActionAnswerRegeling(FakeBridge()), load_tracker("vraag_regeling_zonder_naam"), domain)
    assert responses(dispatcher) == ["utter_regeling_welke"]


def test_is_beeindigd_uses_the_date():
    assert is_beeindigd({"status": "open", "geldig_tot": "2024-12-31"}, dt.date(2025, 1, 1))
    assert not is_beeindigd({"status": "open", "geldig_tot": "2024-12-31"}, dt.date(2024, 12, 31))
    assert is_beeindigd({"status": "beeindigd"}, dt.date(2020, 1, 1))


def test_each_card_says_why_it_fits_and_the_rest_waits_behind_meer(domain):
    # Issue 17: one line per card on why it fits this person, from the bridge's `past_bij_u`; top 3 first.
    gevonden = [
        {**regeling(slug, slug.upper()), "past_bij_u": f"Past bij u: reden {i}."}
        for i, slug in enumerate(["no-riskpolis", "lkv-banenafspraak", "jobcoach", "loonkostensubsidie", "werkcentrum"])
    ]
    events, dispatcher = run(
        ActionFindRegelingen(FakeBridge(regelingen=gevonden)), load_tracker("intake_compleet"), domain
    )
    cards = [m for m in dispatcher.messages if m.get("response") == "utter_regeling_kaart"]
    assert [c["samenvatting"] for c in cards] == [
        "Over NO-RISKPOLIS.\nPast bij u: reden 0.",
        "Over LKV-BANENAFSPRAAK.\nPast bij u: reden 1.",
        "Over JOBCOACH.\nPast bij u: reden 2.",
    ]
    assert responses(dispatcher)[-1] == "utter_regelingen_knoppen"  # "Meer regelingen" → /show_more
    assert slot_events(events)["regelingen"] == ["no-riskpolis", "lkv-banenafspraak", "jobcoach"]
    # "Meer regelingen" asks again with the same intake and words, and shows the rest with their line.
    bridge = FakeBridge(regelingen=gevonden)
    tracker = load_tracker("meer_regelingen")
    tracker.slots["regelingen"] = ["no-riskpolis", "lkv-banenafspraak", "jobcoach"]
    events, dispatcher = run(ActionShowMoreRegelingen(bridge), tracker, domain)
    assert [m["samenvatting"] for m in dispatcher.messages if m.get("response") == "utter_regeling_kaart"] == [
        "Over LOONKOSTENSUBSIDIE.\nPast bij u: reden 3.",
        "Over WERKCENTRUM.\nPast bij u: reden 4.",
    ]
    assert bridge.calls[0][1].get("situatie")
