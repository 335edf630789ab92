"""The data model: windings (current paths with a conductor) and coils (windings in series).

Conventions
-----------
- Coordinates in metres; one current flows through every winding of a coil, scaled by that
  winding's ``weight`` (sign or turns multiplier), so ``field(coil, pts, current=I)`` sums
  ``weight_k * I`` over windings ``k``.
- A ``Winding`` is an ordered polyline; current flows from ``points[0]`` towards ``points[-1]``
  (and back to ``points[0]`` when ``closed``).
- ``turns`` (default 1) on a winding stands for that many coincident turns in series along
  the same path: the field, vector potential and inductance scale with it, and so do the wire
  length and the resistance; each turn carries the winding's current (weight x I). Use
  ``turns`` for bundled turns and ``Coil.weights`` for current ratios (signs, mode currents).
- A ``LoopWinding`` is an exact circle (centre, unit normal, radius); current circulates
  counter-clockwise seen from the tip of ``normal`` (right-hand rule), so the field at the
  centre points along ``+normal`` for positive current. Circles are never forced into
  polylines: the field engine has an exact elliptic-integral kernel for them.
- ``Coil.axis`` is the coil's symmetry/encoding axis (unit vector) and ``Coil.role`` is
  ``"gradient"``, ``"rf"`` or ``None``; for a gradient coil the encoded gradient is
  dBz/d(axis) with B0 along +z. ``Coil.parameters`` records the generator and its
  parameters (a descriptive dictionary for reports and JSON); it survives rigid motions but
  not scaling. ``Coil.winding_info`` is the typed record of the layout facts that handbook
  formulas read (``coildesign.winding_info``: ``Helix``, ``PlanarSpiral``, ``Birdcage``, ...),
  kept by rigid motions, scaled with the coil where its facts are lengths, dropped by joins.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from coildesign import _validation as check
from coildesign._files import atomic_path
from coildesign.conductors import CrossSection, Material, RectangularStrip, RoundWire, material
from coildesign.winding_info import WindingInfo


def _cross_section(wire_diameter: float | None, cross_section: CrossSection | None) -> CrossSection | None:
    if wire_diameter is not None and cross_section is not None:
        check._fail("wire_diameter", "None when cross_section is given", wire_diameter)
    if wire_diameter is not None:
        return RoundWire(check.positive("wire_diameter", wire_diameter))
    if cross_section is not None and not isinstance(cross_section, (RoundWire, RectangularStrip)):
        check._fail("cross_section", "a RoundWire, a RectangularStrip or None", cross_section, TypeError)
    return cross_section


def _scaled(cs: CrossSection | None, factor: float) -> CrossSection | None:
    """The cross-section scaled by ``factor`` (geometric similarity)."""
    if cs is None or factor == 1.0:
        return cs
    if isinstance(cs, RoundWire):
        return RoundWire(cs.diameter * factor)
    return RectangularStrip(cs.width * factor, cs.thickness * factor)


def _rotation_matrix(angle: float, axis: np.ndarray) -> np.ndarray:
    """Right-handed rotation matrix by ``angle`` [rad] about the unit vector ``axis``, from
    the Euler-Rodrigues parameters w = cos(angle/2), (x, y, z) = sin(angle/2) axis (unit
    quaternion; Goldstein, Classical Mechanics, 3rd ed., sec. 4.5): exact entries for
    rotations that permute the axes."""
    w = np.cos(0.5 * angle)
    x, y, z = np.sin(0.5 * angle) * np.asarray(axis, dtype=float)
    return np.array([[w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y)],
                     [2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x)],
                     [2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z]])


def frame(normal: np.ndarray) -> np.ndarray:
    """Rows e1, e2, n of the right-handed orthonormal frame that coildesign uses around a unit
    ``normal`` n (loop axes, sample axes): e1 = h x n / |h x n| with h the x axis (the y axis when
    n is within ~26 degrees of x), e2 = n x e1; n = +z gives the identity (e1 = x, e2 = y), so
    z-axis loops need no rotation. Cross products written out (np.cross costs ~15 us per call)."""
    x, y, z = (float(c) for c in normal)
    if x == 0.0 and y == 0.0 and z > 0:
        return np.eye(3)
    # h = x axis: h x n = (0, -z, y); h = y axis: h x n = (z, 0, -x)
    e1 = (0.0, -z, y) if abs(x) < 0.9 else (z, 0.0, -x)
    norm = np.sqrt(e1[0] ** 2 + e1[1] ** 2 + e1[2] ** 2)
    a, b, c = e1[0] / norm, e1[1] / norm, e1[2] / norm
    return np.array([[a, b, c], [y * c - z * b, z * a - x * c, x * b - y * a], [x, y, z]])


COINCIDENT = 1e-12  # consecutive path points closer than this x the path's coordinate scale coincide


def coincident_steps(name: str, verts: np.ndarray) -> np.ndarray:
    """Indices i of steps verts[i] -> verts[i+1] that are shorter than ``COINCIDENT`` times the
    largest coordinate magnitude of ``verts`` (relative, so a 1e-300 m path is fine while a
    1e-15 m step at 1 m from the origin, which is rounding noise, is not). Refuses paths whose
    steps overflow the float range."""
    with np.errstate(over="ignore"):
        steps = np.diff(verts, axis=0)
    if not np.isfinite(steps).all():
        check._fail(name, "points whose differences stay within the float range (|step| < 1.8e308 m)",
                    f"array with max |coordinate| {np.abs(verts).max():g}")
    scale = np.abs(steps).max(axis=1)
    return np.flatnonzero(scale <= COINCIDENT * float(np.abs(verts).max()))


@dataclass(frozen=True, eq=False)
class Winding:
    """A polyline current path with its conductor.

    ``points`` [m] has shape (N, 3), N >= 2 (>= 3 when ``closed``); consecutive points must
    differ by more than ``COINCIDENT`` (1e-12) times the largest coordinate
    magnitude of the path (closer points are rounding noise with no defined direction).
    When ``closed`` and the last point repeats the first, the repeat is dropped.
    """

    points: np.ndarray
    closed: bool = False
    cross_section: CrossSection | None = None
    material: Material = field(default_factory=lambda: material("copper"))
    turns: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "turns", check.positive_int("turns", self.turns))
        pts = check.points3("points", self.points)
        if not isinstance(self.closed, (bool, np.bool_)):
            check._fail("closed", "True or False", self.closed, TypeError)
        if self.closed and len(pts) > 2 and np.array_equal(pts[0], pts[-1]):
            pts = pts[:-1]
        minimum = 3 if self.closed else 2
        if len(pts) < minimum:
            check._fail("points", f"at least {minimum} points for a {'closed' if self.closed else 'open'} path",
                        self.points)
        verts = np.vstack([pts, pts[:1]]) if self.closed else pts
        zero = coincident_steps("points", verts)
        if zero.size:
            i = int(zero[0])
            check._fail("points", f"free of repeated consecutive points (points {i} and {(i + 1) % len(pts)}, "
                        f"{verts[i].tolist()} and {verts[i + 1].tolist()}, coincide to within "
                        f"{COINCIDENT:g} of the coordinate scale)", "array of shape " + str(pts.shape))
        pts.setflags(write=False)
        object.__setattr__(self, "points", pts)
        object.__setattr__(self, "material", material(self.material))
        object.__setattr__(self, "cross_section", _cross_section(None, self.cross_section))

    @property
    def vertices(self) -> np.ndarray:
        """Path vertices [m], (N+1, 3) with the first point repeated when closed."""
        return np.vstack([self.points, self.points[:1]]) if self.closed else self.points

    @property
    def path_length(self) -> float:
        """Length of the path [m] (one turn)."""
        return float(np.sqrt((np.diff(self.vertices, axis=0) ** 2).sum(axis=1)).sum())

    @property
    def length(self) -> float:
        """Conductor length [m]: path length x turns."""
        return self.turns * self.path_length

    def transformed(self, matrix: np.ndarray, offset: np.ndarray) -> Winding:
        """The winding mapped by x -> matrix @ x + offset (a similarity: orthogonal matrix times
        a scale, which also scales the conductor cross-section)."""
        scale = abs(float(np.cbrt(np.linalg.det(matrix))))
        return replace(self, points=self.points @ matrix.T + offset, cross_section=_scaled(self.cross_section, scale))

    def __repr__(self) -> str:
        kind = "closed" if self.closed else "open"
        turns = f", {self.turns} turns" if self.turns > 1 else ""
        return (f"Winding({len(self.points)} points, {kind}{turns}, length={self.length:.6g} m, "
                f"{_describe(self.cross_section)}, {self.material.name})")


@dataclass(frozen=True, eq=False)
class LoopWinding:
    """An exact circular loop: ``center`` [m], unit ``normal``, ``radius`` [m]."""

    radius: float
    center: np.ndarray = field(default_factory=lambda: np.zeros(3))
    normal: np.ndarray = field(default_factory=lambda: np.array([0.0, 0.0, 1.0]))
    cross_section: CrossSection | None = None
    material: Material = field(default_factory=lambda: material("copper"))
    turns: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "turns", check.positive_int("turns", self.turns))
        object.__setattr__(self, "radius", check.positive("radius", self.radius))
        object.__setattr__(self, "center", check.vector3("center", self.center))
        object.__setattr__(self, "normal", check.unit_vector("normal", self.normal))
        object.__setattr__(self, "material", material(self.material))
        object.__setattr__(self, "cross_section", _cross_section(None, self.cross_section))
        if self.cross_section is not None and self.cross_section_radius >= self.radius:
            check._fail("cross_section", f"smaller than the loop radius {self.radius:g} m", self.cross_section)

    @property
    def cross_section_radius(self) -> float:
        """Radius [m] of the conductor for the inside-conductor rule (0 for a filament)."""
        return 0.0 if self.cross_section is None else self.cross_section.field_radius

    @property
    def path_length(self) -> float:
        """Circumference [m]: 2 pi R."""
        return float(2.0 * np.pi * self.radius)

    @property
    def length(self) -> float:
        """Conductor length [m]: 2 pi R x turns."""
        return self.turns * self.path_length

    def transformed(self, matrix: np.ndarray, offset: np.ndarray) -> LoopWinding:
        """The loop mapped by x -> matrix @ x + offset; the normal is a pseudovector, so a
        mirror (det < 0) reverses it relative to the mirrored geometry."""
        scale = float(np.cbrt(np.linalg.det(matrix)))
        n = np.sign(scale) * (matrix @ self.normal)
        return replace(self, radius=self.radius * abs(scale), center=matrix @ self.center + offset,
                       normal=n / np.linalg.norm(n), cross_section=_scaled(self.cross_section, abs(scale)))

    def __repr__(self) -> str:
        c = ", ".join(f"{v:.6g}" for v in self.center)
        n = ", ".join(f"{v:.6g}" for v in self.normal)
        turns = f", {self.turns} turns" if self.turns > 1 else ""
        return (f"LoopWinding(radius={self.radius:.6g} m{turns}, center=({c}) m, normal=({n}), "
                f"{_describe(self.cross_section)}, {self.material.name})")


AnyWinding = Winding | LoopWinding


def _describe(cs: CrossSection | None) -> str:
    if cs is None:
        return "filament"
    if isinstance(cs, RoundWire):
        return f"round wire d={cs.diameter:.4g} m"
    return f"strip {cs.width:.4g} m x {cs.thickness:.4g} m"


class Coil:
    """Windings connected in series carrying one current (each scaled by its weight).

    Coils are immutable; transforms return new coils. ``coil_a + coil_b`` joins in series.
    ``parameters``: descriptive dictionary of the generator's arguments (reports, JSON);
    ``winding_info``: the typed layout record that analyses read (``coildesign.winding_info``),
    or None.
    """

    __slots__ = ("windings", "weights", "name", "axis", "role", "parameters", "winding_info", "_cache")

    def __init__(
        self,
        windings: Iterable[AnyWinding],
        weights: Iterable[float] | None = None,
        *,
        name: str = "coil",
        axis: Iterable[float] | None = None,
        role: str | None = None,
        parameters: dict | None = None,
        winding_info: WindingInfo | None = None,
    ) -> None:
        ws = tuple(windings)
        if not ws:
            check._fail("windings", "a non-empty sequence of Winding or LoopWinding", ws)
        for i, w in enumerate(ws):
            if not isinstance(w, (Winding, LoopWinding)):
                check._fail(f"windings[{i}]", "a Winding or LoopWinding", w, TypeError)
        wt = np.ones(len(ws)) if weights is None else np.array(check.real_array("weights", list(weights)))
        if wt.shape != (len(ws),) or not np.isfinite(wt).all():
            check._fail("weights", f"{len(ws)} finite numbers (one per winding)", weights)
        wt.setflags(write=False)
        if role not in (None, "gradient", "rf"):
            check._fail("role", "'gradient', 'rf' or None", role)
        if winding_info is not None and not isinstance(winding_info, WindingInfo):
            check._fail("winding_info", "a coildesign.winding_info record (Helix, PlanarSpiral, ...) or None",
                        winding_info, TypeError)
        self.windings: tuple[AnyWinding, ...] = ws
        self.weights: np.ndarray = wt
        self.name = str(name)
        self.axis = None if axis is None else check.unit_vector("axis", axis)
        self.role = role
        self.parameters = dict(parameters) if parameters else {}
        self.winding_info = winding_info
        self._cache: dict = {}

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_polyline(
        cls,
        points: np.ndarray,
        closed: bool = False,
        wire_diameter: float | None = None,
        *,
        cross_section: CrossSection | None = None,
        material: Material | str = "copper",
        name: str = "polyline",
    ) -> Coil:
        """A coil of one polyline winding; ``points`` [m] (N, 3); ``wire_diameter`` [m] or None
        for a filament."""
        cs = _cross_section(wire_diameter, cross_section)
        return cls([Winding(points, closed, cs, material)], name=name)

    @classmethod
    def from_loop(
        cls,
        radius: float,
        center: Iterable[float] = (0.0, 0.0, 0.0),
        normal: Iterable[float] = (0.0, 0.0, 1.0),
        wire_diameter: float | None = None,
        *,
        cross_section: CrossSection | None = None,
        material: Material | str = "copper",
        name: str = "loop",
    ) -> Coil:
        """A coil of one exact circular loop of ``radius`` [m]."""
        cs = _cross_section(wire_diameter, cross_section)
        return cls([LoopWinding(radius, center, normal, cs, material)], name=name, axis=normal)

    # ------------------------------------------------------------------ composition
    def __add__(self, other: Coil) -> Coil:
        if not isinstance(other, Coil):
            return NotImplemented
        axis = self.axis if self.axis is not None and other.axis is not None and np.allclose(
            self.axis, other.axis) else None
        return Coil(self.windings + other.windings, np.concatenate([self.weights, other.weights]),
                    name=f"{self.name} + {other.name}", axis=axis,
                    role=self.role if self.role == other.role else None)

    def __len__(self) -> int:
        return len(self.windings)

    def __iter__(self) -> Iterator[AnyWinding]:
        return iter(self.windings)

    def with_weights(self, weights: Iterable[float]) -> Coil:
        """The same windings with new per-winding current weights."""
        return Coil(self.windings, weights, name=self.name, axis=self.axis, role=self.role,
                    parameters=self.parameters, winding_info=self.winding_info)

    def renamed(self, name: str) -> Coil:
        """The same coil under another name."""
        return Coil(self.windings, self.weights, name=name, axis=self.axis, role=self.role,
                    parameters=self.parameters, winding_info=self.winding_info)

    # ------------------------------------------------------------------ transforms
    def transformed(self, matrix: np.ndarray, offset: Iterable[float] = (0.0, 0.0, 0.0)) -> Coil:
        """The coil mapped by x -> matrix @ x + offset. ``matrix`` must be orthogonal times a
        positive scale; ``parameters`` are kept only for rigid motions, ``winding_info`` is kept
        by rigid motions and scaled (``WindingInfo.scaled``, None when it cannot be) otherwise."""
        m = np.asarray(matrix, dtype=float)
        if m.shape != (3, 3) or not np.isfinite(m).all():
            check._fail("matrix", "a finite 3x3 array", matrix)
        scale2 = float(np.mean(np.diag(m.T @ m)))
        if scale2 <= 0 or not np.allclose(m.T @ m, scale2 * np.eye(3), rtol=1e-12, atol=1e-12 * scale2):
            check._fail("matrix", "orthogonal times a positive scale (a similarity transform)", matrix)
        t = check.vector3("offset", offset)
        axis = None if self.axis is None else m @ self.axis
        rigid = abs(scale2 - 1.0) < 1e-12
        info = self.winding_info
        if info is not None and not rigid:
            info = info.scaled(float(np.sqrt(scale2)))
        return Coil([w.transformed(m, t) for w in self.windings], self.weights, name=self.name,
                    axis=axis, role=self.role, parameters=self.parameters if rigid else None, winding_info=info)

    def translate(self, offset: Iterable[float]) -> Coil:
        """The coil moved by ``offset`` [m]."""
        return self.transformed(np.eye(3), offset)

    def rotate(self, angle: float, axis: Iterable[float] = (0.0, 0.0, 1.0),
               center: Iterable[float] = (0.0, 0.0, 0.0)) -> Coil:
        """The coil rotated by ``angle`` [degrees] (right-handed) about ``axis`` through ``center`` [m]."""
        a = np.deg2rad(check.finite("angle", angle))
        r = _rotation_matrix(a, check.unit_vector("axis", axis))
        c = check.vector3("center", center)
        return self.transformed(r, c - r @ c)

    def mirror(self, normal: Iterable[float], point: Iterable[float] = (0.0, 0.0, 0.0)) -> Coil:
        """The coil reflected in the plane through ``point`` [m] with unit ``normal``."""
        n = check.unit_vector("normal", normal)
        p = check.vector3("point", point)
        m = np.eye(3) - 2.0 * np.outer(n, n)
        return self.transformed(m, p - m @ p)

    def scaled(self, factor: float) -> Coil:
        """The coil scaled about the origin by ``factor`` (geometric similarity: conductor
        cross-sections scale too)."""
        f = check.positive("factor", factor)
        return self.transformed(f * np.eye(3))

    # ------------------------------------------------------------------ display
    def paths(self, loop_segments: int = 128) -> list[np.ndarray]:
        """Vertices [m] of every winding's path in current direction, (N, 3) each: polylines
        with the first point repeated when closed, loops as closed regular ``loop_segments``-gons
        (counter-clockwise about their normal). For display and manufacturing exports; the
        field engine uses the exact circles."""
        n = check.positive_int("loop_segments", loop_segments, minimum=3)
        out = []
        for w in self.windings:
            if isinstance(w, LoopWinding):
                e = frame(w.normal)
                t = np.linspace(0.0, 2.0 * np.pi, n + 1)
                out.append(w.center + w.radius * (np.outer(np.cos(t), e[0]) + np.outer(np.sin(t), e[1])))
            else:
                out.append(np.array(w.vertices))
        return out

    def plot(self, ax=None, *, path: str | os.PathLike | None = None, arrows: bool = True, **line_kwargs):
        """Draw the windings in 3-D with matplotlib and return the ``Axes3D``.

        Coordinates in mm with equal scaling on the three axes. Each winding is one line
        (colour from the winding's current weight sign: positive C0, negative C3, unless
        ``color`` is given in ``line_kwargs``); ``arrows`` marks the current direction at the
        middle of each winding. ``ax``: an existing 3-D axes to draw into (None: a new figure
        through pyplot, so it shows inline in Jupyter). ``path`` saves the figure (format
        from the suffix) atomically. matplotlib is imported here, not at module import (it
        costs ~0.2 s).
        """
        from matplotlib.ticker import MaxNLocator

        if ax is None:
            import matplotlib.pyplot as plt

            ax = plt.figure(figsize=(6.0, 5.0)).add_subplot(projection="3d")
        elif getattr(ax, "name", "") != "3d":
            check._fail("ax", "a matplotlib 3-D axes (projection='3d') or None", type(ax).__name__, TypeError)
        paths = self.paths()
        pts = 1e3 * np.vstack(paths)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        arrow = 0.12 * float(np.max(hi - lo))
        for k, (p, wt) in enumerate(zip(paths, self.weights)):
            mm = 1e3 * p
            kw = {"color": "C0" if wt >= 0 else "C3", "lw": 1.2, **line_kwargs}
            ax.plot(mm[:, 0], mm[:, 1], mm[:, 2], label=None if k else self.name, **kw)
            if arrows and len(mm) > 1:
                i = (len(mm) - 1) // 2
                d = (mm[i + 1] - mm[i]) * np.sign(wt or 1.0)
                ax.quiver(*mm[i], *(arrow * d / np.linalg.norm(d)), color=kw["color"], arrow_length_ratio=0.35)
        span = 1.08 * np.maximum(hi - lo, 0.05 * max(float(np.max(hi - lo)), 1e-12))  # planar coils stay visible
        mid = 0.5 * (lo + hi)
        ax.set_xlim(mid[0] - span[0] / 2, mid[0] + span[0] / 2)
        ax.set_ylim(mid[1] - span[1] / 2, mid[1] + span[1] / 2)
        ax.set_zlim(mid[2] - span[2] / 2, mid[2] + span[2] / 2)
        ax.set_box_aspect(span)
        for axis, m, extent in zip((ax.xaxis, ax.yaxis, ax.zaxis), mid, span / span.max()):
            if extent < 0.2:
                axis.set_ticks([round(float(m), 6)])
            else:
                axis.set_major_locator(MaxNLocator(int(round(6 * extent))))
        ax.set_xlabel("x [mm]")
        ax.set_ylabel("y [mm]")
        ax.set_zlabel("z [mm]")
        ax.set_title(self.name)
        if path is not None:
            target = Path(path)
            with atomic_path(target) as tmp:
                ax.figure.savefig(tmp, dpi=130, bbox_inches="tight", format=target.suffix.lstrip(".") or "png")
        return ax

    # ------------------------------------------------------------------ properties
    @property
    def wire_length(self) -> float:
        """Total conductor length of all windings [m]."""
        return float(sum(w.length for w in self.windings))

    @property
    def n_segments(self) -> int:
        """Number of straight segments (loops not counted)."""
        return sum(len(w.vertices) - 1 for w in self.windings if isinstance(w, Winding))

    @property
    def n_loops(self) -> int:
        """Number of exact circular loops."""
        return sum(isinstance(w, LoopWinding) for w in self.windings)

    def __repr__(self) -> str:
        parts = [f"Coil({self.name!r}: {len(self.windings)} windings"]
        if self.n_segments:
            parts.append(f"{self.n_segments} segments")
        if self.n_loops:
            parts.append(f"{self.n_loops} loops")
        parts.append(f"wire length {self.wire_length:.6g} m")
        if self.role:
            parts.append(f"role {self.role}")
        if self.axis is not None:
            parts.append("axis (" + ", ".join(f"{v:.3g}" for v in self.axis) + ")")
        return ", ".join(parts) + ")"


def require_coil(name: str, value: object) -> Coil:
    """Return ``value`` after checking it is a ``Coil`` (TypeError naming ``name`` otherwise)."""
    if not isinstance(value, Coil):
        check._fail(name, "a coildesign.Coil", value, TypeError)
    return value
