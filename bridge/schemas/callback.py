"""API shapes of a callback request (terugbelverzoek): what the person sends, and what each side sees back.

The phone number is checked and normalised with Google's libphonenumber (the `phonenumbers` package),
the e-mail address with `email-validator` (syntax only, no DNS look-up). Error messages are Dutch
and do not quote the number (FastAPI's 422 body echoes the input back to the sender only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bridge.schemas.times import UtcDateTime

if TYPE_CHECKING:
    from bridge.models import CallbackRequest

# The consent text the web chat shows next to the checkbox; change the version with the text.
CONSENT_VERSION = "terugbellen-v1"
CONSENT_TEXT = (
    "Ik geef toestemming dat een medewerker mij belt over deze vraag. Mijn nummer wordt alleen bij "
    "deze aanvraag bewaard en verwijderd als de vraag is afgehandeld."
)
Dagdeel = Literal["ochtend", "middag", "geen voorkeur"]

CONSENT_REQUIRED = "Zet een vinkje bij de toestemming. Zonder toestemming kunnen wij u niet terugbellen."
PHONE_INVALID = "Dit telefoonnummer klopt niet. Vul een Nederlands nummer in, bijvoorbeeld 06 12345678."
PHONE_NOT_ALLOWED = "Met dit soort nummer kunnen wij u niet terugbellen. Vul een 06-nummer of een vast nummer in."
EMAIL_INVALID = "Dit e-mailadres klopt niet. Controleer het, of laat het leeg."

# Numbers a medewerker can call a person back on; not 0800/0900 service numbers, pagers and the like.
_CALLABLE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.VOIP,  # 085/091: home lines over the internet
    }
)


def normalise_phone(value: str) -> str:
    """A Dutch number the way people type it (06-12345678, +316…, 0031…, 010-1234567) as E.164 (+31…)."""
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        raise PydanticCustomError("telefoonnummer", PHONE_INVALID) from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != "NL":
        raise PydanticCustomError("telefoonnummer", PHONE_INVALID)
    if phonenumbers.number_type(number) not in _CALLABLE_TYPES:
        raise PydanticCustomError("telefoonnummer", PHONE_NOT_ALLOWED)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    """ "+31612345678" → "0612345678" (how Dutch people write their number)."""
    number = phonenumbers.parse(e164, None)
    return "0" + str(number.national_number)


def display_phone(e164: str) -> str:
    """The number for a medewerker to dial: "06 12345678", "010 123 4567"."""
    return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.NATIONAL)


def mask_phone(e164: str) -> str:
    """Enough for the person to recognise their number, too little to be useful to anyone else:
    "06 ** ** ** 78"."""
    digits = national_digits(e164)
    hidden = len(digits) - 4
    return " ".join([digits[:2], *["**"] * (hidden // 2), *(["*"] if hidden % 2 else []), digits[-2:]])


def mask_email(email: str) -> str:
    """ "f***@voorbeeld.nl"."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


class CallbackIn(BaseModel):
    """The person asks to be called back, and agrees to the consent text (CONSENT_TEXT) on purpose."""

    model_config = ConfigDict(extra="forbid")

    telefoonnummer: str = Field(
        min_length=1,
        max_length=40,
        description="Dutch phone number, e.g. 06 12345678, +31612345678, 010-1234567.",
        examples=["06 12345678"],
    )
    email: str | None = Field(None, max_length=254, description="Optional e-mail address.")
    dagdeel: Dagdeel | None = Field(None, description="When a call suits best.")
    toestemming: Literal[True] = Field(description="Must be literally `true`: the person ticked the consent box.")

    @model_validator(mode="before")
    @classmethod
    def _consent_given(cls, data: Any) -> Any:
        # Only JSON true counts: not 1, "true", "ja" or a missing field.
        if isinstance(data, dict) and data.get("toestemming") is not True:
            raise PydanticCustomError("toestemming", CONSENT_REQUIRED)
        return data

    @field_validator("telefoonnummer")
    @classmethod
    def _phone(cls, value: str) -> str:
        return normalise_phone(value)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return validate_email(value.strip(), check_deliverability=False).normalized
        except EmailNotValidError:
            raise PydanticCustomError("email", EMAIL_INVALID) from None


class CallbackPublic(BaseModel):
    """What was kept, as the person sees it back: the number partly masked."""

    telefoonnummer: str = Field(examples=["06 ** ** ** 78"])
    email: str | None = Field(None, examples=["f***@voorbeeld.nl"])
    dagdeel: str | None
    toestemming_gegeven_op: UtcDateTime
    toestemming_versie: str

    @classmethod
    def of(cls, request: CallbackRequest) -> CallbackPublic:
        return cls(
            telefoonnummer=mask_phone(request.telefoonnummer),
            email=mask_email(request.email) if request.email else None,
            dagdeel=request.dagdeel,
            toestemming_gegeven_op=request.consent_at,
            toestemming_versie=request.consent_version,
        )


class CallbackForStaff(BaseModel):
    """The callback details in full, for the medewerkers of the case's own organisation."""

    telefoonnummer: str = Field(description="E.164, e.g. +31612345678 (for a tel: link).")
    telefoonnummer_weergave: str = Field(description="As Dutch people write it, e.g. 06 12345678.")
    email: str | None
    dagdeel: str | None
    toestemming_gegeven_op: UtcDateTime
    toestemming_versie: str

    @classmethod
    def of(cls, request: CallbackRequest) -> CallbackForStaff:
        return cls(
            telefoonnummer=request.telefoonnummer,
            telefoonnummer_weergave=display_phone(request.telefoonnummer),
            email=request.email,
            dagdeel=request.dagdeel,
            toestemming_gegeven_op=request.consent_at,
            toestemming_versie=request.consent_version,
        )
