"""Work model of a target-field design: memory and time estimated from the problem's sizes
(mesh, basis, target points, turns, refinement rounds) BEFORE anything is allocated, so that an
oversized problem (e.g. ``turns=100000``) is refused with advice instead of exhausting memory.

Terms (F faces, V vertices, K basis functions, P target points, W wire vertices, C dense-check
points, n rounds of refinement):

- operators: the face-to-face coupling of the inductance matrix (F x F floats and one
  temporary of the same size), the field operator on the targets (P x 3 x F floats) and the
  kernel's scratch blocks (``operators.CHUNK_PAIRS`` point-source pairs of ~10 floats);
- QP: the reduced constraint rows (P x K) in the solver's slack form (~4 copies);
- wires: W ~ ``WIRE_POINTS_PER_LEVEL`` sqrt(F) vertices per contour level (two signs x ``turns``
  levels): a level crosses ~sqrt(F) mesh edges per loop; measured 1.9-2.8 sqrt(F) on the
  cylinders and plates of ``benchmarks/bench_design.py`` and the tests, so 4 is an upper
  estimate. Each round evaluates the wires' field at C + 8 P points (dense check, targets and
  their mirror images), their inductance (~W^2 segment pairs) and their spacing.

Time: pair evaluations at ``SECONDS_PER_PAIR`` (the field engine's segment kernel, 5.1-6.4 ns per
pair per thread, ``fields.engine.PAIR_COST``) plus the operators' F^2 face pairs. The memory is
held to ``_validation.memory_limit`` (COILDESIGN_MAX_MEMORY or half the available memory) and the
pair count to the field engine's limit (``fields.engine.MAX_PAIRS`` or COILDESIGN_MAX_PAIRS),
like the field engine's own model (``fields.engine.peak_memory``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from coildesign import _validation as check
from coildesign.analysis.gradient import DENSE_GRID, DENSE_SURFACE
from coildesign.fields.engine import _max_pairs, peak_memory

WIRE_POINTS_PER_LEVEL = 4.0
"""Upper estimate of the wire vertices per contour level, in units of sqrt(faces) (module doc)."""
SECONDS_PER_PAIR = 6.4e-9
"""Time of one segment-point pair of the field engine per thread [s] (fields.engine.PAIR_COST)."""
FACE_PAIR_SECONDS = 2e-8
"""Time per face pair of the inductance coupling (1-point far rule, 9-point rule nearby) [s]."""
KERNEL_SCRATCH = 4_000_000 * 10 * 8.0
"""Scratch bytes of the field operator's kernel blocks (operators.CHUNK_PAIRS pairs, ~10 floats)."""


@dataclass(frozen=True)
class DesignWork:
    """Estimated size of a target-field design: counts, peak memory [bytes], pair evaluations
    and wall time [s] on one thread (an estimate, module doc)."""

    faces: int
    vertices: int
    modes: int
    targets: int
    turns: int
    rounds: int
    wire_points: float
    check_points: int
    memory: float
    pairs: float
    seconds: float
    dominant: str  # the parameter whose term is largest: "turns", "surface" or "n_targets"

    def as_dict(self) -> dict:
        """Plain dict (memory in bytes, seconds in s)."""
        return asdict(self)


def design_work(faces: int, vertices: int, modes: int, targets: int, turns: int, rounds: int) -> DesignWork:
    """The work model (module doc) of a design with these sizes."""
    f, v, k, p, n = float(faces), float(vertices), float(modes), float(targets), float(turns)
    wire = 2.0 * n * WIRE_POINTS_PER_LEVEL * np.sqrt(f)
    dense = int(4 / 3 * np.pi * (DENSE_GRID / 2) ** 3) + DENSE_SURFACE + 2000
    per_round_points = dense + 8.0 * p
    mem_terms = {
        "surface": 2 * 8.0 * f * f + 8.0 * 3 * p * f + KERNEL_SCRATCH + 8.0 * 3 * v * k,
        "n_targets": 4 * 8.0 * p * k,
        "turns": peak_memory(int(per_round_points), "B", int(wire), 1, 16384, False) + 3 * 8.0 * 3 * wire
        + 8.0 * 32 * 4 * wire,  # field scratch, wire copies, the spacing check's neighbour lists
    }
    pair_terms = {
        "surface": f * f * FACE_PAIR_SECONDS / SECONDS_PER_PAIR + p * f * 10,
        "n_targets": 0.0,
        "turns": rounds * (per_round_points * wire + wire * wire),
    }
    pairs = sum(pair_terms.values())
    memory = sum(mem_terms.values())
    dominant = max(mem_terms, key=lambda key: mem_terms[key] / max(memory, 1.0) + pair_terms[key] / max(pairs, 1.0))
    return DesignWork(int(faces), int(vertices), int(modes), int(targets), int(turns), int(rounds), float(wire),
                      dense, float(memory), float(pairs), float(pairs * SECONDS_PER_PAIR), dominant)


def check_design_work(work: DesignWork, max_memory: float | None = None, max_pairs: float | None = None) -> None:
    """Refuse (ValueError naming the dominant parameter, with advice) a design whose estimated
    memory exceeds ``_validation.memory_limit`` or whose pair evaluations exceed the field
    engine's limit."""
    advice = {
        "turns": f"turns={work.turns} gives ~{work.wire_points:.3g} wire vertices; use fewer turns (the wires "
                 "must also stand a wire pitch apart on the surface) or a coarser surface mesh",
        "surface": f"the surface has {work.faces} faces; use a coarser mesh (a larger resolution)",
        "n_targets": f"n_targets={work.targets}; use fewer target points (the wires are checked densely anyway)",
    }[work.dominant]
    value = {"turns": work.turns, "surface": f"{work.faces} faces", "n_targets": work.targets}[work.dominant]
    check.memory(work.dominant, value, work.memory, advice, max_memory)
    limit = _max_pairs(max_pairs)
    if work.pairs > limit:
        check._fail(work.dominant, f"small enough for the design's field evaluations: ~{work.pairs:.3g} pair "
                    f"evaluations (~{work.seconds:.3g} s on one thread) exceed the limit {limit:.3g} "
                    f"(COILDESIGN_MAX_PAIRS); {advice}", value)
