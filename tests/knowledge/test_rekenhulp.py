"""Loonkostensubsidie rekenhulp against hand-worked examples (worked out in the comments)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from bridge.knowledge.rekenhulp import bereken_loonkostensubsidie, wml_op

MARCH_2026 = dt.date(2026, 3, 1)  # WML € 14,71 per hour since 1 Jan 2026; not yet stale


def test_half_loonwaarde_full_time() -> None:
    # 36 h/wk -> 36 x 52 / 12 = 156 h/month; WML 14,71 x 156 = 2.294,76; incl. 8 % vakantiebijslag 2.478,3408
    # loonwaarde 50 % of 2.478,3408 = 1.239,1704; LKS = 2.478,3408 - 1.239,1704 = 1.239,1704 (< 70 % = 1.734,84)
    # werkgeverslasten 23,5 % x 1.239,1704 = 291,205044; total 1.530,375444 -> 1.530,38
    u = bereken_loonkostensubsidie(D(50), D(36), MARCH_2026)
    assert u.uren_per_maand == D("156.00")
    assert u.wml_per_maand == D("2294.76")
    assert u.loonkostensubsidie == D("1239.17")
    assert u.werkgeverslasten == D("291.21")
    assert u.indicatie_per_maand == D("1530.38")
    assert not u.maximum_bereikt
    assert u.waarschuwingen == []


def test_low_loonwaarde_hits_70_percent_cap() -> None:
    # loonwaarde 20 % -> uncapped LKS 80 % x 2.478,3408 = 1.982,67; cap 70 % x 2.478,3408 = 1.734,83856
    # werkgeverslasten 23,5 % x 1.734,83856 = 407,6870616; total 2.142,5256216 -> 2.142,53
    u = bereken_loonkostensubsidie(D(20), D(36), MARCH_2026)
    assert u.maximum_bereikt
    assert u.loonkostensubsidie == D("1734.84")
    assert u.werkgeverslasten == D("407.69")
    assert u.indicatie_per_maand == D("2142.53")


def test_part_time_with_cao_wage_above_wml() -> None:
    # 24 h/wk -> 104 h/month; WML 14,71 x 104 = 1.529,84; incl. vb 1.652,2272
    # functieloon 2.000 incl. vb 2.160; loonwaarde 60 % = 1.296; LKS = 1.652,2272 - 1.296 = 356,2272
    # werkgeverslasten 23,5 % = 83,713392; total 439,940592 -> 439,94
    u = bereken_loonkostensubsidie(D(60), D(24), MARCH_2026, brutoloon_per_maand=D(2000))
    assert u.loonwaarde_per_maand == D("1296.00")
    assert u.loonkostensubsidie == D("356.23")
    assert u.indicatie_per_maand == D("439.94")


def test_own_wml_override() -> None:
    # WML 15,00 x 40 h x 52 / 12 = 2.600; incl. vb 2.808; loonwaarde 70 % = 1.965,60; LKS 842,40
    # werkgeverslasten 23,5 % = 197,964; total 1.040,364 -> 1.040,36
    u = bereken_loonkostensubsidie(D(70), D(40), MARCH_2026, wml_per_uur=D("15.00"))
    assert u.wml_per_maand == D("2600.00")
    assert u.indicatie_per_maand == D("1040.36")
    assert u.wml_bron is None


def test_full_loonwaarde_gives_nothing() -> None:
    u = bereken_loonkostensubsidie(D(100), D(36), MARCH_2026)
    assert u.indicatie_per_maand == D("0.00")
    assert any("geen loonkostensubsidie" in w for w in u.waarschuwingen)


def test_wage_below_wml_is_flagged_and_wml_used() -> None:
    # 36 h at WML is 2.294,76 a month; 1.500 is below it, so the calculation uses WML (same as example 1)
    u = bereken_loonkostensubsidie(D(50), D(36), MARCH_2026, brutoloon_per_maand=D(1500))
    assert u.indicatie_per_maand == D("1530.38")
    assert any("lager dan het minimumloon" in w for w in u.waarschuwingen)


def test_wml_follows_the_date_and_warns_when_stale() -> None:
    assert wml_op(dt.date(2025, 9, 1))[0] == D("14.40")
    assert wml_op(dt.date(2026, 1, 1))[0] == D("14.71")
    assert wml_op(dt.date(2026, 6, 30))[3] is False
    assert wml_op(dt.date(2026, 7, 1))[3] is True  # after 1 July 2026 a newer WML may apply
    u = bereken_loonkostensubsidie(D(50), D(36), dt.date(2026, 11, 23))
    assert any("14,71" in w for w in u.waarschuwingen)


@pytest.mark.parametrize(("lw", "uren"), [(D(-1), D(36)), (D(101), D(36)), (D(50), D(0)), (D(50), D(61))])
def test_invalid_input(lw: D, uren: D) -> None:
    with pytest.raises(ValueError):
        bereken_loonkostensubsidie(lw, uren, MARCH_2026)
