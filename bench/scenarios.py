"""The Dutch multi-turn conversations the benchmark replays (bench/scenarios.yml)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contract import ROLLEN

SCENARIOS_FILE = Path(__file__).with_name("scenarios.yml")


@dataclass(frozen=True)
class Scenario:
    """One conversation: who the person is and what they type, in order."""

    name: str
    rol: str
    turns: tuple[str, ...]
    handoff: bool
    expect_intents: tuple[str, ...] = ()

    @property
    def text_turns(self) -> tuple[str, ...]:
        """The typed turns (not button payloads): what /model/parse is asked."""
        return tuple(t for t in self.turns if not is_payload(t))


def is_payload(turn: str) -> bool:
    """A button click ("/intent{...}") rather than typed text."""
    return turn.startswith("/")


def load_scenarios(path: Path = SCENARIOS_FILE) -> list[Scenario]:
    """Read and check the scenarios; raise ValueError on anything the benchmark cannot replay."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenarios = []
    for item in raw.get("scenarios") or []:
        scenario = Scenario(
            name=str(item["name"]),
            rol=str(item["rol"]),
            turns=tuple(str(t).strip() for t in item["turns"]),
            handoff=bool(item.get("handoff", False)),
            expect_intents=tuple(item.get("expect_intents") or ()),
        )
        _check(scenario)
        scenarios.append(scenario)
    if len({s.name for s in scenarios}) != len(scenarios):
        raise ValueError("scenario names must be unique")
    missing = set(ROLLEN) - {s.rol for s in scenarios}
    if missing:
        raise ValueError(f"no scenario for rol {sorted(missing)}")
    return scenarios


def _check(scenario: Scenario) -> None:
    if scenario.rol not in ROLLEN:
        raise ValueError(f"{scenario.name}: unknown rol {scenario.rol!r}")
    if len(scenario.turns) < 2 or any(not t for t in scenario.turns):
        raise ValueError(f"{scenario.name}: needs at least two non-empty turns")
    if not scenario.text_turns:
        raise ValueError(f"{scenario.name}: has no typed turn for /model/parse")


def scenario_stream(scenarios: list[Scenario], seed: int) -> Iterator[Scenario]:
    """An endless, reproducible sequence: every scenario once per round, shuffled per round."""
    rng = random.Random(seed)
    while True:
        round_ = list(scenarios)
        rng.shuffle(round_)
        yield from round_


def text_stream(scenarios: list[Scenario], seed: int) -> Iterator[str]:
    """An endless, reproducible sequence of typed turns for the NLU-only path."""
    for scenario in scenario_stream(scenarios, seed):
        yield from scenario.text_turns
