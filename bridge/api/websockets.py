"""Shared WebSocket plumbing of the live-event routes (channels, connectors, staff console)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from fastapi import WebSocket, WebSocketDisconnect, status

from bridge.services import events

Filter = Callable[[events.Event], bool]


def same_origin(websocket: WebSocket) -> bool:
    """Refuse cross-site WebSocket use of a cookie: a browser always sends Origin."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # not a browser (connectors, tests)
    return origin.split("://", 1)[-1] == websocket.headers.get("host", "")


async def pump(
    websocket: WebSocket,
    subscription: events.Subscription,
    *,
    first: list[events.Event] | None = None,
    keep: Filter | None = None,
    sent_up_to: int = 0,
) -> None:
    """Send `first`, then the events of `subscription` until either side goes away.

    Message events with an id <= `sent_up_to` were in the catch-up and are skipped.
    """
    receiver = asyncio.create_task(_drain(websocket))
    try:
        for event in first or []:
            await websocket.send_json(event)
        while True:
            getter = asyncio.create_task(subscription.get())
            done, _ = await asyncio.wait({getter, receiver}, return_when=asyncio.FIRST_COMPLETED)
            if receiver in done:
                getter.cancel()
                return
            event = getter.result()
            if event["type"] == "overflow":
                # Too far behind: the client reconnects with ?after= and catches up.
                await websocket.close(code=status.WS_1013_TRY_AGAIN_LATER)
                return
            if event["type"] == "message" and event["message"]["id"] <= sent_up_to:
                continue
            if keep is not None and not keep(event):
                continue
            await websocket.send_json(event)
    except (WebSocketDisconnect, RuntimeError):
        return  # the client went away mid-send
    finally:
        receiver.cancel()


async def _drain(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends, to notice when it disconnects."""
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        return
