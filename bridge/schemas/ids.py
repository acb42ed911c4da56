"""Ids in paths and bodies: lower-case uuid4 strings, as bridge.models.base.new_uuid makes them."""

from __future__ import annotations

import re

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_id(value: str) -> bool:
    """Whether `value` can be an id at all; anything else is unknown without asking the database
    (PostgreSQL refuses some strings, e.g. with a NUL byte, with an error instead of "not found")."""
    return bool(_UUID.match(value))
