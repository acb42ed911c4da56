"""The persona conversation suite against the real system: every persona of tests/personas/personas.yml
talks to the bot through the public bridge API (bench/personas.py) and the intake is measured.

The gates in tests/personas/gates.yml are what the bot reached when the suite was written, rounded
down, so a step back fails. Targets: 100 % completed, >= 95 % arrangeur right, 0 re-asked facts,
median <= 3 messages to the advice. Raise the gates as the bot gets there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.personas import (
    FACTS,
    PERSONAS_FILE,
    Persona,
    Question,
    answer_for,
    classify_text,
    failure_patterns,
    format_table,
    load_personas,
    run_personas,
    summarise,
)
from tests.e2e.conftest import RunningSystem

GATES_FILE = Path(PERSONAS_FILE).with_name("gates.yml")


def _gates() -> dict[str, float]:
    gates = yaml.safe_load(GATES_FILE.read_text(encoding="utf-8"))
    return {
        name: float(gates[name]) for name in ("completed_min", "arrangeur_right_min", "reasked_max", "median_turns_max")
    }


# --- the suite's own inputs (no system needed) ---


def test_personas_are_people_with_contract_facts() -> None:
    personas = load_personas()  # checks contract values, CBS names and the Kamerbrief's division
    assert len(personas) >= 44
    by_rol = {rol: [p for p in personas if p.rol == rol] for rol in ("werkzoekende", "werkende", "werkgever")}
    assert len(by_rol["werkzoekende"]) >= 15 and len(by_rol["werkende"]) >= 14 and len(by_rol["werkgever"]) >= 12
    assert sum(1 for p in personas if p.on_behalf_of) >= 3
    assert {p.facts["uitkering"] for p in by_rol["werkzoekende"]} == {"ww", "wia", "wajong", "bijstand", "geen"}
    assert len({p.first_message for p in personas}) == len(personas)
    for persona in personas:
        assert set(persona.answers) == set(FACTS), persona.id


def test_gates_are_readable() -> None:
    gates = _gates()
    assert 0 <= gates["completed_min"] <= 100 and 0 <= gates["arrangeur_right_min"] <= 100


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Heeft u nu een uitkering? Zo ja, welke?", "uitkering"),
        (
            "Omdat u werkt... Ik wil weten wie u het beste helpt. Heeft u naast uw werk een uitkering, zoals WW of aanvullende bijstand?",
            "uitkering",
        ),
        ("In welke gemeente woont u?", "gemeente"),
        ("In welke gemeente zit uw bedrijf?", "gemeente"),
        ("Die plaatsnaam hoort bij meer dan één gemeente. Welke bedoelt u?", "gemeente"),
        (
            "Ik herken de plaats nog steeds niet. Typ de naam van uw gemeente nog eens, of sla deze vraag over.",
            "gemeente",
        ),
        ("In welke sector zit uw bedrijf? Staat hij er niet bij? Typ hem dan.", "sector"),
        ("In welke sector werkt u? Staat hij er niet bij? Typ hem dan.", "sector"),
        ("Waar zoekt u hulp bij?", "behoefte"),
        ("Hallo! Ik ben Elke Deur. Ik zoek met u uit welke regelingen bij u passen. Wat past het best bij u?", "rol"),
        ("Ik wil weten wie u het beste helpt. Werkt u op dit moment, zoekt u werk, of bent u werkgever?", "rol"),
        ("Wilt u meer regelingen zien, of met een medewerker praten?", None),
        ("SLIM-regeling\nSubsidie voor scholing.\nWie regelt het: RVO\nMeer weten: https://www.rvo.nl/slim?x=1", None),
    ],
)
def test_questions_are_recognised_by_their_wording(text: str, fact: str | None) -> None:
    assert classify_text(text) == fact


def test_a_person_answers_in_their_own_words_and_picks_their_gemeente() -> None:
    persona: Persona = next(p for p in load_personas() if p.id == "ellen")
    text, payload = answer_for(persona, Question("uitkering", "Heeft u nu een uitkering?", "requested_slot"), 0)
    assert (text, payload) == (persona.answers["uitkering"], None)
    buttons = (
        {"title": "Hoorn", "payload": '/inform{"gemeente": "Hoorn"}'},
        {"title": "Terschelling", "payload": '/inform{"gemeente": "Terschelling"}'},
    )
    choice = Question(
        "gemeente", "Die plaatsnaam hoort bij meer dan één gemeente. Welke bedoelt u?", "requested_slot", buttons
    )
    assert answer_for(persona, choice, 0) == ("", '/inform{"gemeente": "Hoorn"}')


# --- the real system ---


@pytest.mark.e2e
def test_personas_reach_the_right_arrangeur(system: RunningSystem) -> None:
    results = run_personas(system.base_url, load_personas())
    summary = summarise(results)
    report = f"\n{format_table(results)}\n\n{failure_patterns(results)}"
    print(report)
    gates = _gates()
    failed = []
    if summary["completed_pct"] < gates["completed_min"]:
        failed.append(f"completed {summary['completed_pct']} % < {gates['completed_min']:g} %")
    if summary["arrangeur_right_pct"] < gates["arrangeur_right_min"]:
        failed.append(f"arrangeur right {summary['arrangeur_right_pct']} % < {gates['arrangeur_right_min']:g} %")
    if summary["reasked"] > gates["reasked_max"]:
        failed.append(f"re-asked facts {summary['reasked']} > {gates['reasked_max']:g}")
    median = summary["median_turns"]
    if median is None or median > gates["median_turns_max"]:
        failed.append(f"median messages to advice {median} > {gates['median_turns_max']:g}")
    assert not failed, "; ".join(failed) + report
