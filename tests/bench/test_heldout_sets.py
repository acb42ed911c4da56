"""The held-out first messages and the persona training data: valid labels, big enough, kept apart."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from bench.eval_first_messages import Case, load_cases, rol_verdict, score
from bench.near_duplicates import HELDOUT_PATTERNS, NLU_DIR, THRESHOLD, near_duplicates, plain, training_texts
from bench.personas import gemeente_names
from contract import ROLLEN, SECTOREN, UITKERINGEN

GEMEENTEN = gemeente_names()
VALUES = {
    "rol": {*ROLLEN, "?", None},
    "uitkering": {*UITKERINGEN, None},
    "sector": {*SECTOREN, None},
}


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


def test_heldout_set_is_large_and_labelled_with_contract_values(cases):
    in_scope = [c for c in cases if c.rol is not None]
    assert len(in_scope) >= 400
    assert sum(1 for c in cases if c.rol is None) >= 40
    for case in cases + load_cases(pattern="vers_*.yml"):
        for field, allowed in VALUES.items():
            assert getattr(case, field) in allowed, (field, case.text)
        assert case.gemeente is None or case.gemeente in GEMEENTEN, case.gemeente
    assert len({c.text for c in cases}) == len(cases), "a message occurs twice"


def _persona_examples() -> list[dict]:
    examples = []
    for path in sorted((NLU_DIR / "personas").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            examples += [{**e, "intent": block["intent"]} for e in block["examples"]]
    return examples


def test_persona_training_data_is_large_and_labelled():
    examples = _persona_examples()
    assert len(examples) >= 800
    for example in examples:
        metadata = example["metadata"]
        for field, allowed in VALUES.items():
            assert metadata.get(field) in allowed, (field, example["text"])
        assert metadata.get("gemeente") is None or metadata["gemeente"] in GEMEENTEN, example["text"]
    assert Counter(e["metadata"]["rol"] for e in examples)["werkgever"] >= 150


def test_no_heldout_message_is_a_near_duplicate_of_training_data(cases):
    texts = [c.text for pattern in HELDOUT_PATTERNS for c in load_cases(pattern=pattern)]
    found = near_duplicates(texts, list(training_texts()), THRESHOLD)
    assert found == [], found[:5]


def test_near_duplicates_are_found():
    assert near_duplicates(["Ik zit in de WW, en wil een cursus!"], ["ik zit in de ww en wil een cursus"])
    assert not near_duplicates(["mijn zoon heeft wajong"], ["wij zoeken personeel in de bouw"])
    assert plain('ik woon in [Almere](gemeente) en [ww]{"entity": "uitkering"}') == "ik woon in Almere en ww"


def test_scoring():
    case = lambda rol, **kw: Case(text="x", rol=rol, uitkering=kw.get("u"), gemeente=None, sector=kw.get("s"))  # noqa: E731
    assert rol_verdict(case("werkgever"), {"rol": None}) == "asked"
    assert rol_verdict(case("?"), {"rol": None}) == "right"
    assert rol_verdict(case("?"), {"rol": "werkende"}) == "wrong"
    from bench.eval_first_messages import Outcome

    result = score(
        [
            Outcome(case("werkende", s="zorg"), {"rol": "werkende", "sector": "zorg"}),
            Outcome(case("werkzoekende", u="ww"), {"rol": "werkende", "sector": "bouw"}),
            Outcome(case(None), {"rol": "werkgever"}),
        ]
    )
    assert result["rol_right"] == 0.5 and result["rol_wrong"] == 0.5
    assert result["sector_found"] == 1.0 and result["sector_false_fill"] == 0.5
    assert result["uitkering_found"] == 0.0
    assert result["out_of_scope_given_rol"] == 1
