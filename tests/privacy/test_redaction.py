"""Unit tests of the redaction detector, plus the evaluation set as a regression gate."""

from __future__ import annotations

from datetime import date

import pytest

from bench.eval_redaction import evaluate
from bridge.privacy.redaction import (
    BSN,
    EMAIL,
    GEBOORTEDATUM,
    IBAN,
    TELEFOONNUMMER,
    find_personal_data,
    is_valid_bsn,
    is_valid_iban,
    privacy_notice,
    redact,
)

TODAY = date(2025, 9, 1)


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "497726713", "010000008"])
def test_elfproef_accepts_valid_bsn(bsn: str) -> None:
    assert is_valid_bsn(bsn)


@pytest.mark.parametrize("bsn", ["123456789", "000000000", "12345678", "1234567820", "12345678a"])
def test_elfproef_rejects_invalid_bsn(bsn: str) -> None:
    assert not is_valid_bsn(bsn)


@pytest.mark.parametrize(
    "iban", ["NL91ABNA0417164300", "nl91 abna 0417 1643 00", "BE71096123456769", "GB82WEST12345698765432"]
)
def test_mod97_accepts_valid_iban(iban: str) -> None:
    assert is_valid_iban(iban)


@pytest.mark.parametrize(
    "iban",
    [
        "NL91ABNA0417164301",  # wrong check
        "NL91ABNA041716430",  # too short for NL
        "GB82WEST1234569876543",  # too short for GB
        "XX00",
    ],
)
def test_mod97_rejects_invalid_iban(iban: str) -> None:
    assert not is_valid_iban(iban)


def test_redact_replaces_each_kind_with_its_placeholder() -> None:
    text = (
        "Ik ben geboren op 12 maart 1985, BSN 123456782, IBAN NL91 ABNA 0417 1643 00, "
        "mail jan@example.nl, bel 06-12345678."
    )
    result = redact(text, today=TODAY)
    assert result.text == (
        "Ik ben geboren op [geboortedatum verwijderd], BSN [BSN verwijderd], "
        "IBAN [IBAN verwijderd], mail [e-mailadres verwijderd], bel [telefoonnummer verwijderd]."
    )
    assert result.kinds == (GEBOORTEDATUM, BSN, IBAN, EMAIL, TELEFOONNUMMER)


def test_kinds_are_listed_once_in_order_of_first_occurrence() -> None:
    result = redact("bel 0612345678 of 0201234567, bsn 123456782", today=TODAY)
    assert result.kinds == (TELEFOONNUMMER, BSN)
    assert [f.kind for f in result.findings] == [TELEFOONNUMMER, TELEFOONNUMMER, BSN]


def test_text_without_personal_data_is_unchanged() -> None:
    text = "Ik verdien € 1.234,56, woon op 1234 AB nummer 12 en werk sinds 1 maart 2001 om 08.30."
    result = redact(text, today=TODAY)
    assert result.text == text
    assert result.kinds == ()
    assert result.findings == ()


def test_findings_point_into_the_original_text() -> None:
    text = "mijn bsn 1234.56.782 en mail a@b.nl"
    for finding in find_personal_data(text, today=TODAY):
        assert text[finding.start : finding.end] == finding.value


def test_eight_digit_bsn_only_after_a_bsn_word() -> None:
    assert redact("Mijn BSN is 97605116", today=TODAY).kinds == (BSN,)
    assert redact("Ons KvK-nummer is 97605116", today=TODAY).kinds == ()
    assert redact("97605116", today=TODAY).kinds == ()


def test_nine_digits_failing_elfproef_are_kept_unless_called_bsn() -> None:
    assert redact("ordernummer 123456789", today=TODAY).kinds == ()
    assert redact("123456789", today=TODAY).kinds == ()
    assert redact("mijn bsn is 123456789", today=TODAY).kinds == (BSN,)


def test_valid_elfproef_after_an_order_word_is_not_a_bsn() -> None:
    assert redact("factuurnummer 123456782", today=TODAY).kinds == ()
    assert redact("€ 123.456.782", today=TODAY).kinds == ()


def test_birth_date_age_rule_depends_on_today() -> None:
    # Without a birth word a full date counts only when the writer would be at least 14.
    assert redact("Jan, 01-02-2015, Utrecht", today=TODAY).kinds == ()
    assert redact("Jan, 01-02-2015, Utrecht", today=date(2030, 1, 1)).kinds == (GEBOORTEDATUM,)
    assert redact("geboren 01-02-2015", today=TODAY).kinds == (GEBOORTEDATUM,)


@pytest.mark.parametrize(
    "text",
    [
        "sinds 1 maart",
        "Per 1 januari 2024 ben ik ontslagen",
        "Ik ben geboren in 1985",
        "afspraak 14/10 om 14:30",
        "Ik ben 12-03-1985 geboren en sinds 01-01-2020 in de WW",
    ],
)
def test_dates_that_are_not_birth_dates(text: str) -> None:
    kinds = [f.value for f in find_personal_data(text, today=TODAY)]
    assert "01-01-2020" not in kinds
    assert all(v not in ("1 maart", "1 januari 2024", "1985", "14/10") for v in kinds)


def test_phone_number_with_trailing_number_is_cut_right() -> None:
    result = redact("Mijn nummer is 06 12345678 12 uur bereikbaar", today=TODAY)
    assert result.text == "Mijn nummer is [telefoonnummer verwijderd] 12 uur bereikbaar"


def test_iban_followed_by_a_word_keeps_the_word() -> None:
    result = redact("NL91 ABNA 0417 1643 00 en verder", today=TODAY)
    assert result.text == "[IBAN verwijderd] en verder"


def test_empty_and_long_input() -> None:
    assert redact("").text == ""
    long_text = ("Ik zoek werk in de zorg. " * 400) + "bsn 123456782"
    assert redact(long_text, today=TODAY).kinds == (BSN,)


def test_privacy_notice_is_kind_dutch_and_lists_kinds_once() -> None:
    assert privacy_notice([]) == ""
    notice = privacy_notice([TELEFOONNUMMER, BSN, TELEFOONNUMMER])
    assert notice.startswith("Ik heb uw BSN en een telefoonnummer uit uw bericht gehaald.")
    assert " u " in notice and "je " not in notice


def test_evaluation_set_meets_target() -> None:
    result = evaluate()
    assert result.cases >= 150
    assert result.overall.precision >= 0.98, result.errors
    assert result.overall.recall >= 0.98, result.errors
    for kind, score in result.per_kind.items():
        assert score.tp > 0, f"no positives for {kind}"
