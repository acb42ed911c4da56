"""Pure intake helpers: value normalisation (the rol is decided by bot.nlp.rol)."""

from __future__ import annotations

import pytest

from bot.actions.intake import normalise_behoefte, normalise_sector, normalise_uitkering


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
