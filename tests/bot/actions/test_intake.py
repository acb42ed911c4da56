"""Pure intake helpers: rol inference and value normalisation."""

from __future__ import annotations

import pytest

from bot.actions.intake import infer_rol, normalise_behoefte, normalise_sector, normalise_uitkering


@pytest.mark.parametrize(
    ("intent", "text", "uitkering", "behoefte", "rol"),
    [
        ("inform", "ik werk 12 uur en heb aanvullende bijstand", "bijstand", None, "werkende"),
        ("inform", "ik zit sinds maart in de ww", "ww", None, "werkzoekende"),
        ("inform", "ik heb een wajong uitkering", "wajong", None, "werkzoekende"),
        ("inform", "ik zoek werk en heb bijstand", "bijstand", None, "werkzoekende"),
        ("inform", "ik werk in de techniek", None, None, "werkende"),
        ("inform", "mijn werkgever gaat reorganiseren", None, None, "werkende"),
        ("inform", "we zoeken personeel in Almere", None, "personeel_vinden", "werkgever"),
        ("inform", "in Almere", None, None, None),
        ("inform", "ik heb geen uitkering", "geen", None, None),
        ("inform_werkgever", "ik zit in de ww", "ww", None, None),  # the intent decides then
    ],
)
def test_infer_rol(intent, text, uitkering, behoefte, rol):
    assert infer_rol(intent, text, uitkering, behoefte) == rol


@pytest.mark.parametrize(
    ("value", "expected"),
    [("WW", "ww"), ("aanvullende bijstand", "bijstand"), ("WGA", "wia"), ("Wajong", "wajong"), ("huurtoeslag", None)],
)
def test_normalise_uitkering(value, expected):
    assert normalise_uitkering(value) == expected


def test_normalise_sector_and_behoefte():
    assert normalise_sector("transport_logistiek") == "transport_logistiek"
    assert normalise_sector("Zakelijke dienstverlening") == "zakelijke_dienstverlening"
    assert normalise_sector("ik werk in een winkel") == "detailhandel"
    assert normalise_sector("ruimtevaart") is None
    assert normalise_behoefte("ik wil een cursus") == "scholing"
    assert normalise_behoefte("we zoeken personeel") == "personeel_vinden"
