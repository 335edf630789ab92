"""Winding packs: where the N turns of a multi-turn coil lie around its nominal path.

A coil of N turns of round wire (bare diameter d [m], enamel adding ``insulation`` [m] to the
diameter) cannot put its turns on one line: they fill a rectangular cross-section of ``layers``
layers around the nominal path. In that cross-section, turn i sits at (u_i, v_i) [m]:

- v (across the layers): layer k (k = 0 .. L-1, innermost first) at v_k = (k - (L-1)/2) p;
- u (along a layer): the T_k turns of layer k at u_j = (j - (T_k - 1)/2) p;

with the pitch p = d + insulation (touching enamelled wires on a square grid). Both are centred
on the nominal path, so a full pack (T_k equal) has its current centroid exactly there.

Default layout (``layers=None``): L = round(sqrt(N)) layers (the most nearly square pack), with
the N turns spread as evenly as possible (T_k differ by at most one); the layers with one turn
more are the ones nearest the middle layer (ties: the inner one first), which keeps the current
centroid on the nominal path except for an even L with an odd remainder. Examples: 10 turns ->
3 layers of (3, 4, 3); 5 -> (3, 2); 4 -> (2, 2); 2 -> (2,).

Default insulation: 20 um on the diameter (2 x 10 um enamel build), a thin grade-1 enamel in the
sense of IEC 60317-0-1 (grade 1 is the thinnest of its three insulation grades; e.g. 0.100 mm
grade-1 wire measures 0.108-0.117 mm overall in manufacturers' tables). For a given wire, pass
its overall diameter minus the bare diameter.

Each generator maps (u, v) onto its geometry (``maxwell_pair``: v radial, u axial; saddles and
Golay arcs: v radial, u outwards in the cylinder surface, i.e. along z on the arcs and along
the circumference on the straight sides; biplanar: v normal to the plane, u outwards in it).
``bundled=True`` returns no pack: the N turns then coincide with the nominal path (one winding
with ``turns = N``), the thin-bundle idealisation whose self inductance is N^2 times that of one
turn and whose field is that of N turns at the nominal position.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coildesign import _validation as check

__all__ = ["DEFAULT_INSULATION", "WindingPack", "default_layers", "pack_fits", "pack_parameters", "turn_offsets",
           "winding_pack"]

DEFAULT_INSULATION = 20e-6
"""[m] Increase of the wire diameter by the enamel (2 x 10 um), module docstring."""


@dataclass(frozen=True)
class WindingPack:
    """Turn positions of an N-turn pack (module docstring): ``pitch`` [m] and the turns per
    layer (innermost first); ``offsets`` gives (u, v) [m] per turn."""

    wire_diameter: float
    insulation: float
    turns_per_layer: tuple[int, ...]

    @property
    def pitch(self) -> float:
        """Centre distance of touching turns [m]: wire diameter + insulation."""
        return self.wire_diameter + self.insulation

    @property
    def turns(self) -> int:
        """Number of turns N."""
        return sum(self.turns_per_layer)

    @property
    def layers(self) -> int:
        """Number of layers L."""
        return len(self.turns_per_layer)

    @property
    def offsets(self) -> np.ndarray:
        """(N, 2) array of (u, v) [m]: along the layer and across the layers, layer by layer."""
        p, n_layers = self.pitch, self.layers
        rows = [((j - (t - 1) / 2) * p, (k - (n_layers - 1) / 2) * p)
                for k, t in enumerate(self.turns_per_layer) for j in range(t)]
        return np.array(rows, dtype=float)

    @property
    def half_width(self) -> float:
        """Largest |u| of a wire centre [m] plus half a pitch: half the pack's extent along a layer."""
        return 0.5 * max(self.turns_per_layer) * self.pitch

    @property
    def half_height(self) -> float:
        """Half the pack's extent across the layers [m]: L p / 2."""
        return 0.5 * self.layers * self.pitch

    def as_dict(self) -> dict:
        """Pack parameters for ``Coil.parameters``."""
        return {"layers": self.layers, "turns_per_layer": list(self.turns_per_layer), "insulation": self.insulation,
                "pitch": self.pitch, "bundled": False}


def default_layers(turns: int) -> int:
    """round(sqrt(N)) (at least 1): the most nearly square pack (module docstring)."""
    return max(1, int(round(math.sqrt(check.positive_int("turns", turns)))))


def _spread(turns: int, layers: int) -> tuple[int, ...]:
    base, extra = divmod(turns, layers)
    middle = (layers - 1) / 2
    order = sorted(range(layers), key=lambda k: (abs(k - middle), k))
    counts = [base] * layers
    for k in order[:extra]:
        counts[k] += 1
    return tuple(counts)


def winding_pack(turns: int, wire_diameter: float | None, *, layers: int | None = None,
                 insulation: float | None = None, bundled: bool = False) -> WindingPack | None:
    """The pack of ``turns`` turns of round wire (module docstring), or None for the bundled
    (coincident-turn) idealisation: ``bundled=True``, or no ``wire_diameter`` (a filament has no
    size to lay turns out with; then ``layers`` and ``insulation`` must not be given).

    ``layers`` (1 <= layers <= turns, default round(sqrt(N))), ``insulation`` [m] (>= 0, default
    ``DEFAULT_INSULATION`` = 20 um on the diameter).
    """
    n = check.positive_int("turns", turns)
    if not isinstance(bundled, (bool, np.bool_)):
        check._fail("bundled", "True or False", bundled, TypeError)
    if wire_diameter is None:
        for name, value in (("layers", layers), ("insulation", insulation)):
            if value is not None:
                check._fail(name, "None without wire_diameter (a filament's turns coincide; give the wire "
                            "diameter to lay the turns out)", value)
        return None
    d = check.positive("wire_diameter", wire_diameter)
    ins = DEFAULT_INSULATION if insulation is None else check.positive("insulation", insulation, allow_zero=True)
    n_layers = default_layers(n) if layers is None else check.positive_int("layers", layers)
    if n_layers > n:
        check._fail("layers", f"at most turns = {n}", layers)
    if bundled:
        return None
    return WindingPack(d, ins, _spread(n, n_layers))


def pack_parameters(pack: WindingPack | None, turns: int) -> dict:
    """``Coil.parameters`` entries of a pack, or of the bundled form when ``pack`` is None."""
    if pack is None:
        return {"bundled": True, "layers": None, "turns_per_layer": None, "insulation": None, "pitch": None,
                "note_bundled": f"{turns} coincident turns on the nominal path (thin-bundle idealisation: "
                                "self inductance N^2 x one turn)"}
    return pack.as_dict()


def turn_offsets(pack: WindingPack | None, turns: int) -> tuple[np.ndarray, int]:
    """(offsets (M, 2) [m], turns per winding): the pack's M = N turns with one turn each, or the
    single nominal path (0, 0) carrying all N coincident turns when ``pack`` is None."""
    if pack is None:
        return np.zeros((1, 2)), turns
    return pack.offsets, 1


def pack_fits(pack: WindingPack, limits: Sequence[tuple[float, float, str]]) -> None:
    """Refuse a pack that does not fit: each (available, needed, what) must have available >= needed [m]."""
    for available, needed, what in limits:
        if available < needed * (1.0 - 1e-12):
            name, value = ("turns", pack.turns) if pack.turns > 1 else ("wire_diameter", pack.wire_diameter)
            check._fail(name, f"{'few' if pack.turns > 1 else 'small'} enough for the winding pack to fit "
                        f"({pack.turns} turns in {pack.layers} layers of pitch {pack.pitch:.6g} m need "
                        f"{needed:.6g} m for {what}, only {available:.6g} m available; use fewer turns, more "
                        "layers or thinner wire)", value)
