"""Thin conducting shells: a triangle-mesh surface with a thickness and a conductivity, and the
stream-function degrees of freedom of the currents it can carry.

Thin-sheet model: the induced current is a surface current J = grad(psi) x n (the stream
function of ``coildesign.surfaces``), uniform through the thickness d. That holds while d is
small against the skin depth delta = sqrt(2 / (omega mu0 sigma)). The exact surface impedance
of a slab of thickness d (fields on one side, Ramo, Whinnery & Van Duzer, Fields and Waves in
Communication Electronics, 3rd ed. (1994) sec. 5.6, with the slab terminated by free space) is
Z_s = (k / sigma) coth(k d), k = (1 + j) / delta; its expansion coth x = 1/x + x/3 + ...
gives Z_s = 1/(sigma d) + j omega mu0 d / 3 + ..., so the thin-sheet resistance 1/(sigma d)
is off by the relative amount omega mu0 sigma d^2 / 3 = (2/3) (d/delta)^2
(``thin_sheet_error``). ``Shell.check_frequency`` warns when that exceeds ``THIN_SHEET_LIMIT``
(model a thick conductor as several sheets through its thickness).

Degrees of freedom (``stream_basis``): no current may leave the conductor, so psi is constant
along every boundary loop. On each connected piece of the mesh one boundary loop is held at
psi = 0 (the gauge); every further loop carries its own constant, which is the net current
circulating between that loop and the gauge loop (e.g. the current round an open cylinder,
from one end to the other, or round a hole). A closed piece has no boundary: psi is fixed at
one vertex (a constant psi carries no current). The interior vertices are free. Surfaces of
higher genus (a torus) also carry currents without a single-valued stream function; they are
not represented.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.conductors import Material, material
from coildesign.surfaces import Surface

THIN_SHEET_LIMIT = 0.1
"""Largest relative error of the thin-sheet resistance, omega mu0 sigma d^2 / 3, accepted
without a warning (module doc)."""


class ThinSheetWarning(UserWarning):
    """The shell is not thin against the skin depth at a frequency that matters."""


@dataclass(frozen=True, eq=False)
class Shell:
    """A thin conducting shell on ``surface`` (any ``coildesign.surfaces`` mesh: cylinder,
    biplanar pair, disc, user mesh; open or closed).

    Parameters
    ----------
    surface : Surface
        Mid-surface of the conductor [m].
    thickness : float
        Conductor thickness d [m].
    material : str or Material, default "copper"
        Conductor (``coildesign.conductors.MATERIALS``: copper, aluminium, silver, gold, ...);
        its resistivity at ``temperature``.
    conductivity : float, optional
        sigma [S/m]; overrides ``material``.
    temperature : float, optional
        [K]; default the material's reference temperature (20 C).
    name : str, optional
        Label in reports (default the surface's name).
    """

    surface: Surface
    thickness: float
    material: str | Material = "copper"
    conductivity: float | None = None
    temperature: float | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.surface, Surface):
            check._fail("surface", "a coildesign.surfaces Surface (cylinder, biplanar, mesh)", self.surface, TypeError)
        object.__setattr__(self, "thickness", check.positive("thickness", self.thickness))
        if self.conductivity is not None:
            sigma = check.positive("conductivity", self.conductivity)
        else:
            mat = material(self.material)
            rho = mat.resistivity if self.temperature is None else mat.resistivity_at(self.temperature)
            sigma = 1.0 / rho
        object.__setattr__(self, "conductivity", float(sigma))
        if not self.name:
            object.__setattr__(self, "name", self.surface.name)

    @property
    def resistivity(self) -> float:
        """rho = 1/sigma [ohm m]."""
        return 1.0 / self.conductivity

    @property
    def sheet_resistance(self) -> float:
        """1/(sigma d) [ohm] (per square)."""
        return 1.0 / (self.conductivity * self.thickness)

    def skin_depth(self, frequency: float) -> float:
        """delta = sqrt(2 / (omega mu0 sigma)) [m] at ``frequency`` [Hz] (module doc)."""
        f = check.positive("frequency", frequency)
        return float(np.sqrt(1.0 / (np.pi * f * mu_0 * self.conductivity)))

    def thin_sheet_error(self, frequency: float) -> float:
        """Relative error omega mu0 sigma d^2 / 3 = (2/3)(d/delta)^2 of the thin-sheet model at
        ``frequency`` [Hz] (module doc)."""
        f = check.positive("frequency", frequency)
        return float(2.0 * np.pi * f * mu_0 * self.conductivity * self.thickness**2 / 3.0)

    def check_frequency(self, frequency: float) -> bool:
        """Warn (``ThinSheetWarning``) when the thin-sheet model is off by more than
        ``THIN_SHEET_LIMIT`` at ``frequency`` [Hz]; returns True when it holds."""
        err = self.thin_sheet_error(frequency)
        if err > THIN_SHEET_LIMIT:
            warnings.warn(
                f"shell {self.name!r}: thickness {self.thickness * 1e3:.3g} mm is not thin against the skin depth "
                f"{self.skin_depth(frequency) * 1e3:.3g} mm at {frequency:.4g} Hz (thin-sheet resistance off by "
                f"{100 * err:.3g} %); results at times shorter than {1 / (2 * np.pi * frequency):.3g} s are not "
                "reliable: model the conductor as several thinner shells through its thickness",
                ThinSheetWarning, stacklevel=3)
            return False
        return True

    def __repr__(self) -> str:
        return (f"Shell({self.name!r}: {self.surface.n_vertices} vertices, d = {self.thickness * 1e3:.4g} mm, "
                f"sigma = {self.conductivity:.4g} S/m)")


def boundary_loops(surface: Surface) -> list[np.ndarray]:
    """Vertex indices of each boundary loop of ``surface`` (connected sets of boundary edges)."""
    edges = surface.boundary_edges()
    if len(edges) == 0:
        return []
    nv = surface.n_vertices
    graph = sp.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(nv, nv))
    _, label = connected_components(graph, directed=False)
    verts = np.unique(edges)
    return [verts[label[verts] == lab] for lab in np.unique(label[verts])]


def mesh_pieces(surface: Surface) -> np.ndarray:
    """Connected-piece label of every vertex, (V,) int."""
    f = surface.faces
    nv = surface.n_vertices
    rows = np.concatenate([f[:, 0], f[:, 1], f[:, 2]])
    cols = np.concatenate([f[:, 1], f[:, 2], f[:, 0]])
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(nv, nv))
    return connected_components(graph, directed=False)[1]


@dataclass(frozen=True)
class StreamBasis:
    """Degrees of freedom of the stream function on one surface (module doc).

    ``matrix`` (V, K) sparse maps the K unknowns to vertex values of psi [A]; ``free`` are the
    free vertices (one unknown each, first), ``loops`` the vertex sets of the boundary loops
    with their own constant (one unknown each, after the free vertices)."""

    matrix: sp.csr_matrix
    free: np.ndarray
    loops: tuple[np.ndarray, ...]
    fixed: np.ndarray  # vertices held at psi = 0 (gauge loops and gauge vertices of closed pieces)
    closed_gauges: np.ndarray  # the gauge vertex of each closed piece


def stream_basis(surface: Surface) -> StreamBasis:
    """The stream-function unknowns of ``surface`` (module doc)."""
    piece = mesh_pieces(surface)
    loops = boundary_loops(surface)
    fixed, extra, closed = [], [], []
    for p in np.unique(piece):
        own = [lp for lp in loops if piece[lp[0]] == p]
        if not own:
            closed.append(int(np.flatnonzero(piece == p)[0]))
            fixed.append(np.array(closed[-1:]))
            continue
        own.sort(key=lambda lp: int(lp.min()))
        fixed.append(own[0])
        extra += own[1:]
    nv = surface.n_vertices
    mask = np.ones(nv, dtype=bool)
    for arr in fixed + extra:
        mask[arr] = False
    free = np.flatnonzero(mask)
    rows = [free] + extra
    cols = [np.arange(len(free))] + [np.full(len(lp), len(free) + i) for i, lp in enumerate(extra)]
    r, c = np.concatenate(rows), np.concatenate(cols)
    mat = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(nv, len(free) + len(extra)))
    fixed_all = np.concatenate(fixed) if fixed else np.zeros(0, dtype=np.int64)
    return StreamBasis(mat, free, tuple(extra), fixed_all, np.array(closed, dtype=np.int64))
