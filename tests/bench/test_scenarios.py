"""The benchmark's conversations are realistic, complete and replayable."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from bench.scenarios import is_payload, load_scenarios, scenario_stream, text_stream
from contract import ROLLEN

HANDOFF_WORDS = ("spreken", "medewerker", "praten", "iemand")


def test_every_rol_has_several_multi_turn_scenarios() -> None:
    scenarios = load_scenarios()
    for rol in ROLLEN:
        mine = [s for s in scenarios if s.rol == rol]
        assert len(mine) >= 2, rol
        assert all(len(s.turns) >= 4 or len(s.text_turns[0].split()) > 12 for s in mine)
    # not one repeated "hallo": almost every turn is different
    turns = [t for s in scenarios for t in s.turns]
    assert len(set(turns)) >= 0.9 * len(turns)


def test_handoff_is_the_last_turn_and_asks_for_a_person() -> None:
    scenarios = load_scenarios()
    handoffs = [s for s in scenarios if s.handoff]
    assert {s.rol for s in handoffs} >= {"werkende", "werkzoekende", "werkgever"}
    for scenario in handoffs:
        assert "request_medewerker" in scenario.expect_intents
        assert any(word in scenario.turns[-1].lower() for word in HANDOFF_WORDS), scenario.name
        assert not any(any(w in t.lower() for w in ("medewerker", "spreken")) for t in scenario.turns[:-1])


def test_regelingen_are_asked_by_name_and_exist_in_the_knowledge_base() -> None:
    scenarios = load_scenarios()
    asking = [s for s in scenarios if "ask_regeling" in s.expect_intents]
    assert len(asking) >= 4
    slugs = {p.stem for p in Path("knowledge/regelingen").glob("*.yml")}
    named = {slug for s in asking for t in s.turns for slug in slugs if slug.replace("-", " ") in t.lower()}
    assert len(named) >= 4, named


def test_streams_are_reproducible_and_cover_every_scenario() -> None:
    scenarios = load_scenarios()
    first = [s.name for s in itertools.islice(scenario_stream(scenarios, seed=1), 3 * len(scenarios))]
    again = [s.name for s in itertools.islice(scenario_stream(scenarios, seed=1), 3 * len(scenarios))]
    other = [s.name for s in itertools.islice(scenario_stream(scenarios, seed=2), 3 * len(scenarios))]
    assert first == again != other
    assert set(first[: len(scenarios)]) == {s.name for s in scenarios}
    assert not any(is_payload(t) for t in itertools.islice(text_stream(scenarios, seed=1), 200))


def test_a_broken_scenario_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "scenarios.yml"
    bad.write_text("scenarios:\n  - {name: x, rol: student, turns: [hallo, doei]}\n")
    with pytest.raises(ValueError, match="unknown rol"):
        load_scenarios(bad)
    bad.write_text("scenarios:\n  - {name: x, rol: werkende, turns: [hallo, doei]}\n")
    with pytest.raises(ValueError, match="no scenario for rol"):
        load_scenarios(bad)
