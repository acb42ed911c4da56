"""Free text in requests: anything a person can type, but nothing a database cannot store."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

NUL_REFUSED = "De tekst bevat een teken dat niet kan worden bewaard (NUL). Haal het weg en probeer het opnieuw."
NOT_UNICODE = "De tekst bevat een ongeldig teken. Haal het weg en probeer het opnieuw."


def storable(value: str) -> str:
    """`value`, or a validation error (422, in Dutch) when a database could not store it."""
    # PostgreSQL text cannot hold NUL (0x00), and no keyboard types it.
    if "\x00" in value:
        raise PydanticCustomError("tekst", NUL_REFUSED)
    # JSON may carry half a surrogate pair ("\ud800"): no database or UTF-8 answer can hold it.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("tekst", NOT_UNICODE) from None
    return value


Text = Annotated[str, AfterValidator(storable)]
