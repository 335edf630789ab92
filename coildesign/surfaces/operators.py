"""Stream-function operators on a triangle mesh: reusable matrices that map vertex values of
the stream function psi [A] to fields, inductance and resistance.

Basis (Zetter et al., J. Appl. Phys. 128, 034901 (2020), sec. II; Poole & Bowtell, Concepts
Magn. Reson. B 31, 162 (2007)): psi is piecewise linear, psi = sum_k psi_k phi_k (hat functions),
and on face t the surface current density is constant,
    J_t = sum_k psi_k grad(phi_k) x n_t = sum_k psi_k c_tk,   c_tk = e_k / (2 A_t),
with e_k the edge opposite vertex k, oriented counter-clockwise about n_t [1/m]. Then
- field:      B(r) = sum_t J_t x G_t(r),  G_t(r) = mu0/(4 pi) int_t (r - r') / |r - r'|^3 dA'
              (Biot-Savart; Gauss product rule whose order follows the distance of the nearest
              target point, ``quadrature.rule_order``);
- inductance: L_jk = sum_{t,s} (c_tj . c_sk) P_ts,  P_ts = mu0/(4 pi) int_t int_s dA dA' / |r - r'|
              (Neumann's formula for surface currents; near and self pairs with the closed-form
              inner integral ``quadrature.uniform_triangle_potential``, far pairs with Gauss rules
              on both faces); the stored magnetic energy is psi^T L psi / 2;
- resistance: R_jk = (rho / thickness) sum_t A_t (c_tj . c_tk) (Ohmic loss of a sheet of
              ``thickness``: P = psi^T R psi for a current of 1 A per unit psi).
The reduced basis ``modes`` holds the lowest Dirichlet eigenfunctions of the Laplace-Beltrami
operator (cotangent stiffness and consistent mass matrices, Pinkall & Polthier, Exp. Math. 2, 15
(1993)): smooth stream functions, which contour into smooth wires (the "SUH" basis of Zetter et
al., sec. II.D). All matrices are SI: field operator [T/A], inductance [H], resistance [ohm].
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import scipy.sparse as sp
from scipy.linalg import eigh
from scipy.sparse.linalg import eigsh
from scipy.spatial import cKDTree

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign._runtime import one_blas_thread
from coildesign.surfaces.quadrature import quadrature_points, rule_order, uniform_triangle_potential
from coildesign.surfaces.surfaces import Surface

MU0_4PI = mu_0 / (4.0 * np.pi)
CHUNK_PAIRS = 4_000_000  # point-source pairs per block (bounded scratch memory ~0.2 GB)
DENSE_MODES_RATIO = 4
DENSE_MODES_SIZE = 400
"""Symmetric subspaces of n <= max(DENSE_MODES_RATIO x count, DENSE_MODES_SIZE) get their modes from the
dense pencil (LAPACK's symmetric-definite solver, ~n^3 work), larger ones from ARPACK's shift-invert
Lanczos (~n count^2). Measured on the benchmark cylinder's meshes, one BLAS thread, best of 3:
n = 160, 294, 640 at 160 modes dense 0.027, 0.056, 0.18 s against ARPACK 0.060, 0.17, 0.39 s;
n = 1161 dense 0.57 s against 0.21 s; 40 modes of n = 400 dense 0.050 s against 0.072 s, of n = 640
dense 0.10 s against 0.067 s."""
MID_RANGE = 4.0  # face pairs closer than this many edge lengths get a 9 x 9-point rule (face_coupling)


def face_moments(surface: Surface, origin: np.ndarray) -> tuple[np.ndarray, ...]:
    """Terms of the faces' second-order multipole expansion (``face_coupling``): centroids c
    about ``origin`` [m], the second central moment per unit area Q = (1/12) sum_i (v_i - c)(v_i - c)^T
    [m^2] as its trace, Q c, c.Q.c, and Q and c c^T as six components each (xx, yy, zz, xy, xz, yz;
    Q's off-diagonals doubled for the contraction with c c^T)."""
    c = surface.centroids - origin
    rel = surface.corners - surface.centroids[:, None, :]
    q = np.einsum("fia,fib->fab", rel, rel) / 12.0
    tr = np.einsum("faa->f", q)
    qc = np.einsum("fab,fb->fa", q, c)
    cqc = np.einsum("fa,fa->f", c, qc)
    q6 = np.c_[q[:, 0, 0], q[:, 1, 1], q[:, 2, 2], 2 * q[:, 0, 1], 2 * q[:, 0, 2], 2 * q[:, 1, 2]]
    c6 = np.c_[c[:, 0] ** 2, c[:, 1] ** 2, c[:, 2] ** 2, c[:, 0] * c[:, 1], c[:, 0] * c[:, 2], c[:, 1] * c[:, 2]]
    return c, tr, qc, cqc, q6, c6


class StreamFunctionOperators:
    """Operators of one ``Surface`` (cached: build once, reuse across designs).

    ``tolerance`` is the relative accuracy aimed at by the field quadrature. ``rotation_symmetry``
    (on by default): evaluate ``face_coupling`` from one face per orbit of the mesh's rotation
    (``rotation``, if it has one), about m times less work for the same values to round-off
    (benchmarks/bench_design.py --operators). The filled matrix is exactly invariant under the
    rotation, which the row-by-row evaluation (``rotation_symmetry=False``) is to round-off only;
    contouring decides its cut ties by fixed directions (``design.contours.CUT_TIES``), so designs
    do not hinge on that difference.
    """

    def __init__(self, surface: Surface, *, tolerance: float = 1e-6, rotation_symmetry: bool = True) -> None:
        if not isinstance(surface, Surface):
            check._fail("surface", "a coildesign.surfaces Surface (cylinder, biplanar, mesh)", surface, TypeError)
        self.surface = surface
        self.tolerance = check.in_range("tolerance", tolerance, 1e-12, 0.1)
        if not isinstance(rotation_symmetry, bool):
            check._fail("rotation_symmetry", "True or False", rotation_symmetry, TypeError)
        self.rotation_symmetry = rotation_symmetry
        f = surface.faces
        c = surface.corners
        n = surface.normals
        two_area = 2.0 * surface.areas
        # c_tk = (n_t x (edge opposite k, counter-clockwise)) x ... : grad(phi_k) x n = e_k / (2 A)
        rows, cols, vals = [], [], []
        for k in range(3):
            e = c[:, (k + 2) % 3] - c[:, (k + 1) % 3]
            vec = e / two_area[:, None]
            rows.append(np.arange(len(f)))
            cols.append(f[:, k])
            vals.append(vec)
        rows, cols, vals = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
        shape = (len(f), surface.n_vertices)
        self.current_maps = tuple(sp.csr_matrix((vals[:, a], (rows, cols)), shape=shape) for a in range(3))
        """(C_x, C_y, C_z): sparse (F, V) maps from vertex psi [A] to face current density [A/m]."""
        self._normals = n

    # ------------------------------------------------------------------ basics
    def current_density(self, psi: np.ndarray) -> np.ndarray:
        """Face current densities J_t [A/m], (F, 3), of vertex values ``psi`` [A]."""
        return np.stack([m @ psi for m in self.current_maps], axis=-1)

    @cached_property
    def free(self) -> np.ndarray:
        """Indices of the free (interior) vertices; boundary vertices are held at psi = 0."""
        return self.surface.interior_vertices

    # ------------------------------------------------------------------ field
    def _source_kernel(self, points: np.ndarray, derivative: bool = False,
                       components: tuple[int, ...] = (0, 1, 2)) -> np.ndarray:
        """G_t(r) (M, len(components), F) [T m/A] (module doc; the given Cartesian components), or
        its Jacobian dG_c/dr_j (M, 3, 3, F).

        Each face gets the Gauss order that its distance to the nearest point requires
        (``quadrature.rule_order``), so far faces cost a few points only."""
        s = self.surface
        corners = s.corners
        size = np.max(np.linalg.norm(corners - np.roll(corners, 1, axis=1), axis=2), axis=1)
        dist, _ = cKDTree(points).query(s.centroids)
        ratio = np.maximum(dist - size / 2, 0.0) / size
        orders = np.array([rule_order(r, self.tolerance) for r in ratio]) + (1 if derivative else 0)
        n_faces = len(s.faces)
        out = np.empty((len(points), 3, 3, n_faces) if derivative else (len(points), len(components), n_faces))
        px, py, pz = (np.ascontiguousarray(points[:, j]) for j in range(3))
        for n in np.unique(orders):
            faces = np.flatnonzero(orders == n)
            qp, qw = quadrature_points(corners[faces], int(n))
            nq = qw.shape[1]
            qx, qy, qz = (qp[..., j].ravel() for j in range(3))
            w = MU0_4PI * qw.ravel()
            step = max(1, CHUNK_PAIRS // (len(faces) * nq))
            for lo in range(0, len(points), step):
                sl = slice(lo, lo + step)
                dx = px[sl, None] - qx
                dy = py[sl, None] - qy
                dz = pz[sl, None] - qz
                r2 = dx * dx + dy * dy + dz * dz
                w3 = w / (r2 * np.sqrt(r2))  # mu0/(4 pi) w / r^3
                m = len(dx)
                if not derivative:
                    d = (dx, dy, dz)
                    for j, comp in enumerate(components):
                        out[sl, j, faces] = (d[comp] * w3).reshape(m, len(faces), nq).sum(axis=2)
                else:
                    w5 = 3.0 * w3 / r2
                    diag = w3.reshape(m, len(faces), nq).sum(axis=2)
                    d = (dx, dy, dz)
                    for i in range(3):
                        wi = w5 * d[i]
                        for j in range(i, 3):
                            v = -(wi * d[j]).reshape(m, len(faces), nq).sum(axis=2)
                            if i == j:
                                v += diag
                            out[sl, i, j, faces] = v
                            out[sl, j, i, faces] = v
        return out

    def field_operator(self, points: np.ndarray, basis: np.ndarray | None = None) -> np.ndarray:
        """B per unit psi at ``points`` [m]: (M, 3, K) [T/A] for the vertex basis (K = V) or the
        columns of ``basis`` (V, K)."""
        return self._field(points, basis, (0, 1, 2))

    def bz_operator(self, points: np.ndarray, basis: np.ndarray | None = None) -> np.ndarray:
        """Bz per unit psi at ``points`` [m]: (M, K) [T/A], ``field_operator``'s z component
        (the same numbers) at a third of its products and two thirds of its kernel."""
        return self._field(points, basis, (2,))[:, 0]

    def _field(self, points: np.ndarray, basis: np.ndarray | None, axes: tuple[int, ...]) -> np.ndarray:
        """The ``axes`` components of B per unit psi (M, len(axes), K) [T/A] (``field_operator``):
        (J x G)_a = J_b G_c - J_c G_b, (a, b, c) cyclic, from the source kernel's b and c components."""
        pts = check.points3("points", points)
        k = self.surface.n_vertices if basis is None else basis.shape[1]
        check.memory("points", f"{len(pts)} target points", 8.0 * len(pts) * (3 * k + 3 * len(self.surface.faces)),
                     "use fewer target points or a coarser mesh")
        needed = tuple(sorted({(a + 1) % 3 for a in axes} | {(a + 2) % 3 for a in axes}))
        g = self._source_kernel(pts, components=needed)
        at = {comp: j for j, comp in enumerate(needed)}
        y = {comp: self.current_maps[comp] @ basis if basis is not None else self.current_maps[comp]
             for comp in needed}
        out = np.empty((len(pts), len(axes), k))
        for i, a in enumerate(axes):
            b, c = (a + 1) % 3, (a + 2) % 3
            out[:, i] = _dense(g[:, at[c]] @ y[b]) - _dense(g[:, at[b]] @ y[c])
        return out

    def jacobian_operator(self, point: np.ndarray, basis: np.ndarray | None = None) -> np.ndarray:
        """dB_a/dr_j per unit psi at one ``point`` [m]: (3, 3, K) [T/(m A)]."""
        p = check.vector3("point", point)[None]
        dg = self._source_kernel(p, derivative=True)[0]  # (c, j, F)
        y = [m @ basis if basis is not None else m for m in self.current_maps]
        k = self.surface.n_vertices if basis is None else basis.shape[1]
        out = np.empty((3, 3, k))
        for a in range(3):
            b, c = (a + 1) % 3, (a + 2) % 3
            out[a] = _dense(dg[c] @ y[b]) - _dense(dg[b] @ y[c])
        return out

    # ------------------------------------------------------------------ inductance
    @cached_property
    def rotation(self) -> tuple[np.ndarray, int] | None:
        """(face permutation g, order m) of the smallest rotation about the z axis (through
        x = y = 0) that maps the mesh onto itself, vertex for vertex to 1e-12 of its size and
        every face onto a face with its corners in the same order; None when there is none
        (e.g. ``cylinder``: m = half the vertex count round, the alternating diagonals repeat
        every second column). ``face_coupling`` evaluates one face of every orbit only."""
        return _rotation(self.surface)

    @cached_property
    def face_coupling(self) -> np.ndarray:
        """P_ts = mu0/(4 pi) int_t int_s dA dA'/|r - r'| [H m^2] (F, F), symmetric (module doc).

        With ``rotation_symmetry`` on a mesh with a rotation (``rotation``: g of order m) P is invariant,
        P_{g(t) g(s)} = P_ts (the integral depends on the faces' relative position only), so the
        rows of one face per orbit are evaluated and the others filled from them: about m times
        less work, the same values to round-off (~1e-15 relative)."""
        s = self.surface
        n_faces = len(s.faces)
        check.memory("surface", f"a mesh of {n_faces} faces", 8.0 * n_faces * n_faces * 3,
                     "use a coarser mesh (larger resolution)")
        sym = self.rotation if self.rotation_symmetry else None
        if sym is None:
            p = self._coupling_rows(np.arange(n_faces))
        else:
            g, order = sym
            images = [np.arange(n_faces)]
            for _ in range(order - 1):
                images.append(g[images[-1]])
            reps = np.unique(np.min(images, axis=0))  # one face per orbit
            rows = self._coupling_rows(reps)
            p = np.empty((n_faces, n_faces))
            for img in images:  # P[g^k(t), g^k(s)] = P[t, s]
                p[img[reps, None], img[None, :]] = rows
        p = 0.5 * (p + p.T)
        return MU0_4PI * p

    def _coupling_rows(self, rows: np.ndarray) -> np.ndarray:
        """Rows ``rows`` of int_t int_s dA dA'/|r - r'| [m^3] (len(rows), F), each pair (t, s)
        with t the outer face (``face_coupling`` symmetrises)."""
        s = self.surface
        n_faces = len(s.faces)
        # far pairs: the multipole expansion of 1/|r - r'| about the two centroids to second
        # order, A_t A_s [1/D + (3 D.(Q_t + Q_s).D / D^2 - tr(Q_t + Q_s)) / (2 D^3)], with Q the
        # second central moment of each triangle per unit area, (1/12) sum_i (v_i - c)(v_i - c)^T
        # (the dipole terms vanish about centroids; Jackson, Classical Electrodynamics, 3rd ed.,
        # sec. 4.1); error O((h/D)^4). Evaluated for all pairs with matrix products; the pairs
        # within MID_RANGE edges are recomputed below.
        c, tr, qc, cqc, q6, c6 = face_moments(s, s.centroids.mean(axis=0))
        area = s.areas
        c2 = (c * c).sum(axis=1)
        floor = (1e-3 * s.edge_length) ** 2
        p = np.empty((len(rows), n_faces))
        step = max(1, CHUNK_PAIRS // n_faces)
        for lo in range(0, len(rows), step):
            sl = rows[lo:lo + step]
            r2 = c2[sl, None] + c2[None, :] - 2.0 * (c[sl] @ c.T)
            np.maximum(r2, floor, out=r2)  # coincident centroids (self pairs) are recomputed below
            # D.Q_t.D + D.Q_s.D with D = c_t - c_s, expanded into matrix products
            dqd = (cqc[sl, None] - 2.0 * (qc[sl] @ c.T) + q6[sl] @ c6.T
                   + cqc[None, :] - 2.0 * (c[sl] @ qc.T) + c6[sl] @ q6.T)
            inv = 1.0 / np.sqrt(r2)
            blk = inv + (3.0 * dqd * inv * inv - (tr[sl, None] + tr[None, :])) * (0.5 * inv * inv * inv)
            blk *= area[sl, None]
            blk *= area[None, :]
            p[lo:lo + step] = blk
        h = s.edge_length
        tree = cKDTree(s.centroids)
        outer = cKDTree(s.centroids[rows])
        # intermediate pairs (centroid distance < MID_RANGE edges): 9 x 9-point product rule
        mid = outer.sparse_distance_matrix(tree, MID_RANGE * h, output_type="ndarray")
        mid_i, mid_u = mid["i"], mid["j"]
        every = len(rows) == n_faces  # all rows (rows = 0..F-1): each pair once, written both ways
        if every:
            mid_i, mid_u = mid_i[mid_i < mid_u], mid_u[mid_i < mid_u]
        qm, wm = quadrature_points(s.corners, 3)
        step = max(1, CHUNK_PAIRS // 81)
        for lo in range(0, len(mid_i), step):
            i, u = mid_i[lo:lo + step], mid_u[lo:lo + step]
            t = rows[i]
            d = np.sqrt(((qm[t][:, :, None, :] - qm[u][:, None, :, :]) ** 2).sum(axis=3))
            with np.errstate(divide="ignore"):  # self pairs (d = 0) are recomputed below
                p[i, u] = vals = np.einsum("pi,pij,pj->p", wm[t], 1.0 / d, wm[u])
            if every:
                p[u, i] = vals
        # near pairs (centroid distance < 2.5 edges) and self terms: analytic inner integral
        # (Wilton et al.), 16-point outer rule
        near = outer.sparse_distance_matrix(tree, 2.5 * h, output_type="ndarray")
        near_i, near_u = near["i"], near["j"]
        qn, wn = quadrature_points(s.corners, 4)
        step = max(1, CHUNK_PAIRS // (16 * 8))
        for lo in range(0, len(near_i), step):
            i, u = near_i[lo:lo + step], near_u[lo:lo + step]
            t = rows[i]
            pot = uniform_triangle_potential(s.corners[u][:, None], qn[t])
            p[i, u] = (wn[t] * pot).sum(axis=1)
        return p

    def inductance_matrix(self, basis: np.ndarray | None = None) -> np.ndarray:
        """L [H] (V, V), or basis^T L basis (K, K): psi^T L psi = 2 x stored energy at 1 A/psi."""
        p = self.face_coupling
        out = 0.0
        for m in self.current_maps:
            y = _dense(m @ basis) if basis is not None else m
            py = _dense(p @ y) if basis is not None else _dense((m.T @ p.T).T)
            out = out + (y.T @ py if basis is not None else _dense(m.T @ py))
        out = np.asarray(out)
        return 0.5 * (out + out.T)

    def resistance_matrix(self, thickness: float, resistivity: float, basis: np.ndarray | None = None) -> np.ndarray:
        """R [ohm] (V, V) or (K, K) of a sheet of ``thickness`` [m] and ``resistivity`` [ohm m]."""
        t = check.positive("thickness", thickness)
        rho = check.positive("resistivity", resistivity)
        a = sp.diags(self.surface.areas * rho / t)
        out = 0.0
        for m in self.current_maps:
            y = m @ basis if basis is not None else m
            out = out + y.T @ (a @ y)
        out = out.toarray() if sp.issparse(out) else np.asarray(out)
        return 0.5 * (out + out.T)

    # ------------------------------------------------------------------ forces
    def force_operator(self, b0: np.ndarray, basis: np.ndarray | None = None) -> np.ndarray:
        """Net Lorentz force per unit psi in a uniform field ``b0`` [T]: F = sum_t A_t J_t x B0,
        (3, K) [N/A]."""
        a = self.surface.areas
        j = [np.asarray(a @ (m @ basis if basis is not None else m)).ravel() for m in self.current_maps]
        return np.array([j[1] * b0[2] - j[2] * b0[1], j[2] * b0[0] - j[0] * b0[2], j[0] * b0[1] - j[1] * b0[0]])

    def torque_operator(self, b0: np.ndarray, basis: np.ndarray | None = None) -> np.ndarray:
        """Net torque about the origin per unit psi in a uniform ``b0`` [T]:
        tau = sum_t A_t r_t x (J_t x B0) (centroid rule, exact for constant J and linear r), (3, K)
        [N m/A]."""
        r = self.surface.centroids * self.surface.areas[:, None]
        y = [(m @ basis if basis is not None else m) for m in self.current_maps]
        out = []
        for comp in range(3):
            # (r x (J x B))_i = J_i (r . B) - B_i (r . J)
            rb = r @ b0
            term = _row(rb, y[comp]) - b0[comp] * sum(_row(r[:, j], y[j]) for j in range(3))
            out.append(term)
        return np.array(out)

    # ------------------------------------------------------------------ smooth basis
    def modes(self, count: int, parities: dict[int, int] | None = None, center=(0.0, 0.0, 0.0)) -> np.ndarray:
        """The ``count`` lowest Dirichlet Laplace-Beltrami eigenfunctions (V, count), zero on
        the boundary, orthonormal in the mass matrix (module doc).

        ``parities`` {axis: +1 or -1} restricts them to stream functions with
        psi(M_axis r) = parity psi(r) for the mirror M_axis through ``center`` across the plane
        normal to that axis (used for mirrors that map the mesh onto itself, ``mirror_map``)."""
        count = check.positive_int("modes", count)
        stiffness, mass = self._laplacian()
        q = self.symmetric_subspace(parities or {}, center)
        ks = (q.T @ stiffness @ q).tocsc()
        ms = (q.T @ mass @ q).tocsc()
        if count > q.shape[1] - 1:
            check._fail("modes", f"at most {q.shape[1] - 1} (the free symmetric vertex combinations of this mesh)",
                        count)
        # one BLAS thread: the solvers' many small products gain nothing from more, and ARPACK's
        # 159 of 160 modes took 0.1-1.9 s with two threads against 0.06 s with one (measured)
        with one_blas_thread():
            if ks.shape[0] <= max(DENSE_MODES_RATIO * count, DENSE_MODES_SIZE):
                # the whole pencil at once: LAPACK's dense symmetric-definite solver, with each
                # eigenvector's sign fixed by its largest component (signs are otherwise arbitrary)
                _, vec = eigh(ks.toarray(), ms.toarray(), subset_by_index=[0, count - 1])
                lead = vec[np.argmax(np.abs(vec), axis=0), np.arange(count)]
                vec = vec * np.where(lead < 0, -1.0, 1.0)
            else:
                # a fixed start vector: ARPACK's own draws from a generator whose state persists
                # between calls in a process, so identical inputs gave other (rotated) bases and other
                # designs
                start = np.random.default_rng(0).standard_normal(ks.shape[0])
                _, vec = eigsh(ks, k=count, M=ms, sigma=-1e-9 * abs(ks.diagonal()).max(), which="LM", v0=start)
        return np.asarray(q @ vec)

    def mirror_map(self, axis: int, center=(0.0, 0.0, 0.0)) -> np.ndarray | None:
        """Vertex permutation of the mirror across the plane through ``center`` normal to
        ``axis`` (0, 1, 2), or None when the mesh is not mapped onto itself (to 1e-6 of an edge)."""
        v = self.surface.vertices - np.asarray(center, dtype=float)
        m = v.copy()
        m[:, axis] *= -1.0
        dist, idx = cKDTree(v).query(m)
        if dist.max() > 1e-6 * self.surface.edge_length or len(np.unique(idx)) != len(idx):
            return None
        faces = np.sort(self.surface.faces, axis=1)
        mirrored = np.sort(idx[self.surface.faces], axis=1)
        if not np.array_equal(np.unique(faces, axis=0), np.unique(mirrored, axis=0)):
            return None
        return idx

    def symmetric_subspace(self, parities: dict[int, int], center=(0.0, 0.0, 0.0)) -> sp.csr_matrix:
        """Sparse (V, n) basis of free-vertex stream functions with the given mirror parities:
        one column per orbit of vertices under the mirrors, entries +-1/sqrt(orbit size);
        orbits forced to zero (odd parity on a mirror plane) and boundary vertices dropped."""
        nv = self.surface.n_vertices
        # the group generated by the mirrors: images g(i) of every vertex and characters chi(g)
        images, chars = [np.arange(nv)], [1.0]
        for axis, parity in parities.items():
            perm = self.mirror_map(axis, center)
            if perm is None:
                continue
            images += [perm[img] for img in images]
            chars += [parity * c for c in chars]
        images, chars = np.array(images), np.array(chars)
        rep = images.min(axis=0)
        # psi(g(i)) = chi(g) psi(i): psi(i) = chi(g) psi(rep) for the g with g(i) = rep;
        # a vertex fixed by an element of character -1 is forced to zero, and so is its orbit
        hits = images == rep[None, :]
        sign = np.where(hits, chars[:, None], -np.inf).max(axis=0)
        conflict = np.where(hits, chars[:, None], np.inf).min(axis=0) != sign
        zero_rep = np.zeros(nv, dtype=bool)
        zero_rep[rep[conflict]] = True
        sign[zero_rep[rep]] = 0.0
        free = np.zeros(nv, dtype=bool)
        free[self.free] = True
        ok = free & np.isfinite(sign) & (sign != 0)
        reps, col = np.unique(rep[ok], return_inverse=True)
        counts = np.bincount(col)
        vals = sign[ok] / np.sqrt(counts[col])
        return sp.csr_matrix((vals, (np.flatnonzero(ok), col)), shape=(nv, len(reps)))

    @property
    def stiffness(self) -> sp.csr_matrix:
        """Cotangent stiffness matrix K [dimensionless] (V, V): psi^T K psi = int |grad psi|^2 dA."""
        return self._laplacian()[0]

    @property
    def mass(self) -> sp.csr_matrix:
        """Consistent mass matrix [m^2] (V, V): psi^T M psi = int psi^2 dA."""
        return self._laplacian()[1]

    def _laplacian(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Cotangent stiffness and consistent mass matrices (Pinkall & Polthier 1993)."""
        s = self.surface
        f, c, a = s.faces, s.corners, s.areas
        rows, cols, kv, mv = [], [], [], []
        for k in range(3):
            i, j, o = f[:, (k + 1) % 3], f[:, (k + 2) % 3], k
            u = c[:, (k + 1) % 3] - c[:, o]
            v = c[:, (k + 2) % 3] - c[:, o]
            cot = np.einsum("ij,ij->i", u, v) / np.linalg.norm(np.cross(u, v), axis=1)
            rows += [i, j, i, j]
            cols += [j, i, i, j]
            kv += [-0.5 * cot, -0.5 * cot, 0.5 * cot, 0.5 * cot]
            mv += [a / 12, a / 12, a / 12, a / 12]
        nv = s.n_vertices
        stiffness = sp.csr_matrix((np.concatenate(kv), (np.concatenate(rows), np.concatenate(cols))), shape=(nv, nv))
        mass = sp.csr_matrix((np.concatenate(mv), (np.concatenate(rows), np.concatenate(cols))), shape=(nv, nv))
        return stiffness, mass


def _rotation(surface: Surface) -> tuple[np.ndarray, int] | None:
    """``StreamFunctionOperators.rotation``: candidate angles from the faces whose centroid
    shares face 0's radius and height, the smallest first; the first that maps the mesh onto
    itself (vertices to 1e-12 of the mesh's size, faces with their corners in order) wins."""
    v = surface.vertices
    faces = surface.faces
    n_v = surface.n_vertices
    if len(faces) < 2 or n_v >= 2_000_000:  # face codes below fit in int64
        return None
    tol = 1e-12 * float(np.abs(v).max())
    cen = surface.centroids
    rho, z = np.hypot(cen[:, 0], cen[:, 1]), cen[:, 2]
    if rho[0] <= tol:
        return None
    same = np.flatnonzero((np.abs(rho - rho[0]) <= 1e-9 * rho[0]) & (np.abs(z - z[0]) <= 1e-9 * rho[0]))
    angle = np.mod(np.arctan2(cen[same, 1], cen[same, 0]) - np.arctan2(cen[0, 1], cen[0, 0]), 2 * np.pi)
    codes = (faces[:, 0] * n_v + faces[:, 1]) * n_v + faces[:, 2]
    order = np.argsort(codes)
    tree = cKDTree(v)
    for theta in np.unique(angle[angle > 1e-9])[:3]:
        m = int(round(2 * np.pi / theta))
        if m < 2 or abs(m * theta - 2 * np.pi) > 1e-9:
            continue
        theta = 2 * np.pi / m
        cos, sin = np.cos(theta), np.sin(theta)
        turned = np.c_[cos * v[:, 0] - sin * v[:, 1], sin * v[:, 0] + cos * v[:, 1], v[:, 2]]
        dist, perm = tree.query(turned)
        if dist.max() > tol or len(np.unique(perm)) != n_v:
            continue
        image = perm[faces]
        image_codes = (image[:, 0] * n_v + image[:, 1]) * n_v + image[:, 2]
        k = np.minimum(np.searchsorted(codes, image_codes, sorter=order), len(codes) - 1)
        g = order[k]
        if np.array_equal(codes[g], image_codes):
            return g, m
    return None


def _dense(m) -> np.ndarray:
    return m.toarray() if sp.issparse(m) else np.asarray(m)


def _row(weights: np.ndarray, y) -> np.ndarray:
    return np.asarray(weights @ y).ravel()
