"""Convert compact NLU markup to Rasa 3.x YAML (authoring helper for bot/data/nlu and tests/bot).

Markup: "## intent" starts an intent; each following line is an example in which
"[text]{entity=value}" annotates an entity with its canonical value.
Usage: python -m bench.nlu_markup SRC.txt OUT.yml
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Dict, List

_ENT = re.compile(r"\[([^\]]+)\]\{(\w+)=([^}]*)\}")


def convert_line(line: str) -> str:
    """One markup example → Rasa example syntax."""

    def repl(m: re.Match) -> str:
        text, entity, value = m.group(1), m.group(2), m.group(3)
        if value == text:
            return f"[{text}]({entity})"
        return "[" + text + "]" + json.dumps({"entity": entity, "value": value}, ensure_ascii=False)

    return _ENT.sub(repl, line)


def convert(src: str) -> str:
    """Whole markup file → Rasa NLU YAML text."""
    intents: Dict[str, List[str]] = {}
    current = None
    for raw in src.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") and not line.startswith("## "):
            continue
        if line.startswith("## "):
            current = line[3:].strip()
            intents.setdefault(current, [])
            continue
        if current is None:
            raise ValueError(f"example before any intent: {line}")
        intents[current].append(convert_line(line))
    out = ['version: "3.1"', "", "nlu:"]
    for intent, examples in intents.items():
        out.append(f"  - intent: {intent}")
        out.append("    examples: |")
        out.extend(f"      - {ex}" for ex in examples)
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(convert(Path(sys.argv[1]).read_text(encoding="utf-8")), encoding="utf-8")
