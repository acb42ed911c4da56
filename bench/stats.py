"""Latency statistics of one benchmark step and the bridge overhead between two paths."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation, as numpy's default; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class StepResult:
    """What one load step measured: latencies of successful requests (s) and failures."""

    path: str
    mode: str  # "open" (Poisson arrivals) or "closed" (clients without think time)
    target_rate: float | None  # messages/s offered in open loop; None in closed loop
    duration_s: float  # from the first arrival until the last response (or timeout)
    latencies_s: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    offered: int = 0
    clients: int | None = None
    rss_peak_mb: dict[str, float] = field(default_factory=dict)

    def add_error(self, kind: str) -> None:
        """Count one failed request by kind (status code or exception name)."""
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> dict[str, Any]:
        """The step as a JSON-ready dict with p50/p95/p99 in ms and the achieved rate."""
        ok = len(self.latencies_s)
        failed = sum(self.errors.values())

        def ms(q: float) -> float | None:
            value = percentile(self.latencies_s, q)
            return None if value is None else round(value * 1000, 1)

        return {
            "path": self.path,
            "mode": self.mode,
            "target_rate": self.target_rate,
            "clients": self.clients,
            "offered": self.offered,
            "ok": ok,
            "errors": failed,
            "error_kinds": dict(sorted(self.errors.items())),
            "error_rate": round(failed / self.offered, 4) if self.offered else 0.0,
            # achieved = successful replies per second over the whole step, drain included
            "achieved_rate": round(ok / self.duration_s, 2) if self.duration_s > 0 else 0.0,
            "duration_s": round(self.duration_s, 2),
            "p50_ms": ms(50),
            "p95_ms": ms(95),
            "p99_ms": ms(99),
            "mean_ms": round(1000 * sum(self.latencies_s) / ok, 1) if ok else None,
            "max_ms": round(1000 * max(self.latencies_s), 1) if ok else None,
            "rss_peak_mb": self.rss_peak_mb,
        }


def bridge_overhead(bridge: dict[str, Any], direct: dict[str, Any]) -> dict[str, float | None]:
    """Bridge p50 minus Rasa-direct p50, absolute (ms) and relative to Rasa direct."""
    b, d = bridge.get("p50_ms"), direct.get("p50_ms")
    if b is None or d is None or d <= 0:
        return {"abs_ms": None, "ratio": None}
    return {"abs_ms": round(b - d, 1), "ratio": round((b - d) / d, 3)}
