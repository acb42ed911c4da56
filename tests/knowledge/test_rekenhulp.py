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


# --- Issue 17: the minimumloon by age (minimumjeugdloon) and the WML table by date ---------------------------


@pytest.mark.parametrize(
    ("leeftijd", "uurloon"),
    # SVB's published hourly amounts from 1 January 2025 (21+ € 14,06): the percentages rounded to cents match them.
    [(21, "14.06"), (20, "11.25"), (19, "8.44"), (18, "7.03"), (17, "5.55"), (16, "4.85"), (15, "4.22")],
)
def test_youth_minimumloon_matches_the_published_amounts_of_january_2025(leeftijd: int, uurloon: str) -> None:
    u = bereken_loonkostensubsidie(D(50), D(36), dt.date(2025, 3, 1), leeftijd=leeftijd)
    assert u.wml_per_uur == D(uurloon)
    assert u.wml_21_plus_per_uur == D("14.06")
    assert u.wml_geldig_vanaf == dt.date(2025, 1, 1)


def test_nineteen_year_old_full_time_half_loonwaarde() -> None:
    # 19 jaar: 60 % of 14,71 = 8,826 -> 8,83 per hour; 36 h/wk -> 156 h/month; 8,83 x 156 = 1.377,48
    # incl. 8 % vb 1.487,6784; loonwaarde 50 % = 743,8392; LKS = 743,8392 (cap 70 % = 1.041,37 not reached)
    # werkgeverslasten 23,5 % = 174,802212; total 918,641412 -> 918,64 (adult WML gave 1.530,38)
    u = bereken_loonkostensubsidie(D(50), D(36), MARCH_2026, leeftijd=19)
    assert u.wml_per_uur == D("8.83")
    assert u.wml_per_maand == D("1377.48")
    assert u.loonkostensubsidie == D("743.84")
    assert u.werkgeverslasten == D("174.80")
    assert u.indicatie_per_maand == D("918.64")
    assert u.minimumloon_percentage == D("0.600")
    assert any("19 jaar" in t and "8,83" in t and "01-01-2026" in t for t in u.toelichting)
    assert any("bbl" in t for t in u.toelichting)  # 18-20: the bbl amounts are lower still


def test_eighteen_year_old_in_spring_2025_hits_the_cap() -> None:
    # 1 Jan-30 Jun 2025: 21+ WML 14,06; 18 jaar 50 % = 7,03. 32 h/wk -> 32 x 52 / 12 = 138,67 h/month
    # WML month 7,03 x 1.664 / 12 = 974,8267; incl. vb 1.052,8128; loonwaarde 20 % = 210,56256
    # uncapped LKS 842,25; cap 70 % = 736,96896 -> capped; werkgeverslasten 173,1877056; total 910,1566656 -> 910,16
    u = bereken_loonkostensubsidie(D(20), D(32), dt.date(2025, 3, 1), leeftijd=18)
    assert u.wml_per_uur == D("7.03")
    assert u.wml_per_maand == D("974.83")
    assert u.maximum_bereikt
    assert u.loonkostensubsidie == D("736.97")
    assert u.indicatie_per_maand == D("910.16")


def test_seventeen_year_old_with_a_cao_wage() -> None:
    # 17 jaar: 39,5 % of 14,71 = 5,81045 -> 5,81; 24 h/wk -> 104 h; WML month 604,24; incl. vb 652,5792
    # cao wage 800 >= WML, so loonwaarde 60 % x 800 x 1,08 = 518,40; LKS 134,1792; lasten 31,532112; total 165,71
    u = bereken_loonkostensubsidie(D(60), D(24), MARCH_2026, brutoloon_per_maand=D(800), leeftijd=17)
    assert u.wml_per_uur == D("5.81")
    assert u.loonwaarde_per_maand == D("518.40")
    assert u.indicatie_per_maand == D("165.71")


def test_21_and_older_is_the_adult_amount_and_unknown_age_says_so() -> None:
    adult = bereken_loonkostensubsidie(D(50), D(36), MARCH_2026, leeftijd=45)
    unknown = bereken_loonkostensubsidie(D(50), D(36), MARCH_2026)
    assert adult.indicatie_per_maand == unknown.indicatie_per_maand == D("1530.38")
    assert any("jonger dan 21" in t for t in unknown.toelichting)
    assert not any("jonger dan 21" in t for t in adult.toelichting)
    assert all("14,71" in t and "01-01-2026" in t for t in (adult.toelichting[0], unknown.toelichting[0]))


def test_override_is_the_adult_amount_and_the_age_still_applies() -> None:
    # override 15,00 for 21+; 20 jaar 80 % = 12,00; 40 h -> 173,33 h; WML month 12 x 2.080 / 12 = 2.080
    u = bereken_loonkostensubsidie(D(70), D(40), MARCH_2026, wml_per_uur=D("15.00"), leeftijd=20)
    assert u.wml_per_uur == D("12.00")
    assert u.wml_per_maand == D("2080.00")
    assert u.wml_geldig_vanaf is None and u.wml_bron is None


def test_below_15_there_is_no_minimumloon() -> None:
    with pytest.raises(ValueError):
        bereken_loonkostensubsidie(D(50), D(36), MARCH_2026, leeftijd=14)


def test_wml_table_has_the_first_half_of_2025_and_warns_after_july_2026() -> None:
    assert wml_op(dt.date(2025, 1, 1))[:2] == (D("14.06"), dt.date(2025, 1, 1))
    assert wml_op(dt.date(2025, 6, 30))[0] == D("14.06")
    assert wml_op(dt.date(2025, 7, 1))[0] == D("14.40")
    assert "svb.nl" in wml_op(dt.date(2025, 3, 1))[2]
    # No official amount for 1 July 2026 was found: the warning stays (and names the date of the amount used).
    u = bereken_loonkostensubsidie(D(50), D(36), dt.date(2026, 12, 7), leeftijd=20)
    assert any("01-01-2026" in w for w in u.waarschuwingen)
