"""API shapes of conversations and messages (public contract: keep stable)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bridge.schemas.text import Text, storable
from bridge.schemas.times import UtcDateTime

MAX_MESSAGE_LENGTH = 2000


class ConversationCreate(BaseModel):
    channel: str = Field("web", pattern=r"^[a-z]{2,20}$")


class ConversationCreated(BaseModel):
    id: str


class Button(BaseModel):
    title: str
    payload: str


class Reply(BaseModel):
    """One reply of `POST .../messages`, as stored: `id` and `author` let a channel render it once."""

    # Added in issue 19 (additive): the stored message's id, as in GET and the live events.
    id: int | None = None
    author: str | None = None
    text: str | None = None
    buttons: list[Button] = []


class MessageIn(BaseModel):
    """A user's message: free text, or the payload of a button they chose."""

    # The spec says what _text_or_payload checks, so clients (and the fuzzer) know one is needed.
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"anyOf": [{"required": ["text"]}, {"required": ["payload"]}]}
    )

    text: Text | None = Field(None, max_length=MAX_MESSAGE_LENGTH)
    payload: str | None = Field(None, max_length=MAX_MESSAGE_LENGTH, pattern=r"^/")
    # Same id again (a retry) in the same conversation: stored once, the first replies come back.
    client_message_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")

    @field_validator("payload")
    @classmethod
    def _storable_payload(cls, value: str | None) -> str | None:
        # Not `Text`: pydantic would leave the pattern out of the JSON schema.
        return None if value is None else storable(value)

    @model_validator(mode="after")
    def _text_or_payload(self) -> MessageIn:
        if not (self.text and self.text.strip()) and not self.payload:
            raise ValueError("Het bericht is leeg: stuur een tekst of kies een knop.")
        return self


class RepliesOut(BaseModel):
    replies: list[Reply]
    # Added in issue 19 (additive): the id the user's own message is stored under.
    message_id: int | None = None


class MessagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author: str
    text: str | None
    payload: str | None
    buttons: list[Button] | None
    created_at: UtcDateTime


class ConversationPublic(BaseModel):
    id: str
    channel: str
    status: str
    slots: dict[str, Any]
    messages: list[MessagePublic]
