"""Current-carrying surfaces for stream-function design: triangle meshes with their geometry.

A ``Surface`` is a triangle mesh (vertices [m], faces as vertex indices, counter-clockwise seen
from the side the normal points to). The surface current is J = grad(psi) x n (Zetter et al.,
J. Appl. Phys. 128, 034901 (2020), eq. 2; Poole & Bowtell, Concepts Magn. Reson. B 31, 162
(2007)), so the current circulates counter-clockwise about a maximum of psi seen from the
normal's tip. Generated surfaces have outward normals (away from the axis of a cylinder, away
from the mid-plane of a biplanar pair).

Boundary rule: every boundary loop (cylinder ends, plate edges, holes) is held at psi = 0, so no
current leaves the surface and the windings stay closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.spatial import cKDTree

from coildesign import _validation as check


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Surface:
    """A triangle mesh carrying a stream function (``vertices`` [m] (V, 3), ``faces`` (F, 3) int).

    ``name`` labels the surface in reports ("cylinder", "biplanar", "shield", "mesh");
    ``parameters`` records how it was generated. The mesh is immutable, so its derived geometry
    (corners, normals, areas, ...) is computed once and returned read-only.
    """

    vertices: np.ndarray
    faces: np.ndarray
    name: str = "mesh"
    parameters: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        v = check.points3("vertices", self.vertices)
        try:
            f = np.asarray(self.faces)
        except (TypeError, ValueError):
            check._fail("faces", "an integer array of shape (F, 3)", self.faces, TypeError)
        if not np.issubdtype(f.dtype, np.integer):
            check._fail("faces", "an integer array", self.faces, TypeError)
        if f.ndim != 2 or f.shape[1] != 3 or f.shape[0] == 0:
            check._fail("faces", f"an integer array of shape (F, 3) with F >= 1 (got shape {f.shape})", self.faces)
        if f.min() < 0 or f.max() >= len(v):
            check._fail("faces", f"vertex indices in [0, {len(v) - 1}]", self.faces)
        f = f.astype(np.int64)
        e1 = v[f[:, 1]] - v[f[:, 0]]
        e2 = v[f[:, 2]] - v[f[:, 0]]
        cross = np.cross(e1, e2)
        twice_area = np.sqrt((cross * cross).sum(axis=1))
        scale = max(float(np.ptp(v, axis=0).max()), np.finfo(float).tiny)
        bad = np.flatnonzero(twice_area <= 1e-12 * scale * scale)
        if bad.size:
            check._fail("faces", f"non-degenerate triangles (face {int(bad[0])} has zero area)", "array of shape "
                        + str(f.shape))
        v.setflags(write=False)
        f.setflags(write=False)
        object.__setattr__(self, "vertices", v)
        object.__setattr__(self, "faces", f)
        object.__setattr__(self, "parameters", dict(self.parameters))

    # ------------------------------------------------------------------ geometry
    @property
    def n_vertices(self) -> int:
        """Number of vertices."""
        return len(self.vertices)

    @cached_property
    def corners(self) -> np.ndarray:
        """Triangle corners [m], (F, 3, 3)."""
        return _readonly(self.vertices[self.faces])

    @cached_property
    def normals(self) -> np.ndarray:
        """Unit face normals (right-hand rule on the face order), (F, 3)."""
        c = self.corners
        n = np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0])
        return _readonly(n / np.linalg.norm(n, axis=1)[:, None])

    @cached_property
    def areas(self) -> np.ndarray:
        """Face areas [m^2], (F,)."""
        c = self.corners
        return _readonly(0.5 * np.linalg.norm(np.cross(c[:, 1] - c[:, 0], c[:, 2] - c[:, 0]), axis=1))

    @cached_property
    def centroids(self) -> np.ndarray:
        """Face centroids [m], (F, 3)."""
        return _readonly(self.corners.mean(axis=1))

    @cached_property
    def edge_length(self) -> float:
        """Mean edge length [m] (the mesh resolution)."""
        c = self.corners
        return float(np.mean(np.linalg.norm(c - np.roll(c, 1, axis=1), axis=2)))

    @cached_property
    def vertex_normals(self) -> np.ndarray:
        """Area-weighted unit vertex normals, (V, 3)."""
        acc = np.zeros((self.n_vertices, 3))
        weighted = self.normals * self.areas[:, None]
        for k in range(3):
            np.add.at(acc, self.faces[:, k], weighted)
        return _readonly(acc / np.linalg.norm(acc, axis=1)[:, None])

    @cached_property
    def vertex_tree(self) -> cKDTree:
        """k-d tree of the vertices (nearest-vertex queries, e.g. normals at contour points)."""
        return cKDTree(self.vertices)

    def boundary_edges(self) -> np.ndarray:
        """Directed edges (i, j) used by exactly one face, (E_b, 2)."""
        f = self.faces
        edges = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
        key = np.sort(edges, axis=1)
        _, inverse, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
        return edges[counts[inverse.ravel()] == 1]

    @cached_property
    def boundary_vertices(self) -> np.ndarray:
        """Indices of vertices on a boundary loop (held at psi = 0)."""
        return _readonly(np.unique(self.boundary_edges()))

    @cached_property
    def interior_vertices(self) -> np.ndarray:
        """Indices of the free vertices (not on a boundary)."""
        mask = np.ones(self.n_vertices, dtype=bool)
        mask[self.boundary_vertices] = False
        return _readonly(np.flatnonzero(mask))

    def __add__(self, other: Surface) -> Surface:
        if not isinstance(other, Surface):
            return NotImplemented
        return Surface(np.vstack([self.vertices, other.vertices]),
                       np.vstack([self.faces, other.faces + self.n_vertices]),
                       name=f"{self.name} + {other.name}")

    def to_pyvista(self):
        """The mesh as a ``pyvista.PolyData`` (pyvista imported on demand: it is heavy)."""
        import pyvista as pv

        return pv.PolyData(np.asarray(self.vertices), np.c_[np.full(len(self.faces), 3), self.faces].ravel())

    def __repr__(self) -> str:
        return (f"Surface({self.name!r}: {self.n_vertices} vertices, {len(self.faces)} faces, "
                f"edge {self.edge_length:.4g} m, area {self.areas.sum():.4g} m^2)")


# ---------------------------------------------------------------------------- generators
MAX_CELLS = 1e5  # mesh cells along one side: far beyond what the dense operators can hold (``_check_size``)
MAX_EXTENT = 1e3  # [m]: a larger surface is no coil former (a unit mistake), and its float grid degenerates


def _cells(extent: float, h: float) -> int:
    """ceil(extent / h): mesh cells of edge ``h`` [m] along ``extent`` [m], refused (naming
    ``resolution``) before a count too large to build is formed."""
    q = extent / h
    if not np.isfinite(q) or q > MAX_CELLS:
        check._fail("resolution", f"at least {extent / MAX_CELLS:.3g} m (an edge this short puts more than "
                    f"{MAX_CELLS:g} cells along {extent:.3g} m)", h)
    return int(np.ceil(q))


def _extent(name: str, value: object) -> float:
    """``value`` [m] after ``check.positive`` and an upper bound ``MAX_EXTENT``."""
    v = check.positive(name, value)
    if v > MAX_EXTENT:
        check._fail(name, f"at most {MAX_EXTENT:g} m (lengths are in metres; did you pass millimetres?)", value)
    return v


def _odd(n: int) -> int:
    """The smallest odd integer >= n."""
    return n if n % 2 else n + 1


def _grid_faces(n_u: int, n_v: int, periodic_u: bool) -> np.ndarray:
    """Faces of a structured (n_u x n_v) vertex grid (index u * n_v + v), quads split along
    alternating diagonals so the mesh has no preferred direction."""
    faces = []
    n_cells_u = n_u if periodic_u else n_u - 1
    for i in range(n_cells_u):
        i1 = (i + 1) % n_u
        for j in range(n_v - 1):
            a, b, c, d = i * n_v + j, i1 * n_v + j, i1 * n_v + j + 1, i * n_v + j + 1
            if (i + j) % 2 == 0:
                faces += [(a, b, c), (a, c, d)]
            else:
                faces += [(a, b, d), (b, c, d)]
    return np.array(faces, dtype=np.int64)


def cylinder(radius: float, length: float, resolution: float | None = None, *,
             center: float = 0.0, name: str = "cylinder") -> Surface:
    """An open cylinder of ``radius`` [m] and ``length`` [m] about the z axis, centred at
    z = ``center`` [m]; outward normals. ``resolution`` [m] is the target edge length
    (default: 2 pi radius / 40, i.e. 40 vertices around). Rings are equally spaced in z.

    The vertex count around is a multiple of 4 and the ring count odd, so the mesh (with its
    alternating diagonals, ``_grid_faces``) is mapped onto itself by the mirrors x -> -x,
    y -> -y and z -> z0 - (z - z0), which ``gradient_coil(symmetry=True)`` relies on."""
    a = _extent("radius", radius)
    ell = _extent("length", length)
    z0 = check.finite("center", center)
    h = 2 * np.pi * a / 40 if resolution is None else check.positive("resolution", resolution)
    n_phi = 4 * max(2, _cells(2 * np.pi * a / 4, h))
    n_z = _odd(max(3, _cells(ell, h) + 1))
    _check_size(n_phi * n_z)
    phi = 2 * np.pi * np.arange(n_phi) / n_phi
    z = np.linspace(-ell / 2, ell / 2, n_z) + z0
    pp, zz = np.meshgrid(phi, z, indexing="ij")
    verts = np.c_[a * np.cos(pp.ravel()), a * np.sin(pp.ravel()), zz.ravel()]
    faces = _grid_faces(n_phi, n_z, periodic_u=True)
    # orientation: (phi, z) order gives normal phi_hat x z_hat = +rho_hat (outward)
    return Surface(verts, faces, name=name,
                   parameters={"kind": "cylinder", "radius": a, "length": ell, "center": z0, "resolution": h})


def _plate(width: float, height: float, h: float, shape: str) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (z = 0) and faces of a width x height rectangle or a disc of diameter width,
    normal +z."""
    if shape == "rectangle":
        # odd counts: the alternating diagonals are then mirror symmetric in x and y (``cylinder``)
        n_x = _odd(max(3, _cells(width, h) + 1))
        n_y = _odd(max(3, _cells(height, h) + 1))
        _check_size(2 * n_x * n_y)
        xx, yy = np.meshgrid(np.linspace(-width / 2, width / 2, n_x), np.linspace(-height / 2, height / 2, n_y),
                             indexing="ij")
        return np.c_[xx.ravel(), yy.ravel(), np.zeros(xx.size)], _grid_faces(n_x, n_y, periodic_u=False)
    # disc: concentric rings with ~equal edge lengths, triangulated by Delaunay in the plane
    from scipy.spatial import Delaunay

    r_out = width / 2
    n_rings = max(2, _cells(r_out, h))
    pts = [np.zeros((1, 2))]
    for k in range(1, n_rings + 1):
        r = r_out * k / n_rings
        m = max(6, int(np.ceil(2 * np.pi * r / h)))
        t = 2 * np.pi * (np.arange(m) + 0.5 * (k % 2)) / m
        pts.append(np.c_[r * np.cos(t), r * np.sin(t)])
    xy = np.vstack(pts)
    _check_size(2 * len(xy))
    tri = Delaunay(xy).simplices.astype(np.int64)
    # counter-clockwise seen from +z
    e1 = xy[tri[:, 1]] - xy[tri[:, 0]]
    e2 = xy[tri[:, 2]] - xy[tri[:, 0]]
    flip = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0] < 0
    tri[flip] = tri[flip][:, [0, 2, 1]]
    return np.c_[xy, np.zeros(len(xy))], tri


def biplanar(gap: float, width: float, height: float | None = None, resolution: float | None = None, *,
             shape: str = "rectangle", name: str = "biplanar") -> Surface:
    """Two parallel plates at z = +-``gap``/2 [m] (a biplanar insert), each ``width`` x
    ``height`` [m] (rectangles, x by y) or discs of diameter ``width`` (``shape="disc"``);
    normals point away from the mid-plane. ``resolution`` [m]: target edge length (default
    min(width, height) / 20)."""
    g = _extent("gap", gap)
    w = _extent("width", width)
    hgt = w if height is None else _extent("height", height)
    check.choice("shape", shape, ("rectangle", "disc"))
    h = min(w, hgt) / 20 if resolution is None else check.positive("resolution", resolution)
    verts, faces = _plate(w, hgt, h, shape)
    top = verts + np.array([0.0, 0.0, g / 2])
    bottom = verts - np.array([0.0, 0.0, g / 2])
    # bottom plate: reverse the face order so its normal is -z (away from the mid-plane)
    return Surface(np.vstack([top, bottom]), np.vstack([faces, faces[:, ::-1] + len(verts)]), name=name,
                   parameters={"kind": "biplanar", "gap": g, "width": w, "height": hgt, "shape": shape,
                               "resolution": h})


def mesh(vertices: object, faces: object | None = None, *, name: str = "mesh") -> Surface:
    """A user's triangle mesh: ``vertices`` [m] (V, 3) and ``faces`` (F, 3), or a
    ``pyvista.PolyData`` of triangles as the first argument (e.g. a CAD former). Faces are
    counter-clockwise seen from the side the normal points to (module doc)."""
    if faces is None:
        if not (hasattr(vertices, "points") and hasattr(vertices, "faces")):
            check._fail("faces", "given unless vertices is a pyvista.PolyData", faces, TypeError)
        poly = vertices.triangulate() if hasattr(vertices, "triangulate") else vertices
        flat = np.asarray(poly.faces)
        if flat.size % 4 or (flat.size and np.any(flat.reshape(-1, 4)[:, 0] != 3)):
            check._fail("vertices", "a PolyData of triangles", vertices)
        return Surface(np.asarray(poly.points, dtype=float), flat.reshape(-1, 4)[:, 1:], name=name)
    return Surface(vertices, faces, name=name)


def _check_size(n_vertices: int) -> None:
    """Refuse meshes whose dense operators cannot fit before building them: the face coupling
    matrix of ~2V faces needs (2V)^2 x 8 bytes, with scratch ~3 times that."""
    check.memory("resolution", f"a mesh of {n_vertices} vertices", 3 * 8.0 * (2.0 * n_vertices) ** 2,
                 "use a coarser mesh (larger resolution)")
