"""The knowledge base files: every required slug, sources, dates, successors, and loud failures."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bridge.knowledge.dates import effective_status, is_ended
from bridge.knowledge.loader import KNOWLEDGE_DIR, KnowledgeBase, KnowledgeLoadError, load_knowledge_base
from bridge.knowledge.models import Behoefte, Rol, Sector, Status
from bridge.knowledge.search import Intake, find_regelingen

REQUIRED_SLUGS = """
stap-budget slim-regeling slim-scholingssubsidie levenlanglerenkrediet ontwikkeladvies praktijkleren
praktijkleren-derde-leerweg leerwerkloket werkcentrum regionaal-mobiliteitsteam loonkostensubsidie loondispensatie
no-riskpolis proefplaatsing jobcoach werkvoorzieningen lkv-arbeidsgehandicapte-werknemer lkv-banenafspraak
lkv-herplaatsen lkv-oudere-werknemer lage-inkomensvoordeel doelgroepregister-banenafspraak beschut-werk
scholing-tijdens-ww ips werkfit van-werk-naar-werk transitievergoeding-scholing
""".split()
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_every_required_slug_exists_and_validates(kb: KnowledgeBase) -> None:
    missing = sorted(set(REQUIRED_SLUGS) - set(kb.regelingen))
    assert not missing, f"ontbrekende regelingen: {missing}"


def test_every_entry_has_sources_and_peildatum(kb: KnowledgeBase) -> None:
    for item in [*kb.regelingen.values(), *kb.fondsen.values()]:
        assert item.bronnen, item.slug
        assert all(b.startswith("http") for b in item.bronnen), item.slug
        assert dt.date(2014, 1, 1) <= item.peildatum <= TODAY, item.slug


def test_opvolgers_exist(kb: KnowledgeBase) -> None:
    for r in kb.regelingen.values():
        if r.opvolger:
            assert r.opvolger in kb.regelingen, r.slug


@pytest.mark.parametrize(
    ("slug", "tot", "opvolger"),
    [
        ("stap-budget", dt.date(2023, 12, 31), "slim-scholingssubsidie"),
        ("regionaal-mobiliteitsteam", dt.date(2024, 12, 31), "werkcentrum"),
        ("lkv-oudere-werknemer", dt.date(2025, 12, 31), None),
        ("lage-inkomensvoordeel", dt.date(2024, 12, 31), None),
    ],
)
def test_ended_schemes_are_marked(kb: KnowledgeBase, slug: str, tot: dt.date, opvolger: str | None) -> None:
    r = kb.regelingen[slug]
    assert r.status is Status.beeindigd
    assert r.geldig_tot == tot
    assert r.opvolger == opvolger


def test_at_least_15_funds_and_every_sector_mapped(kb: KnowledgeBase) -> None:
    assert len(kb.fondsen) >= 15
    assert set(kb.sectoren) == set(Sector)
    for sector in (Sector.zorg, Sector.ict, Sector.detailhandel):
        assert kb.sectoren[sector].fondsen == []
        assert kb.sectoren[sector].verwijzing
    # SectorplanPlus ended in 2022 (issue 17): no longer a place to go; the SLIM-scholingssubsidie (Ontwikkelpad zorg) is.
    assert "SectorplanPlus" not in " ".join(kb.sectoren[Sector.zorg].verwijzing)
    assert "slim-scholingssubsidie" in kb.sectoren[Sector.zorg].verwijzing


def test_regios_cover_all_35_regions(kb: KnowledgeBase) -> None:
    assert len(kb.regios) == 35
    assert kb.regios["AM11"].naam == "Flevoland"
    assert kb.regios["AM22"].werkgeversservicepunt.url == "https://wsprijnmond.nl"


@pytest.mark.parametrize("today", [TODAY, dt.date(2028, 1, 1), dt.date(2030, 6, 1)])
def test_nothing_ended_is_offered_as_open(kb: KnowledgeBase, today: dt.date) -> None:
    intakes = [Intake()] + [Intake(rol=r, behoefte=b) for r in Rol for b in Behoefte]
    for intake in intakes:
        for t in find_regelingen(kb, intake, None, today):
            assert not is_ended(t.regeling, today), (today, t.regeling.slug)
            assert t.status is not Status.beeindigd


def test_a_scheme_past_geldig_tot_turns_ended_without_code_change(kb: KnowledgeBase) -> None:
    slim = kb.regelingen["slim-scholingssubsidie"]
    assert slim.geldig_tot == dt.date(2027, 12, 31)
    assert effective_status(slim, dt.date(2027, 12, 31)) is not Status.beeindigd
    assert effective_status(slim, dt.date(2028, 1, 1)) is Status.beeindigd
    before = {t.regeling.slug for t in find_regelingen(kb, Intake(), None, dt.date(2027, 6, 1))}
    after = {t.regeling.slug for t in find_regelingen(kb, Intake(), None, dt.date(2028, 9, 1))}
    assert "slim-scholingssubsidie" in before and "slim-scholingssubsidie" not in after
    assert "praktijkleren" in before and "praktijkleren" not in after  # geldig_tot 2028-08-31


def test_ended_scheme_only_when_asked_by_name(kb: KnowledgeBase) -> None:
    plain = find_regelingen(kb, Intake(), "scholing", TODAY)
    assert "stap-budget" not in {t.regeling.slug for t in plain}
    named = find_regelingen(kb, Intake(), "bestaat STAP nog?", TODAY)
    assert [t.regeling.slug for t in named[:2]] == ["stap-budget", "slim-scholingssubsidie"]
    assert named[0].status is Status.beeindigd


# --- broken files fail loudly, naming the file and the field ---


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR / "regelingen", root / "regelingen", ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(KNOWLEDGE_DIR / "oo-fondsen", root / "oo-fondsen")
    shutil.copy(KNOWLEDGE_DIR / "regios.yml", root / "regios.yml")
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_copy_loads(kb_copy: Path) -> None:
    assert len(load_knowledge_base(kb_copy).regelingen) >= len(REQUIRED_SLUGS)


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        ("regelingen/no-riskpolis.yml", "status: open", "status: misschien", "status"),
        ("regelingen/no-riskpolis.yml", "peildatum:", "peildatumm:", "peildatumm"),
        ("regelingen/jobcoach.yml", "rollen: [werkgever,", "rollen: [baas,", "voor_wie.rollen.0"),
        ("regelingen/stap-budget.yml", "opvolger: slim-scholingssubsidie", "opvolger: bestaat-niet", "opvolger"),
        ("regelingen/ips.yml", "bronnen:\n  - https://www.rijks", "bronnen:\n  - www.rijks", "bronnen.0"),
        ("oo-fondsen/ras.yml", "- schoonmaak", "- poetsen", "sectoren.0"),
    ],
)
def test_broken_yaml_fails_with_file_and_field(kb_copy: Path, file: str, old: str, new: str, field: str) -> None:
    _edit(kb_copy / file, old, new)
    with pytest.raises(KnowledgeLoadError) as err:
        load_knowledge_base(kb_copy)
    message = str(err.value)
    assert Path(file).name in message
    assert f"'{field}" in message


def test_slug_must_match_file_name(kb_copy: Path) -> None:
    (kb_copy / "regelingen" / "ips.yml").rename(kb_copy / "regelingen" / "ips-traject.yml")
    with pytest.raises(KnowledgeLoadError, match=r"ips-traject\.yml: veld 'slug'"):
        load_knowledge_base(kb_copy)


def test_amount_without_year_fails(kb_copy: Path) -> None:
    _edit(kb_copy / "regelingen" / "stap-budget.yml", "    jaar: 2023\n", "")
    with pytest.raises(KnowledgeLoadError, match=r"stap-budget\.yml: veld 'wat_je_krijgt\.0'"):
        load_knowledge_base(kb_copy)


def test_ended_without_geldig_tot_fails(kb_copy: Path) -> None:
    _edit(kb_copy / "regelingen" / "lage-inkomensvoordeel.yml", "geldig_tot: 2024-12-31\n", "")
    with pytest.raises(KnowledgeLoadError, match="lage-inkomensvoordeel.yml"):
        load_knowledge_base(kb_copy)


def test_sector_mapping_must_agree_with_funds(kb_copy: Path) -> None:
    _edit(kb_copy / "oo-fondsen" / "_sectoren.yml", "fondsen: [ras]", "fondsen: [ras, stoof]")
    with pytest.raises(KnowledgeLoadError, match=r"_sectoren\.yml: veld 'schoonmaak\.fondsen'"):
        load_knowledge_base(kb_copy)


def test_sector_without_fund_needs_a_pointer(kb_copy: Path) -> None:
    _edit(
        kb_copy / "oo-fondsen" / "_sectoren.yml",
        "  verwijzing: [cao, werkgever]\n  bronnen:\n    - https://fashion",
        "  bronnen:\n    - https://fashion",
    )
    with pytest.raises(KnowledgeLoadError, match=r"_sectoren\.yml: veld 'detailhandel'"):
        load_knowledge_base(kb_copy)
