"""Bounded load test (issue 8): N concurrent conversations x M messages through the bridge.

Starts the real assistant (bench.system: Rasa, action server, bridge on free loopback ports with
fresh databases), plays the benchmark scenarios' turns, each message with a client_message_id and
retried with the same id on a network error or 5xx, then checks in the bridge database that every
message is stored exactly once and every user message was delivered and answered. Prints the
counts as JSON; exit status 1 when a check fails.

    PYTHONPATH=. .venvs/app/bin/python -m bench.loadtest [--conversations 50] [--messages 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench.scenarios import is_payload, load_scenarios
from bench.system import StartupFailed, start_system, wait_ready
from bridge.services.reliability import BOT_UNAVAILABLE_NOTICE

RETRIES = 3
# Loopback load from one address: the per-address limits would throttle the test itself.
LOAD_ENV = {
    "RATE_LIMIT_NEW_CONVERSATIONS": "6000/minute",
    "RATE_LIMIT_PER_CLIENT": "60000/minute",
    "RATE_LIMIT_PER_CONVERSATION": "600/minute",
}


@dataclass
class Sent:
    """What the load generator did and saw."""

    conversation_ids: list[str] = field(default_factory=list)
    # (conversation id, client message id, text or payload) of every message acknowledged with 200
    acknowledged: list[tuple[str, str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    retries: int = 0
    notices: int = 0
    latencies_s: list[float] = field(default_factory=list)


def conversation_turns(messages: int) -> list[list[str]]:
    """Per scenario, `messages` turns: its own turns, then the next scenarios' (no handoff ones)."""
    scenarios = [s for s in load_scenarios() if not s.handoff]
    flat = [turn for s in scenarios for turn in s.turns]
    result = []
    for start in range(len(scenarios)):
        offset = sum(len(s.turns) for s in scenarios[:start])
        result.append([flat[(offset + i) % len(flat)] for i in range(messages)])
    return result


async def _post(client: httpx.AsyncClient, conversation_id: str, turn: str, sent: Sent) -> None:
    """One message, retried with the same client_message_id (a duplicate must be stored once)."""
    body: dict[str, Any] = {"payload": turn} if is_payload(turn) else {"text": turn}
    body["client_message_id"] = uuid.uuid4().hex
    for attempt in range(RETRIES + 1):
        started = time.monotonic()
        try:
            response = await client.post(f"/api/conversations/{conversation_id}/messages", json=body)
            if response.status_code == 200:
                sent.latencies_s.append(time.monotonic() - started)
                replies = response.json()["replies"]
                sent.notices += any(r.get("text") == BOT_UNAVAILABLE_NOTICE for r in replies)
                sent.acknowledged.append((conversation_id, body["client_message_id"], turn))
                return
        except httpx.HTTPError:
            pass
        if attempt < RETRIES:
            sent.retries += 1
            await asyncio.sleep(0.5 * (attempt + 1))
    sent.failed.append((conversation_id, body["client_message_id"], turn))


async def run_load(bridge_url: str, conversations: int, messages: int, timeout_s: float) -> Sent:
    """`conversations` people at once, each sending `messages` turns one after the other."""
    sent = Sent()
    scripts = conversation_turns(messages)
    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    async with httpx.AsyncClient(base_url=bridge_url, timeout=timeout_s, limits=limits) as client:

        async def person(index: int) -> None:
            response = await client.post("/api/conversations", json={})
            response.raise_for_status()
            conversation_id = str(response.json()["id"])
            sent.conversation_ids.append(conversation_id)
            for turn in scripts[index % len(scripts)]:
                await _post(client, conversation_id, turn, sent)

        await asyncio.gather(*(person(i) for i in range(conversations)))
    return sent


def check_database(database_url: str, sent: Sent) -> dict[str, Any]:
    """Counts from the bridge database, and whether every message is stored once and answered."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = list(
                connection.execute(
                    text("SELECT id, conversation_id, author, client_message_id, delivered FROM messages ORDER BY id")
                )
            )
            statuses = Counter(row[0] for row in connection.execute(text("SELECT status FROM conversations")))
    finally:
        engine.dispose()
    ours = set(sent.conversation_ids)
    rows = [row for row in rows if row[1] in ours]
    user_rows = [row for row in rows if row[2] == "user"]
    stored_ids = Counter((row[1], row[3]) for row in user_rows)
    expected = Counter((c, m) for c, m, _ in sent.acknowledged)
    # A user message counts as answered when a bot or system message follows it before the next user message.
    answered = 0
    by_conversation: dict[str, list[Any]] = {}
    for row in rows:
        by_conversation.setdefault(row[1], []).append(row)
    for messages in by_conversation.values():
        for i, row in enumerate(messages):
            if row[2] != "user":
                continue
            following = messages[i + 1 :]
            nxt = next((m for m in following if m[2] != "staff"), None)
            answered += nxt is not None and nxt[2] in ("bot", "system")
    counts = {
        "conversations": len(ours),
        "messages_acknowledged": len(sent.acknowledged),
        "messages_failed": len(sent.failed),
        "retries": sent.retries,
        "user_messages_stored": len(user_rows),
        "stored_more_than_once": sum(1 for n in stored_ids.values() if n > 1),
        "acknowledged_but_missing": sum(1 for key in expected if stored_ids[key] == 0),
        "stored_not_acknowledged": sum(1 for key in stored_ids if key not in expected),
        "user_messages_delivered": sum(1 for row in user_rows if row[4]),
        "user_messages_answered": answered,
        "bot_and_system_replies_stored": sum(1 for row in rows if row[2] in ("bot", "system")),
        "unavailable_notices": sent.notices,
        "conversation_statuses": dict(statuses),
    }
    counts["ok"] = (
        counts["messages_failed"] == 0
        and counts["stored_more_than_once"] == 0
        and counts["acknowledged_but_missing"] == 0
        and counts["user_messages_stored"] == counts["messages_acknowledged"]
        and counts["user_messages_delivered"] == counts["user_messages_stored"]
        and counts["user_messages_answered"] == counts["user_messages_stored"]
    )
    return counts


def _latency_summary(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {}
    ordered = sorted(latencies)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)  # noqa: E731
    return {"p50_s": pick(0.5), "p95_s": pick(0.95), "max_s": round(ordered[-1], 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="messages per conversation")
    parser.add_argument(
        "--rasa-timeout",
        type=float,
        default=60.0,
        help="bridge's timeout per Rasa call (s); a timeout gives the 'even niet' notice",
    )
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="elkedeur-loadtest-"))
    system = start_system(workdir, extra_env={**LOAD_ENV, "RASA_TIMEOUT_SECONDS": str(args.rasa_timeout)})
    try:
        ready = wait_ready(system, timeout_s=600)
        print(f"==> system ready after {ready.get('system')} s; workdir {workdir}", file=sys.stderr)
        started = time.monotonic()
        sent = asyncio.run(run_load(system.bridge_url, args.conversations, args.messages, args.rasa_timeout + 30))
        duration = time.monotonic() - started
        counts = check_database(system.env["DATABASE_URL"], sent)
    except StartupFailed as error:
        print(str(error), file=sys.stderr)
        return 2
    finally:
        system.stop()
    counts["duration_s"] = round(duration, 1)
    counts["messages_per_s"] = round(len(sent.acknowledged) / duration, 2) if duration else 0.0
    counts["latency"] = _latency_summary(sent.latencies_s)
    print(json.dumps(counts, indent=2, ensure_ascii=False))
    return 0 if counts["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
