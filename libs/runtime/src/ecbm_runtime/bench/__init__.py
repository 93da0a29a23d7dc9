"""What a benchmark suite of ``ecbm bench`` is, and the mechanics every suite shares.

A suite is a module with:

- ``SCALES``: ``{"full": ..., "tiny": ...}``; ``tiny`` runs the same code in seconds for the
  smoke test;
- ``TARGETS``: the issue's speed targets, ``{key: Target(...)}``;
- ``run(scale) -> dict``: every measured figure, JSON-serialisable;
- ``headline(measured) -> dict[str, float]``: the figures worth a first look, including every
  key of ``TARGETS``;
- ``table(results) -> str``: the printed summary of the written results.

The platform-wide suites live in ``ecbm_cli.benchmarks``; a service's own suite lives in the
service (``ecbm_<service>.entrypoints.bench``), named in its ``ecbm.benchmarks`` entry point,
so the command never imports a service. ``ecbm_cli.bench`` adds the target verdicts, the
machine and the timestamp, writes the JSON and prints the table. The modules beside this one
(``environment``, ``load``, ``messaging``) are what suites borrow to run and measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

Comparison = Literal["<", "<=", ">=", ">"]


@dataclass(frozen=True)
class Target:
    """A speed target such as ``p95 < 50 ms`` or ``ratio >= 0.5``."""

    comparison: Comparison
    limit: float
    unit: str = ""

    def met_by(self, value: float) -> bool:
        return {
            "<": value < self.limit,
            "<=": value <= self.limit,
            ">=": value >= self.limit,
            ">": value > self.limit,
        }[self.comparison]

    def reading(self) -> str:
        return f"{self.comparison} {self.limit:g}{' ' + self.unit if self.unit else ''}"


class Suite(Protocol):
    SCALES: dict[str, Any]
    TARGETS: dict[str, Target]

    def run(self, scale: Any) -> dict[str, Any]: ...

    def headline(self, measured: dict[str, Any]) -> dict[str, float]: ...

    def table(self, results: dict[str, Any]) -> str: ...


def figures_table(suite: str, results: dict[str, Any], rows: list[tuple[str, float, str]]) -> str:
    """The printed summary: the suite, scale and CPUs, then one line per (key, value, note)."""
    width = max(len(key) for key, _, _ in rows)
    lines = [f"{suite} ({results['scale']}, {results['machine']['cpu_count']} CPUs)"]
    lines += [f"  {key:<{width}} {value:>10.3f}  {note}" for key, value, note in rows]
    return "\n".join(lines)
