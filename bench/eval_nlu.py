"""Train NLU pipelines and score them on the held-out set (tests/bot/nlu_heldout.yml).

Usage (Rasa venv, project root):
    PYTHONPATH=. .venvs/rasa/bin/python -m bench.eval_nlu [--pipelines config,diet_chars,...]

Prints, per pipeline: train time, intent macro-F1 and accuracy, and per-entity precision/recall/F1
comparing canonical VALUES (the slot value is what matters, not the span), then a confusion summary
of the best pipeline. Never trains on the held-out file.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import logging
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Set, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[1]
ENTITY_TYPES = ("gemeente", "uitkering", "sector", "behoefte", "regeling")
TARGETS = {"intent": 0.95, "gemeente": 0.95, "uitkering": 0.95, "sector": 0.95}

_FEATURIZERS: List[Dict[str, Any]] = [
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
]
_TAIL: List[Dict[str, Any]] = [{"name": "FallbackClassifier", "threshold": 0.4, "ambiguity_threshold": 0.1}]
_FACT_ONLY = {"name": "bot.nlp.gazetteer_extractor.FactOnlyIntentClassifier"}
_GAZETTEER = {
    "name": "bot.nlp.gazetteer_extractor.GazetteerEntityExtractor",
    "dictionary_entities": ["uitkering", "sector"],
}


def _diet(epochs: int) -> Dict[str, Any]:
    return {"name": "DIETClassifier", "epochs": epochs, "constrain_similarities": True, "random_seed": 42}


def pipelines(epochs: int, spacy_dir: Path) -> Dict[str, List[Dict[str, Any]]]:
    """The candidate NLU pipelines, by name ("config" = the project's config.yml)."""
    spacy_head = [{"name": "SpacyNLP", "model": str(spacy_dir)}, {"name": "SpacyTokenizer"}]
    ws_head = [{"name": "WhitespaceTokenizer"}]
    syn = {"name": "EntitySynonymMapper"}
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    for comp in config:
        if comp["name"] == "SpacyNLP":
            comp["model"] = str(spacy_dir)
        if comp["name"] == "DIETClassifier":
            comp["epochs"] = epochs
    return {
        "diet_chars": ws_head + _FEATURIZERS + [_diet(epochs), syn] + _TAIL,
        "diet_chars+gazetteer": ws_head + _FEATURIZERS + [_diet(epochs), syn, _GAZETTEER] + _TAIL,
        "diet_chars+gazetteer+factonly": ws_head
        + _FEATURIZERS
        + [_diet(epochs), syn, _GAZETTEER]
        + _TAIL
        + [_FACT_ONLY],
        "spacy+ruler": spacy_head
        + _FEATURIZERS
        + [
            _diet(epochs),
            {"name": "SpacyEntityExtractor", "dimensions": ["gemeente", "uitkering", "sector"]},
            syn,
        ]
        + _TAIL,
        "spacy+gazetteer+behoefte_lexicon": spacy_head
        + _FEATURIZERS
        + [_diet(epochs), syn, {**_GAZETTEER, "dictionary_entities": ["uitkering", "sector", "behoefte"]}]
        + _TAIL
        + [_FACT_ONLY],
        "config": config,
    }


def load_heldout(path: Path) -> List[Dict[str, Any]]:
    """Held-out examples as {text, intent, entities: {(type, value)}}."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    out = []
    for msg in data.intent_examples:
        ents = {(e["entity"], str(e.get("value"))) for e in msg.get("entities", []) or []}
        out.append({"text": msg.get("text"), "intent": msg.get("intent"), "entities": ents})
    return out


def training_texts(nlu_dir: Path) -> Set[str]:
    """Plain texts of all training examples (to check the held-out set does not leak)."""
    from rasa.shared.nlu.training_data.loading import load_data

    return {str(m.get("text")).lower().strip() for m in load_data(str(nlu_dir)).intent_examples}


def train(name: str, pipeline: List[Dict[str, Any]], nlu_dir: Path, work: Path) -> Tuple[str, float]:
    """Train one pipeline; returns (model path, seconds)."""
    from rasa.model_training import train_nlu

    cfg = {
        "recipe": "default.v1",
        "language": "nl",
        "assistant_id": "elke-deur-eval",
        "pipeline": pipeline,
        "policies": None,
    }
    cfg_path = work / f"config-{name.replace('+', '_')}.yml"
    cfg_path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    start = time.monotonic()
    model = train_nlu(str(cfg_path), str(nlu_dir), str(work / "models"), fixed_model_name=name.replace("+", "_"))
    return str(model), time.monotonic() - start


async def _parse_all(model: str, texts: List[str]) -> List[Dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(t) for t in texts]


def score(examples: List[Dict[str, Any]], parsed: List[Dict[str, Any]]) -> Dict[str, Any]:
    """Intent macro-F1/accuracy and per-entity P/R/F1 over canonical values."""
    from sklearn.metrics import f1_score

    gold = [e["intent"] for e in examples]
    pred = [p["intent"]["name"] if p.get("intent") else None for p in parsed]
    labels = sorted(set(gold))
    res: Dict[str, Any] = {
        "intent_macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
        "intent_accuracy": sum(g == p for g, p in zip(gold, pred, strict=False)) / len(gold),
        "intent_confusions": Counter((g, p) for g, p in zip(gold, pred, strict=False) if g != p).most_common(15),
        "entities": {},
        "entity_errors": [],
    }
    counts = {t: [0, 0, 0] for t in ENTITY_TYPES}  # tp, fp, fn
    for ex, p in zip(examples, parsed, strict=False):
        got = {(e["entity"], str(e.get("value"))) for e in p.get("entities", [])}
        for t in ENTITY_TYPES:
            g = {x for x in ex["entities"] if x[0] == t}
            q = {x for x in got if x[0] == t}
            counts[t][0] += len(g & q)
            counts[t][1] += len(q - g)
            counts[t][2] += len(g - q)
        if got != ex["entities"]:
            res["entity_errors"].append(
                {"text": ex["text"], "missing": sorted(ex["entities"] - got), "extra": sorted(got - ex["entities"])}
            )
    for t, (tp, fp, fn) in counts.items():
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        res["entities"][t] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
    res["errors_intent"] = [
        {"text": e["text"], "gold": e["intent"], "pred": p}
        for e, p in zip(examples, pred, strict=False)
        if e["intent"] != p
    ]
    return res


def _table(results: Dict[str, Dict[str, Any]]) -> str:
    head = f"{'pipeline':34} {'train s':>7} {'intent F1':>9} {'acc':>6} " + " ".join(
        f"{t[:9]:>9}" for t in ENTITY_TYPES
    )
    lines = [head, "-" * len(head)]
    for name, r in results.items():
        lines.append(
            f"{name:34} {r['train_seconds']:7.0f} {r['intent_macro_f1']:9.3f} {r['intent_accuracy']:6.3f} "
            + " ".join(f"{r['entities'][t]['f1']:9.3f}" for t in ENTITY_TYPES)
        )
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pipelines", default="diet_chars,diet_chars+gazetteer+factonly,spacy+ruler,config")
    parser.add_argument("--heldout", type=Path, default=ROOT / "tests/bot/nlu_heldout.yml")
    parser.add_argument("--nlu", type=Path, default=ROOT / "bot/data/nlu")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--work", type=Path, default=ROOT / "var/eval-nlu")
    parser.add_argument("--show-errors", type=int, default=25)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="score models already in --work/models (after a change to a non-trained component)",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    logging.getLogger().setLevel(logging.WARNING)
    args.work.mkdir(parents=True, exist_ok=True)
    spacy_dir = args.work / "spacy-nl"  # own copy: scripts/train.sh may rebuild var/spacy-nl meanwhile
    from bot.nlp.build_spacy_model import build

    build(spacy_dir)

    examples = load_heldout(args.heldout)
    seen = training_texts(args.nlu)
    leaked = [e["text"] for e in examples if str(e["text"]).lower().strip() in seen]
    n_ents = sum(len(e["entities"]) for e in examples)
    print(
        f"held-out: {len(examples)} examples, {n_ents} entity annotations, "
        f"{len({e['intent'] for e in examples})} intents; identical to a training example: {len(leaked)}"
    )
    for text in leaked:
        print(f"  leaked: {text!r}")

    available = pipelines(args.epochs, spacy_dir)
    results: Dict[str, Dict[str, Any]] = {}
    for name in args.pipelines.split(","):
        existing = args.work / "models" / f"{name.replace('+', '_')}.tar.gz"
        if args.reuse and existing.exists():
            model, seconds = str(existing), float("nan")
        else:
            model, seconds = train(name, copy.deepcopy(available[name]), args.nlu, args.work)
        start = time.monotonic()
        parsed = asyncio.run(_parse_all(model, [e["text"] for e in examples]))
        res = score(examples, parsed)
        res["train_seconds"] = seconds
        res["parse_ms"] = 1000 * (time.monotonic() - start) / len(examples)
        results[name] = res
        print(f"\n== {name}: trained in {seconds:.0f} s, parse {res['parse_ms']:.1f} ms/message")
        print(_table({name: res}))

    print("\n== Comparison on the held-out set (entity columns: F1 over canonical values)")
    print(_table(results))
    best = max(
        results,
        key=lambda n: (
            results[n]["intent_macro_f1"]
            + sum(results[n]["entities"][t]["f1"] for t in ("gemeente", "uitkering", "sector"))
        ),
    )
    r = results[best]
    print(f"\n== Details for {best}")
    for t in ENTITY_TYPES:
        e = r["entities"][t]
        print(f"  {t:10} P {e['precision']:.3f}  R {e['recall']:.3f}  F1 {e['f1']:.3f}  (n={e['support']})")
    print("  intent confusions (gold -> predicted, count):")
    for (g, p), c in r["intent_confusions"]:
        print(f"    {g:22} -> {p:22} {c}")
    print(f"  intent errors (first {args.show_errors}):")
    for e in r["errors_intent"][: args.show_errors]:
        print(f"    [{e['gold']} -> {e['pred']}] {e['text']}")
    print(f"  entity errors (first {args.show_errors} of {len(r['entity_errors'])}):")
    for e in r["entity_errors"][: args.show_errors]:
        print(f"    {e['text']!r}: missing {e['missing']} extra {e['extra']}")
    ok = r["intent_macro_f1"] >= TARGETS["intent"] and all(
        r["entities"][t]["f1"] >= TARGETS[t] for t in ("gemeente", "uitkering", "sector")
    )
    print(f"\ntargets (intent >= 0.95, gemeente/uitkering/sector F1 >= 0.95) met by {best}: {ok}")
    out = {
        n: {k: v for k, v in res.items() if k not in ("entity_errors", "errors_intent")} for n, res in results.items()
    }
    (args.work / "results.json").write_text(json.dumps(out, indent=2, default=str), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
