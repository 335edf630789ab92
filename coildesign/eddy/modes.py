"""Eddy-current modes of coupled thin shells: the generalised eigenproblem R v = lambda L v.

With the stream function of all shells psi = B u (B: the vertex basis of the unknowns u,
``shell.stream_basis`` or a smooth reduced basis), the shells' circuit equations for a coil
current I(t) are (Faraday's law for every current pattern, the lumped-circuit form of the
thin-sheet eddy-current problem; Peeren, J. Comput. Phys. 191, 305 (2003), the eddy-current
section; Zetter et al., J. Appl. Phys. 128, 034901 (2020) for the stream-function matrices)

    L u' + R u = -M I'(t),

L = B^T L_V B [H] (Neumann's mutual inductance of every pair of patterns, all shells in one
matrix, so the shells are coupled), R = B^T R_V B [ohm] (block diagonal: each shell's Ohmic
loss with its own thickness and conductivity) and M [H] the mutual inductance of the coil with
each pattern, M_k = int J_k . A_coil dA (``Modes.coupling``). L is symmetric positive
definite and R symmetric positive definite (the gauge removes the constants), so
``scipy.linalg.eigh(R, L)`` gives real rates lambda_i > 0 and vectors with V^T L V = 1,
V^T R V = diag(lambda) (Golub & Van Loan, Matrix Computations, 4th ed., sec. 8.7): the
modes decay independently with time constants tau_i = 1/lambda_i.

Symmetry: for one shell of one piece that coordinate mirrors through its bounding-box centre
map onto itself (a cylinder, a box), the mirrors commute with L and R, and the eigenproblem of
the full basis splits into one block per parity pattern (``_unknown_blocks``; eight for a
cylinder, about 1/64 of the dense solver's work). L is first averaged over the mirror group:
the Gauss rules on the faces are not mirror-symmetric, so the computed L is symmetric only to
its quadrature level (~2e-6 of its largest entry; the rates move by ~5e-9).

Bases (``basis_size``): None uses every unknown of the mesh (``stream_basis``: exact for the
mesh; O(K^3) time); an integer uses that many of the smoothest stream functions of each shell
(lowest Laplace-Beltrami eigenfunctions, ``StreamFunctionOperators.modes``, zero on the
boundary loops, with constants of closed pieces removed) plus the harmonic function that is 1
on each free boundary loop and 0 on the others (the net circulation between the loops). It is a
Galerkin subspace: by the Rayleigh-Ritz principle every computed tau is a lower bound of the
mesh's tau of the same rank, and the slow modes converge first.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.linalg import eigsh, spsolve

from coildesign import _validation as check
from coildesign._files import save_figure
from coildesign.coil import Coil
from coildesign.eddy import far_field
from coildesign.eddy.sheet import SheetCurrent, require_source, sheet_coupling
from coildesign.eddy.shell import Shell, StreamBasis, boundary_loops, mesh_pieces, stream_basis
from coildesign.fields import vector_potential
from coildesign.surfaces import StreamFunctionOperators, Surface
from coildesign.surfaces.quadrature import quadrature_points

FIELD_TOLERANCE = 1e-4
"""Relative accuracy aimed at by the quadrature of the shells' field (``StreamFunctionOperators``
tolerance): the eddy field is itself a fraction of the coil's, so 1e-4 of it is ample."""
COUPLING_ORDER = 3
"""Gauss order of the face rule (n^2 points a face) integrating J . A_coil in ``coupling``."""
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 4


@dataclass(frozen=True, eq=False)
class Modes:
    """Eddy-current modes of ``shells`` (module doc).

    ``time_constants`` [s] (n,) descending with ``rates`` = 1/tau [1/s]; ``vectors`` (K, n)
    the modes in the unknowns u (L-orthonormal); ``basis`` (V, K) maps unknowns to the vertex
    values of psi on ``surface`` (all shells, vertices in the order of ``shells``);
    ``inductance``, ``resistance`` the K x K matrices [H], [ohm]; ``dofs`` the columns of each
    shell."""

    shells: tuple[Shell, ...]
    surface: Surface
    operators: StreamFunctionOperators
    basis: sp.csr_matrix | np.ndarray
    dofs: tuple[slice, ...]
    inductance: np.ndarray
    resistance: np.ndarray
    rates: np.ndarray
    vectors: np.ndarray
    _couplings: dict = field(default_factory=dict, repr=False)

    @property
    def time_constants(self) -> np.ndarray:
        """tau_i = 1/lambda_i [s], descending."""
        return 1.0 / self.rates

    @property
    def count(self) -> int:
        """Number of modes."""
        return len(self.rates)

    def stream_function(self, index: int) -> np.ndarray:
        """Vertex values of psi [A] of mode ``index`` (unit L-norm: stored energy 1/2 J)."""
        return np.asarray(self.basis @ self.vectors[:, index]).ravel()

    def coupling(self, coil: Coil | SheetCurrent, order: int = COUPLING_ORDER) -> np.ndarray:
        """Mutual inductance [H] (K,) of ``coil`` (at 1 A) with every unknown:
        M_k = int J_k . A_coil dA by a Gauss rule of ``order`` on every face (module doc); for a
        ``SheetCurrent`` Neumann's double integral over both surfaces (``eddy.sheet``)."""
        require_source("coil", coil)
        n = check.positive_int("order", order, maximum=20)
        hit = self._couplings.get((id(coil), n))
        if hit is not None and hit[0] is coil:
            return hit[1].copy()
        if isinstance(coil, SheetCurrent):
            out = sheet_coupling(self.operators, self.basis, StreamFunctionOperators(coil.surface),
                                 coil.stream_function[:, None]).ravel()
            self._remember(coil, n, out)
            return out.copy()
        s = self.surface
        qp, qw = quadrature_points(s.corners, n)
        a = vector_potential(coil, qp.reshape(-1, 3)).reshape(qp.shape)
        face = np.einsum("fq,fqa->fa", qw, a)  # int_t A dA [T m^3/A]
        mv = sum(np.asarray(m.T @ face[:, j]).ravel() for j, m in enumerate(self.operators.current_maps))
        out = np.asarray(self.basis.T @ mv).ravel()
        self._remember(coil, n, out)
        return out.copy()

    def _remember(self, coil, order: int, value: np.ndarray) -> None:
        if len(self._couplings) >= 8:
            self._couplings.clear()
        self._couplings[(id(coil), order)] = (coil, value)

    def modal_coupling(self, coil: Coil) -> np.ndarray:
        """m_i = v_i . M [H] (n,): the coupling of ``coil`` with each mode."""
        return self.vectors.T @ self.coupling(coil)

    def field_operator(self, points: np.ndarray, which=None) -> np.ndarray:
        """B [T] (M, 3, n) at ``points`` [m] of each mode at unit amplitude (or of the modes
        selected by ``which``, an index or boolean mask): through the shells' local harmonic
        expansion when the points lie in a ball clear of the shells (``eddy.far_field``, within
        1e-2 of the quadrature's tolerance of the direct sum), else by the direct face sums of
        ``StreamFunctionOperators.field_operator``."""
        pts = check.points3("points", points)
        vec = self.vectors if which is None else self.vectors[:, which]
        fast = far_field.field_operator(self.operators, pts, np.asarray(self.basis @ vec))
        if fast is not None:
            return fast
        if sp.issparse(self.basis):
            full = self.operators.field_operator(pts)  # (M, 3, V)
            per_dof = np.asarray((self.basis.T @ full.reshape(-1, full.shape[2]).T).T)
            return (per_dof @ vec).reshape(len(pts), 3, -1)
        return self.operators.field_operator(pts, self.basis @ vec)

    def shell_resistance(self, index: int) -> np.ndarray:
        """Resistance matrix of shell ``index`` alone in the mode coordinates, (n, n) [ohm]."""
        d = self.dofs[index]
        v = self.vectors[d]
        return v.T @ self.resistance[d, d] @ v

    def plot(self, count: int = 6, path: str | os.PathLike | None = None):
        """The ``count`` slowest modes' stream functions on the shells (3-D, colour = psi;
        current flows along the colour contours), with their time constants; matplotlib
        figure, saved atomically to ``path`` when given."""
        import matplotlib

        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from mpl_toolkits.mplot3d.art3d import Poly3DCollection

        k = min(check.positive_int("count", count), self.count)
        cols = min(k, 3)
        rows = -(-k // cols)
        fig = plt.figure(figsize=(4.0 * cols, 3.8 * rows))
        corners = np.asarray(self.surface.corners)
        lo, hi = corners.reshape(-1, 3).min(axis=0), corners.reshape(-1, 3).max(axis=0)
        for i in range(k):
            ax = fig.add_subplot(rows, cols, i + 1, projection="3d")
            psi = self.stream_function(i)
            face = psi[self.surface.faces].mean(axis=1)
            scale = np.abs(face).max() or 1.0
            colors = plt.get_cmap("coolwarm")(0.5 + 0.5 * face / scale)
            colors[:, 3] = 0.35 + 0.65 * np.abs(face) / scale  # strong currents opaque: inner shells show through
            ax.add_collection3d(Poly3DCollection(corners, facecolors=colors, edgecolors="none"))
            ax.set_xlim(lo[0], hi[0])
            ax.set_ylim(lo[1], hi[1])
            ax.set_zlim(lo[2], hi[2])
            ax.set_box_aspect(np.maximum(hi - lo, 1e-9 * (hi - lo).max()))
            ax.set_title(f"mode {i + 1}: tau = {self.time_constants[i] * 1e3:.4g} ms", fontsize=9)
            ax.set_axis_off()
        fig.tight_layout()
        if path is not None:
            save_figure(fig, path)
        return fig


def _as_shells(shells) -> tuple[Shell, ...]:
    items = (shells,) if isinstance(shells, Shell) else tuple(shells) if isinstance(shells, Iterable) else None
    if not items or not all(isinstance(s, Shell) for s in items):
        check._fail("shells", "a Shell or a non-empty sequence of Shell objects", shells, TypeError)
    return items


def smooth_basis(shell: Shell, count: int) -> np.ndarray:
    """(V, K) dense vertex basis of ``shell``: the ``count`` smoothest stream functions and the
    harmonic circulation functions of its free boundary loops (module doc)."""
    s = shell.surface
    ops = StreamFunctionOperators(s)
    dof = stream_basis(s)
    stiffness, mass = ops.stiffness, ops.mass
    interior = s.interior_vertices
    n = min(count + 8, len(interior) - 1)  # closed pieces add one constant each (dropped below)
    cols = []
    if n >= 1:
        vec = _laplace_modes(stiffness, mass, interior, n, ops)
        rq = np.einsum("vk,vk->k", vec, stiffness @ vec) / np.einsum("vk,vk->k", vec, mass @ vec)
        keep = rq > 1e-8 * rq.max()
        vec = vec[:, keep][:, :count]
        # closed pieces: psi is held at the gauge vertex, so shift each piece by its value there
        for v0 in dof.closed_gauges:
            piece = _piece_of(s, v0)
            vec[piece] -= vec[v0]
        cols.append(vec)
    if dof.loops:
        inner = np.setdiff1d(np.arange(s.n_vertices), s.boundary_vertices)
        k_ii = stiffness[inner][:, inner].tocsc()
        for lp in dof.loops:
            g = np.zeros(s.n_vertices)
            g[lp] = 1.0
            piece = np.zeros(s.n_vertices, dtype=bool)
            piece[_piece_of(s, lp[0])] = True
            sel = piece[inner]
            rhs = -(stiffness[inner][:, lp] @ np.ones(len(lp)))
            u = np.zeros(len(inner))
            u[sel] = spsolve(k_ii[sel][:, sel], rhs[sel])
            g[inner] = u
            cols.append(g[:, None])
    return np.hstack(cols)


DENSE_LAPLACE_LIMIT = 6000
"""Up to this many interior vertices the Laplace-Beltrami modes come from a dense symmetric
eigensolver (LAPACK, only the requested eigenvectors): for hundreds of modes it is far faster
than ARPACK's shift-invert Lanczos (measured 5x on a 3,060-vertex cylinder, 408 modes)."""


def _laplace_modes(stiffness, mass, interior: np.ndarray, count: int,
                   ops: StreamFunctionOperators | None = None) -> np.ndarray:
    """The ``count`` lowest Laplace-Beltrami eigenfunctions with psi = 0 off ``interior``
    (V, count), mass-orthonormal (``StreamFunctionOperators.modes`` without symmetry).

    When the mesh of ``ops`` maps onto itself under coordinate mirrors through its bounding-box
    centre (``mirror_map``), the problem splits into one block per parity pattern
    (``symmetric_subspace``: the mirrors commute with the Laplace-Beltrami operator, and the
    blocks of all parity patterns together span every free stream function, each orbit of
    vertices contributing as many columns as it has vertices; Serre, Linear Representations of
    Finite Groups (1977), sec. 2.6): the lowest ``count`` eigenpairs of all blocks are those of the
    whole problem, at about 1/(blocks)^2 of the dense solver's work."""
    parts = _parity_blocks(ops, interior) if ops is not None and len(interior) <= DENSE_LAPLACE_LIMIT else None
    if parts is not None:
        values, vectors = [], []
        for q in parts:
            ks = (q.T @ stiffness @ q).toarray()
            ms = (q.T @ mass @ q).toarray()
            k = min(count, q.shape[1])
            ev, v = sla.eigh(ks, ms, subset_by_index=[0, k - 1])
            values.append(ev)
            vectors.append(np.asarray(q @ v))
        order = np.argsort(np.concatenate(values), kind="stable")[:count]
        return np.hstack(vectors)[:, order]
    k = stiffness[interior][:, interior]
    m = mass[interior][:, interior]
    if len(interior) <= DENSE_LAPLACE_LIMIT:
        _, vec = sla.eigh(k.toarray(), m.toarray(), subset_by_index=[0, count - 1])
    else:
        _, vec = eigsh(k.tocsc(), k=count, M=m.tocsc(), sigma=-1e-9 * abs(k.diagonal()).max(), which="LM")
    out = np.zeros((stiffness.shape[0], count))
    out[interior] = vec
    return out


def _parity_blocks(ops: StreamFunctionOperators, interior: np.ndarray) -> list | None:
    """Sparse (V, n_p) bases of the free stream functions of each mirror-parity pattern, or None
    when no coordinate mirror maps the mesh onto itself (``_laplace_modes``)."""
    v = ops.surface.vertices
    center = 0.5 * (v.min(axis=0) + v.max(axis=0))
    axes = [a for a in range(3) if ops.mirror_map(a, center) is not None]
    if not axes or not np.array_equal(np.sort(ops.free), np.sort(interior)):
        return None
    blocks = []
    for signs in np.array(np.meshgrid(*[[1, -1]] * len(axes))).reshape(len(axes), -1).T:
        q = ops.symmetric_subspace(dict(zip(axes, (int(x) for x in signs))), center)
        if q.shape[1]:
            blocks.append(q)
    if sum(q.shape[1] for q in blocks) != len(interior):
        return None  # the blocks must span every free stream function
    return blocks


def _piece_of(surface: Surface, vertex: int) -> np.ndarray:
    label = mesh_pieces(surface)
    return np.flatnonzero(label == label[vertex])


def _estimate(shells: tuple[Shell, ...], basis_size: int | None) -> float:
    """Peak memory [bytes] of ``modes``: the face coupling matrix with its scratch (3 F^2
    doubles, as ``StreamFunctionOperators.face_coupling`` checks), the vertex inductance matrix
    (V^2), and L, R, the eigenvectors and the solver's work space (~5 K^2), or the dense
    Laplace-Beltrami problem of the largest shell (3 V_s^2) for a smooth basis."""
    f = sum(len(s.surface.faces) for s in shells)
    v = sum(s.surface.n_vertices for s in shells)
    k = v if basis_size is None else min(v, len(shells) * (basis_size + 8))
    dense_laplace = 0.0 if basis_size is None else 3.0 * max(s.surface.n_vertices for s in shells) ** 2
    return 8.0 * (3.0 * f * f + v * v + max(dense_laplace, 5.0 * k * k))


def modes(shells, basis_size: int | None = None, *, tolerance: float = FIELD_TOLERANCE,
          max_memory: float | None = None) -> Modes:
    """Eddy-current modes of one or several coupled ``Shell`` objects (module doc).

    Parameters
    ----------
    shells : Shell or sequence of Shell
        The conductors; all are coupled through one inductance matrix.
    basis_size : int, optional
        None: every unknown of the meshes (exact for the meshes). An integer: that many smooth
        stream functions per shell plus the boundary-loop circulations (faster, slow modes
        first; module doc).
    tolerance : float, default ``FIELD_TOLERANCE``
        Relative accuracy of the eddy field's quadrature at the evaluation points.
    max_memory : float, optional
        Memory limit [bytes] (default: the package's, ``COILDESIGN_MAX_MEMORY`` or a fraction of
        the available memory); refused with advice before the dense matrices are built.

    Returns
    -------
    Modes
        Time constants [s] descending, mode vectors, matrices; cached for the same shells.
    """
    items = _as_shells(shells)
    size = None if basis_size is None else check.positive_int("basis_size", basis_size)
    tol = check.in_range("tolerance", tolerance, 1e-12, 0.1)
    key = (tuple(id(s) for s in items), size, tol)
    hit = _CACHE.get(key)
    if hit is not None and hit.shells == items:
        _CACHE.move_to_end(key)
        return hit
    check.memory("shells", f"{len(items)} shell(s) of {sum(s.surface.n_vertices for s in items)} vertices",
                 _estimate(items, size), "use coarser shell meshes (larger resolution) or a smooth reduced basis "
                 "(basis_size=200 to 800)", max_memory)
    surface = items[0].surface
    for s in items[1:]:
        surface = surface + s.surface
    ops = StreamFunctionOperators(surface, tolerance=tol)
    blocks, r_blocks, offset = [], [], 0
    for s in items:
        own = StreamFunctionOperators(s.surface)
        b = stream_basis(s.surface).matrix if size is None else smooth_basis(s, size)
        blocks.append((offset, b))
        r_blocks.append(own.resistance_matrix(s.thickness, s.resistivity, b))
        offset += s.surface.n_vertices
    nv = surface.n_vertices
    if size is None:
        rows, cols, vals, dofs, k0 = [], [], [], [], 0
        for off, b in blocks:
            c = b.tocoo()
            rows.append(c.row + off)
            cols.append(c.col + k0)
            vals.append(c.data)
            dofs.append(slice(k0, k0 + b.shape[1]))
            k0 += b.shape[1]
        basis = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nv, k0))
        lv = ops.inductance_matrix()
        lk = np.asarray(basis.T @ np.asarray(basis.T @ lv).T)
    else:
        k0 = sum(b.shape[1] for _, b in blocks)
        basis = np.zeros((nv, k0))
        dofs, c0 = [], 0
        for off, b in blocks:
            basis[off:off + b.shape[0], c0:c0 + b.shape[1]] = b
            dofs.append(slice(c0, c0 + b.shape[1]))
            c0 += b.shape[1]
        # B^T L_V B: the vertex matrix through the sparse current maps (3 F^2 products) and a
        # V^2 K projection is cheaper than the F^2 K products of inductance_matrix(basis)
        lk = basis.T @ (ops.inductance_matrix() @ basis)
    lk = 0.5 * (lk + lk.T)
    rk = sla.block_diag(*r_blocks)
    parts = _unknown_blocks(items[0], stream_basis(items[0].surface)) if size is None and len(items) == 1 else None
    if parts is not None:
        # L averaged over the mirror group (the face rules are not mirror-symmetric: L is, to
        # ~2e-6 of its largest entry, its quadrature's level), so that the blocks decouple exactly
        lk = sum(np.asarray((p.T @ np.asarray(p.T @ lk).T).T) for p in parts[1]) / len(parts[1])
        lk = 0.5 * (lk + lk.T)
    try:
        lam, vec = sla.eigh(rk, lk) if parts is None else _blocked_eigh(rk, lk, parts[0])
    except (sla.LinAlgError, ValueError) as exc:
        check._fail("shells", f"meshes whose inductance matrix is positive definite ({exc}); use a finer or more "
                    "regular mesh, or a smooth reduced basis (basis_size)", items)
    if lam[0] <= 0:
        check._fail("shells", "meshes whose resistance matrix is positive definite (a shell carries a current "
                    "pattern without loss): check the thickness and conductivity", items)
    out = Modes(items, surface, ops, basis, tuple(dofs), lk, rk, lam, vec)
    _CACHE[key] = out
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return out


def _unknown_blocks(shell: Shell, dof: StreamBasis) -> tuple[list, list] | None:
    """Sparse (K, n_p) bases of the unknowns u of ``stream_basis`` for each mirror-parity
    pattern and the mirror group's action on the unknowns (sparse (K, K) matrices P_g with
    u(psi o g) = P_g u(psi)), or None when no coordinate mirror through the bounding-box centre
    maps the (one-piece) mesh onto itself.

    The mirrors act on vertex values of psi by permutation and commute with L and R (energy and
    loss are mirror invariant), so every parity pattern spans an invariant subspace and the
    eigenproblem splits into one block per pattern (as ``_laplace_modes``; Serre 1977, sec. 2.6):
    in vertex values, the interior vertices' orbits (``symmetric_subspace``) and the orbits of
    the boundary loops (one value per loop); mapped to the unknowns by the gauge
    u = psi(free or loop vertex) - psi(gauge set), which sends the constant (fully even) to zero,
    so the fully even block drops the orbit holding the gauge set."""
    s = shell.surface
    if len(np.unique(mesh_pieces(s))) != 1:
        return None
    ops = StreamFunctionOperators(s)
    v = s.vertices
    center = 0.5 * (v.min(axis=0) + v.max(axis=0))
    perms = {a: ops.mirror_map(a, center) for a in range(3)}
    axes = [a for a, pm in perms.items() if pm is not None]
    if not axes:
        return None
    nv, loops = s.n_vertices, boundary_loops(s)
    loop_of = np.full(nv, -1)
    for i, lp in enumerate(loops):
        loop_of[lp] = i
    gauge = int(dof.fixed[0])
    # the gauge map S (K, V): u_free = psi[free] - psi[gauge], u_loop = psi[loop] - psi[gauge]
    heads = np.concatenate([dof.free, np.array([lp[0] for lp in dof.loops], dtype=np.int64)])
    k = len(heads)
    gmap = sp.csr_matrix((np.r_[np.ones(k), -np.ones(k)], (np.r_[np.arange(k), np.arange(k)],
                                                          np.r_[heads, np.full(k, gauge)])), shape=(k, nv))
    everything = [np.arange(nv)]
    for a in axes:
        everything += [perms[a][g] for g in everything]
    actions = [(gmap @ sp.csr_matrix((np.ones(nv), (np.arange(nv), g)), shape=(nv, nv)) @ dof.matrix).tocsr()
               for g in everything]
    blocks, total = [], 0
    for signs in np.array(np.meshgrid(*[[1, -1]] * len(axes))).reshape(len(axes), -1).T:
        par = dict(zip(axes, (int(x) for x in signs)))
        cols = [ops.symmetric_subspace(par, center)]
        group = [(np.arange(nv), 1.0)]
        for a in axes:
            group += [(perms[a][g], par[a] * c) for g, c in group]
        seen = set()
        for lp in loops:
            vec = np.zeros(nv)
            for g, c in group:
                vec[loops[loop_of[g[lp[0]]]]] += c
            orbit = frozenset(int(loop_of[g[lp[0]]]) for g, _ in group)
            if orbit in seen or not np.any(vec):
                continue
            seen.add(orbit)
            cols.append(sp.csr_matrix(vec[:, None] / np.linalg.norm(vec)))
        qv = sp.hstack(cols).tocsc()
        if np.all(signs > 0):  # the constant lies here: drop the column holding the gauge set
            keep = np.flatnonzero(qv[[gauge]].toarray().ravel() == 0)
            qv = qv[:, keep]
        if qv.shape[1]:
            blocks.append((gmap @ qv).tocsc())
            total += qv.shape[1]
    return (blocks, actions) if total == k else None


def _blocked_eigh(r: np.ndarray, lmat: np.ndarray, blocks: list) -> tuple[np.ndarray, np.ndarray]:
    """R v = lambda L v block by block (``_unknown_blocks``): rates ascending and L-orthonormal
    vectors (K, K) in the unknowns, as ``scipy.linalg.eigh(R, L)`` gives them."""
    values, vectors = [], []
    for q in blocks:
        lq = np.asarray(q.T @ (q.T @ lmat).T)
        rq = np.asarray(q.T @ (q.T @ r).T)
        ev, y = sla.eigh(0.5 * (rq + rq.T), 0.5 * (lq + lq.T))
        values.append(ev)
        vectors.append(np.asarray(q @ y))
    order = np.argsort(np.concatenate(values), kind="stable")
    return np.concatenate(values)[order], np.hstack(vectors)[:, order]


def as_modes(shells, basis_size: int | None = None) -> Modes:
    """``shells`` if it is a ``Modes`` already, else ``modes(shells, basis_size)``."""
    return shells if isinstance(shells, Modes) else modes(shells, basis_size)
