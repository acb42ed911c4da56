"""Find and mask personal numbers in Dutch free text before it is stored, logged or sent on.

Pure functions, Python 3.10-compatible; the check digits come from python-stdnum (BSN, IBAN) and
phone numbers from phonenumbers' matcher (both pinned in requirements/app.in).

Kinds and the rules they follow (measured by `bench/eval_redaction.py` on
`tests/privacy/redaction_cases.yml`):

- `e-mailadres`: local@domain.tld.
- `iban`: 2 letters, 2 check digits, 11-30 letters/digits (spaces allowed between groups);
  must pass the ISO 13616 mod-97 check and have its country's format (python-stdnum).
- `telefoonnummer`: Dutch numbers (06, landlines 0xx/0xxx: ten digits in all; +31 / 0031
  with an optional "(0)"; 0800/0900/0906/0909 service numbers) and foreign numbers written
  with "+" and a country code. Separators: spaces, dashes, dots, brackets around the area code.
  Candidates come from phonenumbers' PhoneNumberMatcher; a valid number also counts when
  dialled with its 0 or country code.
- `bsn`: nine digits (contiguous or grouped with spaces, dots or dashes) passing the elfproef
  (python-stdnum).
  Not when an order/invoice/customer/KvK word or a currency sign stands right before it.
  Edge cases, decided:
  * right after a BSN word ("bsn", "burgerservicenummer", "sofinummer") a 9-digit number is
    masked even when it fails the elfproef (a mistyped BSN is still meant as one), and an
    8-digit number is masked when it passes the elfproef with the dropped leading zero put
    back (older BSNs are sometimes written that way);
  * an 8-digit number without such a word is NOT masked: that is what KvK numbers look like.
- `geboortedatum`: a date (numeric d-m-jjjj, d/m/jj, d.m.jjjj, jjjj-mm-dd, or "12 maart 1985")
  * always when a birth word ("geboren", "geb.", "geboortedatum", "geboortedag") stands close
    before or after it, also without a year ("geboren op 12 maart");
  * without a birth word only a complete date whose year makes the writer at least 14 now,
    and not when an event word stands right before it ("sinds", "vanaf", "per", "tot", "op",
    "in dienst", "ontslag", ...): "sinds 1 maart 2001" is a start date, not a birth date;
  * a bare year ("geboren in 1985") is not masked: it says little and the bot needs ages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, List, Optional, Tuple

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError
from stdnum.nl import bsn as stdnum_bsn

BSN = "bsn"
IBAN = "iban"
TELEFOONNUMMER = "telefoonnummer"
EMAIL = "e-mailadres"
GEBOORTEDATUM = "geboortedatum"

KINDS: Tuple[str, ...] = (EMAIL, IBAN, TELEFOONNUMMER, BSN, GEBOORTEDATUM)

PLACEHOLDERS = {
    BSN: "[BSN verwijderd]",
    IBAN: "[IBAN verwijderd]",
    TELEFOONNUMMER: "[telefoonnummer verwijderd]",
    EMAIL: "[e-mailadres verwijderd]",
    GEBOORTEDATUM: "[geboortedatum verwijderd]",
}

# How the kinds are named to the user (B1 Dutch), in the order the notice lists them.
_USER_NAMES = {
    BSN: "uw BSN",
    IBAN: "een rekeningnummer (IBAN)",
    TELEFOONNUMMER: "een telefoonnummer",
    EMAIL: "een e-mailadres",
    GEBOORTEDATUM: "een geboortedatum",
}


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind and where it stands in the original text."""

    kind: str
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Redaction:
    """The masked text, the kinds found (first occurrence order, once each) and the findings."""

    text: str
    kinds: Tuple[str, ...]
    findings: Tuple[Finding, ...]


# ---------------------------------------------------------------------------------------------
# Check digits


def is_valid_bsn(digits: str) -> bool:
    """True when nine digits pass the BSN elfproef (python-stdnum's `nl.bsn`; not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False  # stdnum would pad eight digits with a zero; that case is decided by the caller
    return bool(stdnum_bsn.is_valid(digits))


def is_valid_iban(candidate: str) -> bool:
    """True when an IBAN (spaces allowed) passes mod-97 and has its country's length and format (python-stdnum)."""
    iban = candidate.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    try:
        # The country's length and format, not its national check digits: a typo there is still an IBAN.
        stdnum_iban.validate(iban, check_country=False)
    except ValidationError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Detectors. Each gets the text with earlier findings blanked out (same length, so offsets hold)


_EMAIL_RE = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")


def _find_emails(text: str) -> Iterable[Tuple[int, int]]:
    for match in _EMAIL_RE.finditer(text):
        yield match.start(), match.end()


# Groups of 1-4 letters/digits after "NL91"; the longest run that validates wins.
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{1,4}){3,8}(?![A-Za-z0-9])")


def _find_ibans(text: str) -> Iterable[Tuple[int, int]]:
    for match in _IBAN_RE.finditer(text):
        # Trim trailing groups until it validates: "NL91 ABNA 0417 1643 00 en" ends in a word.
        groups = list(re.finditer(r"[A-Za-z0-9]+", match.group()))
        for last in range(len(groups), 0, -1):
            end = match.start() + groups[last - 1].end()
            if is_valid_iban(text[match.start() : end]):
                yield match.start(), end
                break


_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")


def _is_phone(raw: str) -> bool:
    """How Dutch people write a number they want to be called on (also where the numbering plan
    has no such range yet, e.g. 06-9…); rules out dates, KvK numbers and order numbers."""
    # A date such as 01-03-2019 or a time range is not a number anyone dials.
    if "/" in raw or re.search(r"\s{2,}", raw):
        return False
    raw = raw.replace("(0)", "")
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+31") or raw.startswith("0031"):
        national = digits[2:] if raw.startswith("+") else digits[4:]
        return len(national) == 9 and national[0] != "0"
    if raw.startswith("+"):
        return 8 <= len(digits) <= 15
    if digits.startswith("00"):
        # "0012345678" is more often an order number than a foreign phone number.
        return 11 <= len(digits) <= 17
    if digits.startswith(_SERVICE_PREFIXES):
        return len(digits) in (8, 11)
    return digits.startswith("0") and len(digits) == 10 and digits[1] != "0"


def _find_phones(text: str) -> Iterable[Tuple[int, int]]:
    # phonenumbers' matcher finds and parses the candidates (separators, brackets, "(0)", +/00 and
    # country codes). A candidate counts when it is written like a Dutch number, or when it is a
    # valid number dialled with its trunk 0 or country code: nine bare digits are a BSN or an
    # order number far more often than a phone number without its 0.
    # A candidate with a number after it ("06 12345678 12 uur") counts up to where the phone number ends.
    for match in PhoneNumberMatcher(text, "NL", leniency=Leniency.POSSIBLE):
        raw = match.raw_string
        for end in reversed([group.end() for group in re.finditer(r"\d+", raw)]):
            if _counts_as_phone(raw[:end]):
                yield match.start, match.start + end
                break


def _counts_as_phone(raw: str) -> bool:
    if _is_phone(raw):
        return True
    if not raw.lstrip("(").startswith(("+", "0")):
        return False
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(raw, "NL")))
    except phonenumbers.NumberParseException:
        return False


_BSN_WORDS = re.compile(
    r"(?:bsn|burger\s*service\s*nummer|sofi[\s-]*nummer|sofinr)\W{0,12}(?:is\W{1,3}|nummer\W{1,3})?$", re.I
)
_NOT_BSN_WORDS = re.compile(
    r"(?:order|bestel|factuur|klant|kenmerk|dossier|referentie|zaak|kvk|kamer van koophandel|polis|artikel|"
    r"pakket|track|ticket|btw|loonheffing|(?:contract|rekening|personeels|relatie|lid)(?:nummer|nr))"
    r"[\w-]*\W{0,4}(?:nummer|nr)?(?:\W+\w+){0,4}\W{0,4}$|[€$£]\s*$|\beur(?:o)?\s*$",
    re.I,
)
# Nine digits together, or in groups (1234.56.782, 123 456 782, 12-34-56-782).
_NINE_DIGITS_RE = re.compile(r"(?<![\d.,\-/])(?<!\d\s)\d(?:[ .\-]?\d){8}(?![\d])(?![.,\-/]?\d)")
_EIGHT_DIGITS_RE = re.compile(r"(?<![\d.,\-/])\d(?:[ .\-]?\d){7}(?![\d])(?![.,\-/]?\d)")


def _find_bsns(text: str) -> Iterable[Tuple[int, int]]:
    for match in _NINE_DIGITS_RE.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        digits = re.sub(r"\D", "", match.group())
        if _BSN_WORDS.search(before):
            yield match.span()
        elif is_valid_bsn(digits) and not _NOT_BSN_WORDS.search(before):
            yield match.span()
    for match in _EIGHT_DIGITS_RE.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        digits = re.sub(r"\D", "", match.group())
        if _BSN_WORDS.search(before) and is_valid_bsn("0" + digits):
            yield match.span()


_MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "febr": 2,
    "maart": 3,
    "mrt": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUMERIC_DATE_RE = re.compile(
    r"(?<![\d.\-/])(?P<d>\d{1,2})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d])(?![.\-/]\d)"
)
_ISO_DATE_RE = re.compile(r"(?<![\d.\-/])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d\-])")
_WORD_DATE_RE = re.compile(
    r"(?<![\w])(?P<d>\d{1,2})(?:e|ste|de)?\s+(?P<mon>" + _MONTH_ALT + r")\.?"
    r"(?:\s+(?P<y>\d{4}|'\d{2}))?(?![\w])",
    re.I,
)
_BIRTH_BEFORE = re.compile(
    r"(?:geboren|geb\.?|geboortedatum|geboortedag|geb\.\s*datum|geboorte\s*datum|dob)\W{0,3}"
    r"(?:\w+\W{1,3}){0,3}$",
    re.I,
)
_BIRTH_AFTER = re.compile(r"^\W{0,3}(?:\w+\W{1,3}){0,2}(?:geboren|jarig)\b", re.I)
_EVENT_BEFORE = re.compile(
    r"(?:\b(?:sinds|vanaf|per|tot|t/m|tm|na|voor|op|om|van|in dienst|uit dienst|ontslag\w*|"
    r"ingang\w*|einddatum|begindatum|startdatum|datum|afspraak|brief|beschikking|gewerkt|"
    r"werkloos|ziek\w*|betaald|ontvangen|verstuurd|gestuurd|gebeld|getekend|getrouwd|"
    r"gescheiden|overleden|verhuisd|aangevraagd|gekomen|begonnen|gestart|aangenomen|vertrokken|"
    r"tussen|en)\b|-|–)\W{0,3}$",
    re.I,
)
_STRONG_EVENT = re.compile(r"\b(?:sinds|vanaf|per|tot|t/m|na|tussen|en|dienst|ontslag\w*|ziek\w*|contract)\b", re.I)
_SENTENCE_END = re.compile(r"[!?\n]|\.\s+(?=[A-Z])")
MINIMUM_AGE = 14


def _year(raw: Optional[str], today: date) -> Optional[int]:
    if not raw:
        return None
    raw = raw.lstrip("'")
    if len(raw) == 4:
        return int(raw)
    # Two-digit years: the most recent year that is not in the future.
    year = 2000 + int(raw)
    return year if year <= today.year else year - 100


def _date_candidates(text: str, today: date) -> Iterable[Tuple[int, int, Optional[int]]]:
    for match in _NUMERIC_DATE_RE.finditer(text):
        day, month = int(match["d"]), int(match["m"])
        if 1 <= day <= 31 and 1 <= month <= 12:
            yield match.start(), match.end(), _year(match["y"], today)
    for match in _ISO_DATE_RE.finditer(text):
        day, month = int(match["d"]), int(match["m"])
        if 1 <= day <= 31 and 1 <= month <= 12:
            yield match.start(), match.end(), int(match["y"])
    for match in _WORD_DATE_RE.finditer(text):
        if 1 <= int(match["d"]) <= 31:
            yield match.start(), match.end(), _year(match["y"], today)


def _find_birth_dates(text: str, today: date) -> Iterable[Tuple[int, int]]:
    for start, end, year in _date_candidates(text, today):
        # Context words count only within the same sentence.
        before = _SENTENCE_END.split(text[max(0, start - 40) : start])[-1]
        after = _SENTENCE_END.split(text[end : end + 30])[0]
        birth_before = _BIRTH_BEFORE.search(before)
        # "geboren op 12 maart" counts; "geboren en sinds 1-1-2020" does not.
        if birth_before and not _STRONG_EVENT.search(birth_before.group()):
            yield start, end
        elif _STRONG_EVENT.search(before[-25:]):
            continue
        elif _BIRTH_AFTER.search(after):
            yield start, end
        elif _EVENT_BEFORE.search(before):
            continue
        elif year is not None and 1900 <= year <= today.year - MINIMUM_AGE:
            yield start, end


# ---------------------------------------------------------------------------------------------
# Public API


def find_personal_data(text: str, today: Optional[date] = None) -> List[Finding]:
    """All findings in `text`, in text order; earlier kinds win where candidates overlap."""
    today = today or date.today()
    detectors: List[Tuple[str, Callable[[str], Iterable[Tuple[int, int]]]]] = [
        (EMAIL, _find_emails),
        (IBAN, _find_ibans),
        (TELEFOONNUMMER, _find_phones),
        (BSN, _find_bsns),
        (GEBOORTEDATUM, lambda t: _find_birth_dates(t, today)),
    ]
    findings: List[Finding] = []
    work = text
    for kind, detect in detectors:
        for start, end in sorted(set(detect(work))):
            if any(start < f.end and f.start < end for f in findings):
                continue
            findings.append(Finding(kind, start, end, text[start:end]))
        # Blank out what is found, keeping offsets, so later detectors cannot reuse the digits.
        for finding in findings:
            work = work[: finding.start] + "#" * (finding.end - finding.start) + work[finding.end :]
    return sorted(findings, key=lambda f: f.start)


def redact(text: str, today: Optional[date] = None) -> Redaction:
    """Replace every finding by its placeholder, e.g. `[BSN verwijderd]`."""
    findings = find_personal_data(text, today)
    parts: List[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(PLACEHOLDERS[finding.kind])
        position = finding.end
    parts.append(text[position:])
    kinds: List[str] = []
    for finding in findings:
        if finding.kind not in kinds:
            kinds.append(finding.kind)
    return Redaction("".join(parts), tuple(kinds), tuple(findings))


def privacy_notice(kinds: Iterable[str]) -> str:
    """A kind one-time message (B1, "u") telling the user what was removed, or "" for none."""
    wanted = set(kinds)
    found = [name for kind, name in _USER_NAMES.items() if kind in wanted]
    if not found:
        return ""
    listed = found[0] if len(found) == 1 else ", ".join(found[:-1]) + " en " + found[-1]
    return (
        f"Ik heb {listed} uit uw bericht gehaald. Dat is niet nodig om u te helpen. "
        "Deel zulke gegevens liever niet in de chat. Een medewerker vraagt er zelf naar als het nodig is."
    )
