"""RF coils as CoSimPy ports: S-matrix over a band and per-port field maps (``cosimpy.RF_Coil``).

Circuit (one port per coil): each coil is its series branch R_p(f) + j omega L_p shunted by its
self-capacitance C_p at the port (the lumped coil model of ``coildesign.rf.matching``); the
branches couple through the mutual inductances M_pq (``coildesign.analysis.inductance_matrix``).
Branch impedance matrix Z_L = diag(R) + j omega L (L with M off the diagonal), port admittance
Y = Z_L^-1 + j omega diag(C), Z = Y^-1, and with the common real reference z0

    S = (Z - z0 1)(Z + z0 1)^-1                      (Pozar, Microwave Engineering, 4th ed., eq. 4.44).

Fields, in CoSimPy's convention (``EM_Field``: b_field and e_field hold RMS phasors, fields of
1 W incident power at one port with the other ports terminated in z0; CoSimPy's
``compSensitivities`` multiplies b_field by sqrt(2) to get peak B1+/B1-): for 1 W incident
at port p the incident RMS voltage is v+ = sqrt(z0), the port voltages V = (1 + S) v+ e_p,
the branch currents I_L = Z_L^-1 V (RMS), and

    B(r) = sum_q I_L,q B_q(r),   E(r) = -j omega sum_q I_L,q A_q(r)

with B_q, A_q the field and vector potential of coil q per ampere (``coildesign.fields``;
quasi-static, lab frame). E is only the induced part (no charge/conservative part; the same
approximation as coildesign's sample-loss model). Units: T and V/m, frequencies in Hz.

Grid: three 1-D coordinate arrays (x, y, z) [m] give CoSimPy's regular grid, nPoints =
(nx, ny, nz), points flattened in Fortran order (x fastest), as CoSimPy reshapes them
(``EM_Field.plotEMField`` / ``exportXMF``); an (M, 3) point array gives nPoints = (M, 1, 1).

Matched B1 per sqrt(W): after a lossless match (S11 = 0) all the incident power P is
dissipated in R, so the RMS branch current is sqrt(P/R) and the RMS field per sqrt(W) is
|B per ampere| / sqrt(R) (peak: sqrt(2/R) |B per ampere|).
"""

from __future__ import annotations

import numpy as np

from coildesign import _validation as check
from coildesign.analysis.inductance import inductance, inductance_matrix
from coildesign.coil import Coil
from coildesign.fields import field, vector_potential
from coildesign.rf.impedance import ac_resistance, self_capacitance


def _cosimpy():
    """cosimpy is imported lazily: an optional package (test extra) needed only here."""
    try:
        import cosimpy
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("to_cosimpy needs cosimpy: pip install cosimpy") from exc
    return cosimpy


def _coil_list(coils) -> list[Coil]:
    if isinstance(coils, Coil):
        return [coils]
    try:
        items = list(coils)
    except TypeError:
        check._fail("coils", "a Coil or a sequence of Coils", coils, TypeError)
    if not items or not all(isinstance(c, Coil) for c in items):
        check._fail("coils", "a Coil or a non-empty sequence of Coils", coils, TypeError)
    return items


def _grid(grid) -> tuple[np.ndarray, tuple[int, int, int]]:
    if isinstance(grid, tuple) and len(grid) == 3 and all(np.ndim(g) == 1 for g in grid):
        axes = [np.asarray(g, dtype=float) for g in grid]
        for name, g in zip("xyz", axes):
            if g.size == 0 or not np.isfinite(g).all():
                check._fail(f"grid[{name}]", "a non-empty finite 1-D array", g)
        mesh = np.meshgrid(*axes, indexing="ij")
        pts = np.column_stack([m.ravel(order="F") for m in mesh])
        return pts, tuple(len(g) for g in axes)
    pts = check.points3("grid", grid)
    return pts, (len(pts), 1, 1)


def _per_coil(name: str, value, n: int, n_f: int) -> np.ndarray:
    """A value per coil and frequency, shape (n_f, n), from a scalar, (n,) or (n_f, n)."""
    arr = check.real_array(name, value, "a number or an array of numbers")
    if arr.ndim == 0:
        arr = np.full((n_f, n), float(arr))
    elif arr.shape == (n,):
        arr = np.broadcast_to(arr, (n_f, n)).copy()
    elif arr.shape != (n_f, n):
        check._fail(name, f"a scalar, ({n},) per coil or ({n_f}, {n}) per frequency and coil", arr.shape)
    if not np.isfinite(arr).all() or (arr < 0).any():
        check._fail(name, "finite and >= 0", value)
    return arr


def port_matrices(frequencies: np.ndarray, resistance: np.ndarray, inductances: np.ndarray, c_self: np.ndarray,
                  z0: float = 50.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(S, Z, Z_L^-1), each (n_f, n, n), of coupled coil ports (module doc): ``resistance``
    (n_f, n) [ohm], ``inductances`` (n, n) [H], ``c_self`` (n,) [F], ``z0`` [ohm]."""
    omega = 2 * np.pi * np.asarray(frequencies, dtype=float)
    n = inductances.shape[0]
    eye = np.eye(n)
    z_l = resistance[:, :, None] * eye + 1j * omega[:, None, None] * inductances
    y_l = np.linalg.inv(z_l)
    z = np.linalg.inv(y_l + 1j * omega[:, None, None] * np.diag(c_self))
    s = (z - z0 * eye) @ np.linalg.inv(z + z0 * eye)
    return s, z, y_l


def to_cosimpy(coils, frequencies, grid, *, z0: float = 50.0, resistance=None, inductances=None, c_self=None,
               temperature: float = 293.15, e_field: bool = True):
    """A ``cosimpy.RF_Coil`` with one port per coil (module doc).

    ``coils``: a Coil or a sequence of Coils (the ports); ``frequencies`` [Hz] (1-D);
    ``grid``: (x, y, z) 1-D arrays [m] of a regular grid or an (M, 3) point array;
    ``z0`` [ohm]: port reference. By default R(f) comes from ``ac_resistance`` at each frequency
    (at ``temperature`` [K]), L and M from ``inductance`` / ``inductance_matrix`` and C_self from
    ``self_capacitance`` (0 for coils it does not support); ``resistance`` [ohm] (scalar, per
    coil or (n_f, n)), ``inductances`` [H] ((n, n)) and ``c_self`` [F] (scalar or per coil)
    override them. ``e_field``: include the induced E = -j omega A.
    """
    cs = _cosimpy()
    coil_list = _coil_list(coils)
    n = len(coil_list)
    f = np.atleast_1d(check.real_array("frequencies", frequencies, "a 1-D array of positive frequencies [Hz]"))
    if f.ndim != 1 or not np.isfinite(f).all() or (f <= 0).any():
        check._fail("frequencies", "a 1-D array of positive frequencies [Hz]", frequencies)
    z0 = check.positive("z0", z0)
    temp = check.positive("temperature", temperature)
    pts, n_points = _grid(grid)
    if resistance is None:
        r = np.array([[ac_resistance(c, float(fk), temperature=temp) for c in coil_list] for fk in f])
    else:
        r = _per_coil("resistance", resistance, n, len(f))
    if inductances is None:
        lm = inductance_matrix(coil_list) if n > 1 else np.array([[inductance(coil_list[0])]])
    else:
        lm = np.asarray(inductances, dtype=float)
        if lm.shape != (n, n) or not np.allclose(lm, lm.T, rtol=1e-12, atol=0):
            check._fail("inductances", f"a symmetric ({n}, {n}) matrix [H]", inductances)
    if c_self is None:
        caps = []
        for c in coil_list:
            try:
                caps.append(self_capacitance(c))
            except ValueError:
                caps.append(0.0)
        cap = np.array(caps)
    else:
        cap = _per_coil("c_self", c_self, n, 1)[0]
    s, _, y_l = port_matrices(f, r, lm, cap, z0)
    v = (np.eye(n) + s) * np.sqrt(z0)  # (n_f, port voltage q, driven port p), RMS
    i_branch = y_l @ v  # (n_f, q, p)
    b_unit = np.stack([field(c, pts) for c in coil_list])  # (q, M, 3) [T/A]
    b = np.einsum("fqp,qmc->fpcm", i_branch, b_unit)
    e = None
    if e_field:
        a_unit = np.stack([vector_potential(c, pts) for c in coil_list])
        e = -1j * (2 * np.pi * f)[:, None, None, None] * np.einsum("fqp,qmc->fpcm", i_branch, a_unit)
    em = cs.EM_Field(f, list(n_points), b_field=b, e_field=e)
    return cs.RF_Coil(cs.S_Matrix(s, f, z0), em)
