"""HTTP client for the Rasa server: the REST channel for messages, the HTTP API for trackers."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer (down, timeout, or an error status)."""


class RasaClient:
    """Talks to one Rasa server. One instance per process, sharing its connection pool.

    `RasaPool` (bridge/services/rasa_pool.py) spreads the same calls over several servers by
    overriding `_request`; `conversation` tells it which conversation a call is about.
    """

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self._token = token
        self._http = httpx.Client(base_url=base_url, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def _request(
        self, method: str, path: str, *, idempotent: bool, conversation: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """One HTTP call to Rasa; any failure becomes RasaUnavailable."""
        try:
            response = self._http.request(method, path, **kwargs)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise RasaUnavailable(str(error)) from error
        return response

    def send(self, sender_id: str, message: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Send one user message (text or "/intent{...}" payload); return the bot's replies."""
        body: dict[str, Any] = {"sender": sender_id, "message": message}
        if metadata:
            body["metadata"] = metadata
        response = self._request("POST", "/webhooks/rest/webhook", idempotent=False, conversation=sender_id, json=body)
        replies: list[dict[str, Any]] = response.json()
        return replies

    def slots(self, sender_id: str) -> dict[str, Any]:
        """The tracker's current slots for a conversation."""
        response = self._request(
            "GET",
            f"/conversations/{sender_id}/tracker",
            idempotent=True,
            conversation=sender_id,
            params={"token": self._token, "include_events": "NONE"},
        )
        slots: dict[str, Any] = response.json().get("slots", {})
        return slots

    def append_event(self, sender_id: str, event: dict[str, Any]) -> None:
        """Append an event (e.g. pause/resume) to a conversation's tracker."""
        self._request(
            "POST",
            f"/conversations/{sender_id}/tracker/events",
            idempotent=False,
            conversation=sender_id,
            params={"token": self._token, "include_events": "NONE"},
            json=event,
        )

    def is_healthy(self) -> bool:
        try:
            return self._http.get("/", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False
