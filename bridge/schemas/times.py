"""Times in API answers: always UTC with an offset (RFC 3339), whichever database stored them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator

from bridge.models.base import as_utc

# Without the offset a client (e.g. `new Date(...)` in a browser) would read a time as local time.
UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
