"""Small-cell suppression: no count under 5 is shown, nor can it be worked out from a total.

Primary: every cell under MIN_CELL shows "< 5". Secondary ("afgeschermd") (tables with a shown total): while the
suppressed cells are a single one, or add up to less than MIN_CELL, the smallest shown cell is
suppressed too, so "total minus the rest" never gives a small number or one cell's value.
A total under MIN_CELL suppresses the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_CELL = 5
SUPPRESSED = "< 5"
HIDDEN = "afgeschermd"  # not small itself, hidden so a small cell cannot be worked out


@dataclass(frozen=True)
class Shown:
    """A count as it may be shown: its value, or None when suppressed (`small`: under MIN_CELL itself)."""

    value: int | None
    small: bool = True

    @property
    def text(self) -> str:
        if self.value is not None:
            return str(self.value)
        return SUPPRESSED if self.small else HIDDEN

    @property
    def suppressed(self) -> bool:
        return self.value is None


def suppress(counts: list[int], *, with_total: bool) -> tuple[list[Shown], Shown | None]:
    """The cells (and the total, when shown) after primary and secondary suppression."""
    total = sum(counts)
    hidden = [count < MIN_CELL for count in counts]
    if with_total and total < MIN_CELL:
        return [Shown(None) for _ in counts], Shown(None)
    if with_total:
        while any(hidden) and not all(hidden):
            hidden_values = [count for count, h in zip(counts, hidden, strict=True) if h]
            if len(hidden_values) > 1 and sum(hidden_values) >= MIN_CELL:
                break
            smallest = min((i for i, h in enumerate(hidden) if not h), key=lambda i: counts[i])
            hidden[smallest] = True
    cells = [Shown(None, count < MIN_CELL) if h else Shown(count) for count, h in zip(counts, hidden, strict=True)]
    return cells, (Shown(total) if with_total else None)


def shown_rate(numerator: Shown, denominator: Shown) -> str | None:
    """A percentage, only when both parts may be shown."""
    if numerator.value is None or denominator.value is None or denominator.value == 0:
        return None
    return f"{100 * numerator.value / denominator.value:.1f}".replace(".", ",") + "%"
