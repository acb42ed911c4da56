"""Base class for actions that talk to the bridge, so tests can hand in a fake."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Optional, Text

from rasa_sdk import Action

from bot.actions.bridge_client import Bridge, BridgeClient


class BridgeAction(Action, ABC):
    """An action with a bridge client; abstract, so the action server does not register it."""

    def __init__(self, bridge: Optional[Bridge] = None) -> None:
        """Use the given bridge (tests) or build the HTTP client on first use."""
        self._bridge = bridge

    @property
    def bridge(self) -> Bridge:
        """The bridge client, created lazily so importing has no side effects."""
        if self._bridge is None:
            self._bridge = BridgeClient()
        return self._bridge

    @abstractmethod
    def name(self) -> Text:
        """Action name in the domain."""
