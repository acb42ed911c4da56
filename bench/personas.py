"""Persona conversation suite: whole conversations through the public bridge API, measuring the intake.

Every persona of tests/personas/personas.yml starts a conversation (POST /api/conversations), sends
their first message and then answers what the bot asks, the way that person would, until the bot
gives its advice (slot `arrangeur` set), hands over to a medewerker, gets stuck or 8 messages have
been sent. A question is recognised by Rasa's `requested_slot` (in the slots of
GET /api/conversations/{id}) first, else by its text; it gets the persona's free-text answer.

Measured per persona: intake completed (arrangeur set), arrangeur right (by the Kamerbrief's
division), facts the bot asked for although the first message already said them (rol, uitkering,
gemeente, sector), messages sent until the advice, stuck (the same question 3 times, or 8 messages
without advice), and the questions the persona could not answer.

    PYTHONPATH=. .venvs/app/bin/python -m bench.personas --base-url http://127.0.0.1:8000 \
        [--only sanne,rachid] [--verbose] [--json out.json]

It is a measurement: as a script it always exits 0. Tests call run_personas() and summarise().
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from contract import ARRANGEURS, BEHOEFTEN, ROLLEN, SECTOREN, UITKERINGEN

ROOT = Path(__file__).resolve().parent.parent
PERSONAS_FILE = ROOT / "tests" / "personas" / "personas.yml"
GEMEENTEN_FILE = ROOT / "knowledge" / "gemeenten-arbeidsmarktregio.csv"

FACTS = ("rol", "uitkering", "gemeente", "sector", "behoefte")
# Facts whose question counts as "re-asked" when the first message already stated them.
REASK_FACTS = ("rol", "uitkering", "gemeente", "sector")

MAX_TURNS = 8  # user messages per conversation, the first one included
SAME_QUESTION_LIMIT = 3  # the same question this often: stuck
REQUEST_TIMEOUT_S = 60.0
MAX_RATE_LIMIT_WAITS = 5

# Outcomes of one conversation.
ADVIES = "advies"  # arrangeur set: the intake is complete
STUCK = "stuck"  # the same question 3 times, or MAX_TURNS messages without advice
HANDOFF = "handoff"  # handed to a medewerker before any advice
UNAVAILABLE = "bot_onbereikbaar"  # the bridge's "bot unavailable" notice
ERROR = "error"  # an HTTP error the driver could not get past


# --------------------------------------------------------------------------- personas


@dataclass(frozen=True)
class Persona:
    """One person: the facts they know, how they phrase them, and who should help them."""

    id: str
    name: str
    age: int
    situation: str
    first_message: str
    first_message_states: tuple[str, ...]
    facts: dict[str, str]
    answers: dict[str, str]
    expected_arrangeur: str
    expected_reason: str
    on_behalf_of: str | None = None

    @property
    def rol(self) -> str:
        return self.facts["rol"]


def kamerbrief_arrangeur(rol: str, uitkering: str) -> str:
    """The division of the Kamerbrief (33566 nr. 108) the personas' expectations follow."""
    if rol == "werkgever":
        return "werkgeversservicepunt"
    if uitkering == "bijstand":
        return "gemeente"
    if uitkering in ("ww", "wia") or (rol == "werkzoekende" and uitkering == "wajong"):
        return "uwv"
    return "sociale_partners" if rol == "werkende" else "gemeente"


def gemeente_names() -> set[str]:
    """The official CBS names of all gemeenten (contract values of the `gemeente` slot)."""
    with GEMEENTEN_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["gemeente"] for row in csv.DictReader(handle)}


def load_personas(path: Path = PERSONAS_FILE) -> list[Persona]:
    """Read and check the personas; ValueError on a value outside the contract or a wrong expectation."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    gemeenten = gemeente_names()
    allowed = {"rol": ROLLEN, "uitkering": UITKERINGEN, "sector": SECTOREN, "behoefte": BEHOEFTEN}
    personas: list[Persona] = []
    for item in raw.get("personas") or []:
        pid = str(item["id"])
        facts = {name: str(item["facts"][name]) for name in FACTS}
        for name, values in allowed.items():
            if facts[name] not in values:
                raise ValueError(f"{pid}: {name} {facts[name]!r} is not a contract value")
        if facts["gemeente"] not in gemeenten:
            raise ValueError(f"{pid}: gemeente {facts['gemeente']!r} is not an official CBS name")
        states = tuple(str(s) for s in item.get("first_message_states") or ())
        if set(states) - set(FACTS):
            raise ValueError(f"{pid}: first_message_states has unknown facts {sorted(set(states) - set(FACTS))}")
        expected = item["expected"]
        if expected["arrangeur"] not in ARRANGEURS:
            raise ValueError(f"{pid}: unknown arrangeur {expected['arrangeur']!r}")
        division = kamerbrief_arrangeur(facts["rol"], facts["uitkering"])
        if expected["arrangeur"] != division:
            raise ValueError(f"{pid}: expected {expected['arrangeur']}, the Kamerbrief's division says {division}")
        answers = {name: str(item[f"{name}_antwoord"]) for name in FACTS if item.get(f"{name}_antwoord")}
        first = str(item["first_message"]).strip()
        if not first:
            raise ValueError(f"{pid}: empty first message")
        personas.append(
            Persona(
                id=pid,
                name=str(item["name"]),
                age=int(item["age"]),
                situation=str(item.get("situation") or "").strip(),
                first_message=first,
                first_message_states=states,
                facts=facts,
                answers=answers,
                expected_arrangeur=str(expected["arrangeur"]),
                expected_reason=str(expected.get("reason") or ""),
                on_behalf_of=item.get("on_behalf_of"),
            )
        )
    ids = [p.id for p in personas]
    if len(set(ids)) != len(ids):
        raise ValueError(f"persona ids must be unique: {[i for i, n in Counter(ids).items() if n > 1]}")
    return personas


def select(personas: Sequence[Persona], only: str | None) -> list[Persona]:
    """Personas whose id or name matches one of the comma-separated names (case-insensitive)."""
    if not only:
        return list(personas)
    wanted = [w.strip().lower() for w in only.split(",") if w.strip()]
    chosen = [p for p in personas if any(w == p.id.lower() or w in p.name.lower() for w in wanted)]
    if not chosen:
        raise ValueError(f"no persona matches {only!r}")
    return chosen


# --------------------------------------------------------------------------- questions

_URL = re.compile(r"https?://\S+")
# A regeling card ("{naam}\n{samenvatting}\nWie regelt het: …\nMeer weten: …") may hold a question of its own
# ("Neemt u iemand in dienst die uit een uitkering komt?"): it never asks the person anything.
_CARD = re.compile(r"^(Wie regelt het|Meer weten):", re.IGNORECASE | re.MULTILINE)
_SENTENCE = re.compile(r"[^.?!\n]+[.?!]?")
# An instruction that asks for an answer without a question mark ("Typ de naam van uw gemeente nog eens").
_IMPERATIVE = re.compile(r"^\s*(typ|vertel|kies|noem|geef)\b", re.IGNORECASE)
# Question sentence → the fact it asks for; the first pattern that matches wins.
_QUESTION_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("sector", re.compile(r"\bsector\b|\bbranche\b|in welk vak\b", re.IGNORECASE)),
    ("uitkering", re.compile(r"\buitkering\b", re.IGNORECASE)),
    (
        "gemeente",
        re.compile(
            r"\bgemeente\b|\bwoont u\b|\bwoonplaats\b|\bplaats(naam)?\b|\bwelke bedoelt u\b"
            r"|\bwaar zit uw bedrijf\b",
            re.IGNORECASE,
        ),
    ),
    (
        "behoefte",
        re.compile(
            r"\bwaar zoekt u hulp\b|\bwaarmee (kan|mag) ik\b|\bwat (wilt|zoekt) u\b"
            r"|\bhulp bij\b",
            re.IGNORECASE,
        ),
    ),
    (
        "rol",
        re.compile(
            r"\bwat past (het )?best bij u\b|\bwerkt u\b|\bzoekt u werk\b|\bbent u werkgever\b"
            r"|\bnog een werkgever\b",
            re.IGNORECASE,
        ),
    ),
]
# The offer of a medewerker after a misunderstanding (the person declines: they want the intake).
_MEDEWERKER_AANBOD = re.compile(r"met een medewerker praten\?", re.IGNORECASE)


def question_sentences(text: str) -> list[str]:
    """The sentences of a bot reply that ask something: ending in '?' or an instruction ('Typ ...')."""
    if _CARD.search(text or ""):
        return []
    text = _URL.sub(" ", text or "")
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    return [s for s in sentences if s.endswith("?") or _IMPERATIVE.match(s)]


def classify_text(text: str) -> str | None:
    """The fact a bot reply asks for, from its wording, or None."""
    if _CARD.search(text or ""):
        return None
    for sentence in question_sentences(text):
        for fact, pattern in _QUESTION_PATTERNS:
            if pattern.search(sentence):
                # "Welke bedoelt u?" only asks for a gemeente when the reply is about places
                if (
                    fact == "gemeente"
                    and "bedoelt" in sentence.lower()
                    and not re.search(r"gemeente|plaats", text, re.IGNORECASE)
                ):
                    continue
                return fact
    return None


@dataclass(frozen=True)
class Question:
    """What the bot asked in one turn: a fact (rol…behoefte) or other wording, and how it was recognised."""

    fact: str | None
    text: str
    via: str  # requested_slot | text | none
    buttons: tuple[dict[str, str], ...] = ()

    @property
    def key(self) -> str:
        """What counts as 'the same question' for the stuck rule."""
        return self.fact or re.sub(r"\W+", " ", self.text.lower()).strip()[:120]


def read_question(replies: Sequence[dict[str, Any]], slots: dict[str, Any]) -> Question:
    """The question of this turn: by requested_slot first, else by the wording of the replies.

    A turn can have several replies (e.g. the arrangeur's question followed by regelingen and
    "Wilt u meer regelingen zien?"): the last reply that asks for a fact wins, else the last
    reply that asks anything at all.
    """
    texts = [str(r.get("text") or "") for r in replies]
    buttons = tuple(b for r in replies for b in (r.get("buttons") or []))
    requested = slots.get("requested_slot")
    if requested in FACTS:
        asked = next((t for t in reversed(texts) if classify_text(t) == requested), None)
        asked = asked or next((t for t in reversed(texts) if question_sentences(t)), texts[-1] if texts else "")
        return Question(str(requested), asked, "requested_slot", buttons)
    for text in reversed(texts):
        fact = classify_text(text)
        if fact:
            return Question(fact, text, "text", buttons)
    other = next((t for t in reversed(texts) if question_sentences(t)), texts[-1] if texts else "")
    return Question(None, other, "none", buttons)


# The facts in plain words: what a person types when their own words were not understood the
# first time (often the words of the answer buttons they see).
PLAIN_WORDS: dict[str, dict[str, str]] = {
    "rol": {"werkende": "ik werk", "werkzoekende": "ik zoek werk", "werkgever": "ik ben werkgever"},
    "uitkering": {"ww": "WW", "wia": "WIA", "wajong": "Wajong", "bijstand": "bijstand", "geen": "nee, geen uitkering"},
    "sector": {
        "transport_logistiek": "transport en logistiek",
        "zakelijke_dienstverlening": "zakelijke dienstverlening",
        "uitzend": "uitzendwerk",
        "detailhandel": "winkel",
        "ict": "ICT",
    },
    "behoefte": {
        "scholing": "een opleiding",
        "ander_werk": "ander werk",
        "werk_vinden": "werk vinden",
        "ontslag_dreigt": "mijn baan is in gevaar",
        "personeel_vinden": "personeel vinden",
        "loonkostensubsidie": "loonkostensubsidie",
        "praktijkleren": "opleiden in de praktijk",
        "hulp_schulden_zorg": "hulp bij schulden",
        "aanpassing_werkplek": "aanpassing van de werkplek",
        "inkomen": "vragen over mijn inkomen",
    },
}
# A bot reply that says it did not understand the person.
_NOT_UNDERSTOOD = re.compile(r"begrijp ik niet|niet goed om u te begrijpen|ken ik niet|herken de plaats", re.IGNORECASE)


def plain_words(persona: Persona, fact: str) -> str:
    """The persona's fact in the plainest words: 'werk vinden', 'WW', 'Middelburg'."""
    value = persona.facts[fact]
    if fact == "gemeente":
        return re.sub(r"\s*\(.*\)$", "", value)  # "Middelburg (Z.)" → "Middelburg"
    return PLAIN_WORDS.get(fact, {}).get(value, value.replace("_", " "))


def answer_for(persona: Persona, question: Question, retold: int, asked_before: int = 0) -> tuple[str, str | None]:
    """What the persona sends: (text, payload). A payload only to pick their own gemeente from buttons.

    The first time a fact is asked the persona answers in their own words; asked again, in plain words.
    """
    fact = question.fact
    if fact == "gemeente":
        for button in question.buttons:
            if str(button.get("title") or "").strip().lower() == persona.facts["gemeente"].lower():
                return "", str(button.get("payload") or "")
    if fact in FACTS:
        if asked_before == 0 and fact in persona.answers:
            return persona.answers[fact], None
        return plain_words(persona, fact), None
    if _MEDEWERKER_AANBOD.search(question.text):
        return "nee, ik probeer het nog een keer", None
    # Asked to tell it again ("Kunt u het in andere woorden zeggen?", the help text), or something the
    # person cannot place ("Over welke regeling gaat uw vraag?"): they say who they are and what they
    # want, in their own words the first time, then in plain words.
    if retold == 0:
        parts = [
            persona.answers.get("rol", plain_words(persona, "rol")),
            persona.answers.get("behoefte", plain_words(persona, "behoefte")),
        ]
    else:
        parts = [plain_words(persona, "rol"), plain_words(persona, "behoefte")]
    return ". ".join(parts), None


# --------------------------------------------------------------------------- conversations


@dataclass
class Turn:
    """One exchange: what the persona sent and what came back."""

    user: str
    bot: list[str]
    requested_slot: str | None = None
    question: str | None = None  # the fact asked for, if any
    via: str = "none"
    slots: dict[str, Any] = field(default_factory=dict)


@dataclass
class PersonaResult:
    """The measurement of one persona's conversation."""

    id: str
    name: str
    rol: str
    expected: str
    conversation_id: str | None = None
    arrangeur: str | None = None
    outcome: str = ERROR
    turns: int = 0  # user messages sent
    turns_to_advice: int | None = None
    asked: list[str] = field(default_factory=list)  # facts asked, in order (repeats included)
    reasked: list[str] = field(default_factory=list)  # facts the first message already stated
    unanswerable: list[str] = field(default_factory=list)  # questions the persona could not place
    not_understood: int = 0  # bot replies saying it did not understand the person
    slot_diffs: dict[str, list[Any]] = field(default_factory=dict)  # fact: [got, expected]
    error: str | None = None
    transcript: list[Turn] = field(default_factory=list)

    @property
    def completed(self) -> bool:
        return self.arrangeur is not None

    @property
    def right(self) -> bool:
        return self.arrangeur == self.expected

    @property
    def stuck(self) -> bool:
        return self.outcome == STUCK


def _retry_after(response: httpx.Response) -> float:
    """Seconds to wait after a 429 (Retry-After in seconds; 2 when absent or a date), at most 30."""
    try:
        return min(max(float(response.headers.get("Retry-After") or 2), 0.5), 30.0)
    except ValueError:
        return 2.0


class _Bridge:
    """The public bridge API, with retries for rate limits and dropped connections."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        waits = 0
        transport_retries = 0
        while True:
            try:
                response = self._client.request(method, url, **kwargs)
            except httpx.TransportError:
                transport_retries += 1
                if transport_retries > 2:
                    raise
                time.sleep(1.0)
                continue
            if response.status_code == 429 and waits < MAX_RATE_LIMIT_WAITS:
                waits += 1
                time.sleep(_retry_after(response))
                continue
            if response.status_code >= 500 and transport_retries < 2:
                transport_retries += 1
                time.sleep(1.0)
                continue
            response.raise_for_status()
            return response

    def create(self) -> str:
        return str(self._call("POST", "/api/conversations").json()["id"])

    def send(self, conversation_id: str, text: str, payload: str | None) -> list[dict[str, Any]]:
        # the same client_message_id on a retry: the bridge stores and answers the message once
        body: dict[str, Any] = {"client_message_id": uuid.uuid4().hex}
        if payload:
            body["payload"] = payload
        else:
            body["text"] = text
        replies: list[dict[str, Any]] = self._call(
            "POST", f"/api/conversations/{conversation_id}/messages", json=body
        ).json()["replies"]
        return replies

    def get(self, conversation_id: str) -> dict[str, Any]:
        conversation: dict[str, Any] = self._call("GET", f"/api/conversations/{conversation_id}").json()
        return conversation


def _bot_unavailable(replies: Sequence[dict[str, Any]]) -> bool:
    return any(b.get("payload") == "/vraag_achterlaten" for r in replies for b in (r.get("buttons") or []))


def _slot_diffs(persona: Persona, slots: dict[str, Any]) -> dict[str, list[Any]]:
    """Facts the bot holds with a value other than the persona's (empty slots left out)."""
    diffs: dict[str, list[Any]] = {}
    for fact in FACTS:
        got = slots.get(fact)
        if got is not None and got != persona.facts[fact]:
            diffs[fact] = [got, persona.facts[fact]]
    return diffs


def run_persona(bridge: _Bridge, persona: Persona, log: Callable[[str], None] | None = None) -> PersonaResult:
    """Drive one persona's conversation to advice, handoff, stuck or MAX_TURNS."""
    result = PersonaResult(persona.id, persona.name, persona.rol, persona.expected_arrangeur)
    say = log or (lambda _line: None)
    try:
        cid = bridge.create()
        result.conversation_id = cid
        text, payload = persona.first_message, None
        seen: Counter[str] = Counter()
        retold = 0
        slots: dict[str, Any] = {}
        while True:
            shown = payload or text
            say(f"  [{persona.id}] > {shown}")
            replies = bridge.send(cid, text, payload)
            result.turns += 1
            for reply in replies:
                say(f"  [{persona.id}] < {reply.get('text')}")
                if _NOT_UNDERSTOOD.search(str(reply.get("text") or "")):
                    result.not_understood += 1
            conversation = bridge.get(cid)
            slots = dict(conversation.get("slots") or {})
            turn = Turn(shown, [str(r.get("text") or "") for r in replies], slots.get("requested_slot"))
            turn.slots = {k: slots.get(k) for k in (*FACTS, "arrangeur", "requested_slot")}
            result.transcript.append(turn)
            if _bot_unavailable(replies):
                result.outcome, result.error = UNAVAILABLE, "the bridge answered with the bot-unavailable notice"
                break
            if slots.get("arrangeur"):
                result.arrangeur = str(slots["arrangeur"])
                result.outcome, result.turns_to_advice = ADVIES, result.turns
                break
            if conversation.get("status") != "bot":
                result.outcome = HANDOFF
                break
            question = read_question(replies, slots)
            turn.question, turn.via = question.fact, question.via
            if question.fact:
                result.asked.append(question.fact)
                if (
                    question.fact in REASK_FACTS
                    and question.fact in persona.first_message_states
                    and question.fact not in result.reasked
                ):
                    result.reasked.append(question.fact)
            else:
                result.unanswerable.append(question.text.strip() or "(no reply)")
            seen[question.key] += 1
            if seen[question.key] >= SAME_QUESTION_LIMIT or result.turns >= MAX_TURNS:
                result.outcome = STUCK
                break
            asked_before = result.asked[:-1].count(question.fact) if question.fact else 0
            text, payload = answer_for(persona, question, retold, asked_before)
            if question.fact is None and payload is None and not _MEDEWERKER_AANBOD.search(question.text):
                retold += 1
        result.slot_diffs = _slot_diffs(persona, slots)
    except (httpx.HTTPError, KeyError, ValueError) as error:
        result.outcome, result.error = ERROR, f"{type(error).__name__}: {error}"
    return result


def run_personas(
    base_url: str,
    personas: Iterable[Persona],
    *,
    verbose: bool = False,
    timeout_s: float = REQUEST_TIMEOUT_S,
    progress: Callable[[PersonaResult], None] | None = None,
) -> list[PersonaResult]:
    """Run every persona's conversation against the bridge at base_url, one after the other."""
    log = (lambda line: print(line, flush=True)) if verbose else None
    results = []
    with httpx.Client(base_url=base_url, timeout=timeout_s) as client:
        bridge = _Bridge(client)
        for persona in personas:
            result = run_persona(bridge, persona, log)
            results.append(result)
            if progress:
                progress(result)
    return results


# --------------------------------------------------------------------------- report


def summarise(results: Sequence[PersonaResult]) -> dict[str, Any]:
    """Totals: completed %, arrangeur right %, re-asked facts, median messages to advice, stuck."""
    n = len(results)
    completed = [r for r in results if r.completed]
    right = [r for r in results if r.right]
    turns = [r.turns_to_advice for r in completed if r.turns_to_advice is not None]
    reasked = Counter(fact for r in results for fact in r.reasked)
    outcomes = Counter(r.outcome for r in results)

    def pct(k: int) -> float:
        return round(100.0 * k / n, 1) if n else 0.0

    return {
        "personas": n,
        "completed": len(completed),
        "completed_pct": pct(len(completed)),
        "arrangeur_right": len(right),
        "arrangeur_right_pct": pct(len(right)),
        "arrangeur_right_of_completed_pct": round(100.0 * len(right) / len(completed), 1) if completed else 0.0,
        "reasked": sum(reasked.values()),
        "reasked_by_fact": dict(sorted(reasked.items())),
        "median_turns": statistics.median(turns) if turns else None,
        "stuck": outcomes.get(STUCK, 0),
        "handoff": outcomes.get(HANDOFF, 0),
        "errors": outcomes.get(ERROR, 0) + outcomes.get(UNAVAILABLE, 0),
        "not_understood": sum(r.not_understood for r in results),
        "by_rol": {
            rol: {
                "personas": sum(1 for r in results if r.rol == rol),
                "completed": sum(1 for r in results if r.rol == rol and r.completed),
                "right": sum(1 for r in results if r.rol == rol and r.right),
            }
            for rol in ROLLEN
        },
    }


def format_table(results: Sequence[PersonaResult]) -> str:
    """One line per persona and the totals."""
    header = (
        f"{'persona':<10} {'rol':<12} {'expected':<21} {'got':<21} {'ok':<3} {'msgs':>4}  "
        f"{'outcome':<16} {'re-asked':<18} asked"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        ok = "yes" if r.right else ("-" if not r.completed else "NO")
        lines.append(
            f"{r.id:<10} {r.rol:<12} {r.expected:<21} {str(r.arrangeur or '-'):<21} {ok:<3} {r.turns:>4}  "
            f"{r.outcome:<16} {','.join(r.reasked) or '-':<18} {','.join(r.asked) or '-'}"
        )
    s = summarise(results)
    median = "-" if s["median_turns"] is None else f"{s['median_turns']:g}"
    lines += [
        "",
        f"personas {s['personas']}: intake completed {s['completed']} ({s['completed_pct']:.1f} %), "
        f"arrangeur right {s['arrangeur_right']} ({s['arrangeur_right_pct']:.1f} %; "
        f"{s['arrangeur_right_of_completed_pct']:.1f} % of completed)",
        f"re-asked facts {s['reasked']} {s['reasked_by_fact'] or ''}, median messages to advice {median}, "
        f"stuck {s['stuck']}, handoff {s['handoff']}, errors {s['errors']}, "
        f"'not understood' replies {s['not_understood']}",
    ]
    return "\n".join(lines)


def failure_patterns(results: Sequence[PersonaResult]) -> str:
    """What went wrong, grouped: unanswerable questions, wrong arrangeur, wrong slot values, errors."""
    lines: list[str] = []
    questions = Counter(q for r in results for q in r.unanswerable)
    if questions:
        lines.append(
            "bot replies that asked for no fact (the persona told their story again, or declined a medewerker):"
        )
        lines += [f"  {n}x {q[:150]}" for q, n in questions.most_common()]
    wrong = [r for r in results if r.completed and not r.right]
    if wrong:
        lines.append("wrong arrangeur:")
        lines += [f"  {r.id}: {r.arrangeur} (expected {r.expected}); slots off: {r.slot_diffs or '-'}" for r in wrong]
    diffs = [r for r in results if r.slot_diffs and r.right]
    if diffs:
        lines.append("right arrangeur, but slots that differ from the persona's facts:")
        lines += [f"  {r.id}: {r.slot_diffs}" for r in diffs]
    broken = [r for r in results if r.error]
    if broken:
        lines.append("errors:")
        lines += [f"  {r.id}: {r.error}" for r in broken]
    return "\n".join(lines)


def to_json(results: Sequence[PersonaResult]) -> dict[str, Any]:
    return {"summary": summarise(results), "results": [asdict(r) for r in results]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="the bridge, e.g. http://127.0.0.1:8000")
    parser.add_argument("--only", help="comma-separated persona ids (or parts of names)")
    parser.add_argument("--verbose", action="store_true", help="print every message as it is exchanged")
    parser.add_argument("--json", type=Path, help="write the results (with transcripts) to this file")
    parser.add_argument("--personas", type=Path, default=PERSONAS_FILE)
    args = parser.parse_args(argv)
    try:
        personas = select(load_personas(args.personas), args.only)
    except (OSError, ValueError, KeyError) as error:
        print(f"cannot read the personas: {error}", file=sys.stderr)
        return 0

    def progress(result: PersonaResult) -> None:
        if not args.verbose:
            print(f"{result.id}: {result.outcome} ({result.turns} messages)", file=sys.stderr, flush=True)

    try:
        results = run_personas(args.base_url, personas, verbose=args.verbose, progress=progress)
    except Exception as error:  # a measurement: report, never fail the caller
        print(f"the run stopped: {type(error).__name__}: {error}", file=sys.stderr)
        return 0
    print(format_table(results))
    patterns = failure_patterns(results)
    if patterns:
        print()
        print(patterns)
    if args.json:
        args.json.write_text(json.dumps(to_json(results), ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nresults written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
