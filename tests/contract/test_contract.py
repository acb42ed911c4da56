"""The contract vocabulary (contract/) against docs/contracts.md and the code that must agree with it."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

import contract
from contract import LABELS, label

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS_MD = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")


def _slot_row(slot: str) -> tuple[str, ...]:
    """The values docs/contracts.md's slot table lists for a slot, in its order."""
    row = re.search(rf"^\| `{slot}` \|(.*)\|\s*$", CONTRACTS_MD, re.MULTILINE)
    assert row, f"no row for {slot} in docs/contracts.md"
    return tuple(v for v in re.findall(r"`([^`]+)`", row.group(1)) if v != "null")


@pytest.mark.parametrize("slot", sorted(contract.SLOT_VALUES))
def test_slot_values_are_the_documented_ones_in_order(slot: str) -> None:
    assert contract.SLOT_VALUES[slot] == _slot_row(slot)


def test_kenmerken_reden_and_status_are_the_documented_ones() -> None:
    kenmerken = re.search(r"`kenmerk` \(repeatable: (.*?)\)", CONTRACTS_MD, re.DOTALL)
    assert kenmerken and contract.KENMERKEN == tuple(re.findall(r"`(\w+)`", kenmerken.group(1)))
    reden = re.search(r'"reden": (.*?),\n', CONTRACTS_MD)
    assert reden and contract.REDENEN == tuple(re.findall(r'"(\w+)"', reden.group(1)))
    status = re.search(r"`status` ∈ (.*?)\.", CONTRACTS_MD)
    assert status and contract.STATUSES == tuple(re.findall(r"`(\w+)`", status.group(1)))


def test_intake_slots_are_the_handoff_intake_fields() -> None:
    fields = re.search(r'"intake": \{(.*?)"regelingen"', CONTRACTS_MD, re.DOTALL)
    assert fields and contract.HANDOFF_INTAKE_SLOTS == tuple(re.findall(r'"(\w+)"', fields.group(1)))
    assert contract.HANDOFF_INTAKE_SLOTS[:-1] == contract.INTAKE_SLOTS


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("rol", contract.ROLLEN),
        ("uitkering", contract.UITKERINGEN),
        ("arrangeur", contract.ARRANGEURS),
        ("reden", contract.REDENEN),
        ("status", contract.STATUSES),
    ],
)
def test_every_value_of_a_labelled_kind_has_exactly_one_label(kind: str, values: tuple[str, ...]) -> None:
    assert sorted(LABELS[kind]) == sorted(values)
    assert all(LABELS[kind][value].strip() for value in values)


def test_label_falls_back_to_the_value_and_says_onbekend_for_nothing() -> None:
    assert label("uitkering", "ww") == "WW"
    assert label("behoefte", "werk_vinden") == "werk vinden"  # unlabelled kinds read as words
    assert label("rol", "iets_anders") == "iets anders"
    assert [label("rol", empty) for empty in (None, "", [])] == ["onbekend"] * 3
    assert label("x", "a", {"x": {"a": "Eigen"}}) == "Eigen"


def test_the_bridge_uses_the_contract_values() -> None:
    from bridge.knowledge import models
    from bridge.models.conversation import ConversationStatus
    from bridge.schemas.handoff import HandoffCreate

    assert models.Rol is contract.Rol and models.Sector is contract.Sector and models.Kenmerk is contract.Kenmerk
    assert tuple(s.value for s in ConversationStatus) == contract.STATUSES
    reden = HandoffCreate.model_fields["reden"].annotation
    assert typing.get_args(reden) == contract.REDENEN


def test_the_console_shows_the_contract_labels() -> None:
    from bridge.console import routes

    for kind, labels in LABELS.items():
        for value, text in labels.items():
            assert routes.label(kind, value) == text
    assert routes.label("author", "user") == "Inwoner"
