"""Resonant modes of birdcage ladder networks (low-pass, high-pass, band-pass).

The lumped model (Hayes, Edelstein, Schenck, Mueller & Eash, J. Magn. Reson. 63, 622 (1985);
Tropp, J. Magn. Reson. 82, 51 (1989); Chin, Collins, Li, Dardzinski & Smith, "BirdcageBuilder",
Concepts Magn. Reson. 15, 156 (2002)) has N legs and 2N end-ring segments (3N branches):

- leg j at azimuth 2 pi j/N, self-inductance ``L_leg``, oriented +z (bottom ring to top ring);
- top / bottom ring segment j joins leg j to leg j+1, self-inductance ``L_ring`` each,
  oriented +phi (counter-clockwise about +z);
- capacitors ``C`` in every leg (low-pass), in every ring segment of both rings (high-pass),
  or ``C_leg`` in the legs and ``C_ring`` in the ring segments (band-pass).

Branch ordering everywhere in this module (and in ``coildesign.geometries.rf_coils.birdcage``):
legs 0..N-1, top-ring segments N..2N-1, bottom-ring segments 2N..3N-1.

Closed form (nearest-neighbour model, no mutual inductances)
------------------------------------------------------------
With mesh currents I_j (window j: up leg j+1, back along top segment j, down leg j, forward
along bottom segment j), leg j carries I_{j-1} - I_j and Kirchhoff's voltage law for window j is

    2 Z_ring I_j + Z_leg (2 I_j - I_{j-1} - I_{j+1}) = 0.

The circulant system is diagonalised by I_j = exp(2 pi i m j / N), m = 0 .. N/2 (Hayes 1985),
giving ``Z_ring + 2 sin^2(pi m/N) Z_leg = 0``, so with s_m = sin(pi m / N):

    low-pass   omega_m^2 = 2 s_m^2 / [C (L_ring + 2 s_m^2 L_leg)]
               (= 1/[C (L_leg + L_ring / (2 s_m^2))], Hayes 1985; Chin 2002 LP eq.)
    high-pass  omega_m^2 = 1 / [C (L_ring + 2 s_m^2 L_leg)]
    band-pass  omega_m^2 = (1/C_ring + 2 s_m^2 / C_leg) / (L_ring + 2 s_m^2 L_leg)

m = 1 is the homogeneous (imaging) mode: the lowest non-zero mode of a low-pass ladder, the
highest of the m >= 1 modes of a high-pass ladder. The N windows are not all the independent
loops: with 3N branches and 2N nodes there are N + 1, the extra one being a circulation around
one end ring. It adds the co-rotating ("Helmholtz") end-ring mode (Leifer, J. Magn. Reson. 124,
51 (1997)), at omega = 0 (low-pass) or 1/sqrt(L_ring C_ring) (high/band-pass), degenerate with
the m = 0 counter-rotating mode when the rings do not couple.

Full inductance matrix
----------------------
With the 3N x 3N partial-inductance matrix ``L`` (self terms on the diagonal, mutual terms
off it; signs for the branch orientations above), the elastance ``S = diag(1/C_b)`` (0 for a
branch without capacitor) and the (N+1) x 3N loop matrix ``B`` (the N windows plus the top
ring), the loop equations ``B (j omega L + S/(j omega)) B^T I = 0`` become the generalised
symmetric eigenproblem

    (B S B^T) x = omega^2 (B L B^T) x,

solved with ``scipy.linalg.eigh`` (B L B^T is positive definite for a physical L). Every
eigenvector is labelled with the azimuthal harmonic m that carries most of its branch-current
power (one-to-one assignment with the expected multiplicities: 1 for m = 0 and m = N/2,
2 otherwise, plus the Helmholtz mode). Without mutual terms it reproduces the closed forms
above to rounding (tested to 1e-10).

Tuning: with one capacitor value C in all capacitive branches (low/high-pass), S scales as 1/C,
so every omega_m^2 is exactly proportional to 1/C and ``capacitance_for_frequency`` is closed
form even with mutual inductances: C = C_ref (f_m(C_ref) / f)^2. For band-pass ladders with one
capacitor value fixed the other is found by root finding (brentq) on the mode frequency, which
increases monotonically with the unknown elastance (the eigenvalues of a pencil grow with the
positive semi-definite S).

Coil level: ``birdcage_modes(coil, capacitance)`` and ``birdcage_capacitance(coil, frequency)``
build L from the windings of a ``coildesign.geometries.rf_coils.birdcage`` coil with
``coildesign.analysis.inductance.inductance`` / ``mutual_inductance`` (partial inductances of
the open leg and ring-segment paths; their conductor sections, strip or round wire, keep the
self terms finite). A coaxial RF shield recorded in ``coil.winding_info.shield_radius`` b is
included for the legs by their image currents: the image of a leg at radius a is a leg at
b^2/a carrying the opposite current (the image of a line current in a perfectly conducting
cylinder, exact for long legs; the method used by Chin et al. 2002); ring images are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.linalg import eigh
from scipy.optimize import brentq, linear_sum_assignment

from coildesign import _validation as check
from coildesign.analysis.inductance import inductance as _self_l
from coildesign.analysis.inductance import mutual_inductance as _mutual_l
from coildesign.coil import Coil, Winding
from coildesign.conductors import RectangularStrip, RoundWire
from coildesign.winding_info import Birdcage

__all__ = [
    "TOPOLOGIES",
    "LadderModes",
    "ladder_modes",
    "capacitance_for_frequency",
    "birdcage_inductance_matrix",
    "birdcage_modes",
    "birdcage_capacitance",
]

TOPOLOGIES: tuple[str, ...] = ("lowpass", "highpass", "bandpass")


# ---------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class LadderModes:
    """Resonant modes of a birdcage ladder.

    Attributes
    ----------
    topology : str
        ``"lowpass"``, ``"highpass"`` or ``"bandpass"``.
    n_legs : int
        Number of legs N.
    mode_numbers : np.ndarray
        m = 0 .. N//2.
    frequencies : np.ndarray
        Frequency [Hz] of each window mode m (m = 0: the counter-rotating end-ring mode;
        degenerate pairs averaged, they are equal for a rotationally symmetric ladder).
    helmholtz_frequency : float
        Frequency [Hz] of the co-rotating end-ring (Helmholtz) mode.
    eigenfrequencies : np.ndarray
        All N + 1 loop-mode frequencies [Hz], ascending.
    eigenmode_labels : tuple[str, ...]
        Label of each eigenfrequency: ``"m=<m>"`` or ``"helmholtz"``.
    branch_currents : np.ndarray or None
        (N + 1, 3N) branch currents of each eigenmode (rows match ``eigenfrequencies``;
        legs, top ring, bottom ring, orientations as in the module docstring), normalised to
        unit maximum; None for the closed form.
    method : str
        ``"closed_form"`` or ``"eigen"``.
    """

    topology: str
    n_legs: int
    mode_numbers: np.ndarray
    frequencies: np.ndarray
    helmholtz_frequency: float
    eigenfrequencies: np.ndarray
    eigenmode_labels: tuple[str, ...]
    branch_currents: np.ndarray | None
    method: str

    @property
    def homogeneous_frequency(self) -> float:
        """Frequency [Hz] of the homogeneous m = 1 mode."""
        return float(self.frequencies[1])

    def frequency(self, m: int) -> float:
        """Frequency [Hz] of window mode ``m`` (0 <= m <= N//2)."""
        mm = check.positive_int("m", m, minimum=0)
        if mm > self.n_legs // 2:
            check._fail("m", f"an integer in [0, {self.n_legs // 2}]", m)
        return float(self.frequencies[mm])

    def __repr__(self) -> str:
        fs = ", ".join(f"{f / 1e6:.6g}" for f in self.frequencies)
        return (f"LadderModes({self.topology}, N={self.n_legs}, {self.method}: f_m [MHz] for m=0..{self.n_legs // 2} "
                f"= [{fs}], Helmholtz {self.helmholtz_frequency / 1e6:.6g} MHz)")


# ---------------------------------------------------------------------------- helpers
def _multiplicity(m: int, n: int) -> int:
    return 1 if m == 0 or 2 * m == n else 2


def _capacitances(topology: str, capacitance: object) -> tuple[float, float]:
    """(C_leg, C_ring) [F]; inf means no capacitor (a short) in that branch type."""
    if topology == "bandpass":
        if not isinstance(capacitance, (tuple, list)) or len(capacitance) != 2:
            check._fail("capacitance", "a pair (C_leg, C_ring) [F] for a band-pass ladder", capacitance, TypeError)
        return check.positive("capacitance[0]", capacitance[0]), check.positive("capacitance[1]", capacitance[1])
    c = check.positive("capacitance", capacitance)
    return (c, np.inf) if topology == "lowpass" else (np.inf, c)


def _closed_form_omega2(n: int, l_leg: float, l_ring: float, c_leg: float, c_ring: float,
                        m: np.ndarray) -> np.ndarray:
    """omega_m^2 [rad^2/s^2] of the nearest-neighbour ladder (module docstring)."""
    s2 = np.sin(np.pi * np.asarray(m) / n) ** 2
    return (1.0 / c_ring + 2.0 * s2 / c_leg) / (l_ring + 2.0 * s2 * l_leg)


def _loop_matrix(n: int) -> np.ndarray:
    """(N+1, 3N) loop-branch incidence: N windows, then the top ring."""
    b = np.zeros((n + 1, 3 * n))
    j = np.arange(n)
    b[j, 2 * n + j] = 1.0  # bottom segment j, +phi
    b[j, (j + 1) % n] = 1.0  # leg j+1, upwards
    b[j, n + j] = -1.0  # top segment j, traversed -phi
    b[j, j] = -1.0  # leg j, downwards
    b[n, n:2 * n] = 1.0
    return b


def _inductance_matrix(n: int, l_leg: float, l_ring: float, mutual: object) -> np.ndarray:
    diag = np.r_[np.full(n, l_leg), np.full(2 * n, l_ring)]
    if mutual is None:
        return np.diag(diag)
    try:
        m = np.array(mutual, dtype=float)
    except (TypeError, ValueError):
        check._fail("mutual", f"a ({3 * n}, {3 * n}) array of real numbers [H]", mutual, TypeError)
    if m.shape != (3 * n, 3 * n) or not np.isfinite(m).all():
        check._fail("mutual", f"a finite ({3 * n}, {3 * n}) array [H] (legs, top ring, bottom ring)", mutual)
    if not np.allclose(m, m.T, rtol=1e-9, atol=1e-12 * np.abs(diag).max()):
        check._fail("mutual", "symmetric", mutual)
    d = np.diag(m).copy()
    if np.any(d != 0.0) and not np.allclose(d, diag, rtol=1e-9, atol=0.0):
        check._fail("mutual", "zero on the diagonal or equal there to leg_inductance / ring_inductance "
                    f"({l_leg:g} H, {l_ring:g} H)", mutual)
    m = 0.5 * (m + m.T)
    np.fill_diagonal(m, diag)
    return m


def _eigen(n: int, l_mat: np.ndarray, c_leg: float, c_ring: float) -> tuple[np.ndarray, np.ndarray]:
    """(omega^2 ascending, eigenvectors as branch currents (N+1, 3N))."""
    b = _loop_matrix(n)
    elastance = np.r_[np.full(n, 1.0 / c_leg), np.full(2 * n, 1.0 / c_ring)]
    l_scale = float(np.mean(np.diag(l_mat)))
    s_scale = float(elastance.max()) if elastance.max() > 0 else 1.0
    l_loop = b @ (l_mat / l_scale) @ b.T
    s_loop = (b * (elastance / s_scale)) @ b.T
    try:
        lam, vec = eigh(s_loop, l_loop)
    except np.linalg.LinAlgError:
        check._fail("mutual", "a physical (positive-definite) partial-inductance matrix", "matrix with "
                    f"eigenvalues down to {np.linalg.eigvalsh(l_mat).min():.3g} H")
    lam = lam * (s_scale / l_scale)
    lam[lam < 1e-12 * max(lam.max(), 0.0)] = 0.0
    currents = (b.T @ vec).T
    currents /= np.abs(currents).max(axis=1, keepdims=True)
    return lam, currents


def _assign(n: int, currents: np.ndarray) -> list[str]:
    """Label each eigenvector ("m=<m>" or "helmholtz") by its dominant azimuthal harmonic."""
    legs, top, bot = currents[:, :n], currents[:, n:2 * n], currents[:, 2 * n:]
    p_leg = np.abs(np.fft.fft(legs, axis=1)) ** 2
    p_sum = np.abs(np.fft.fft(top + bot, axis=1)) ** 2
    p_diff = np.abs(np.fft.fft(top - bot, axis=1)) ** 2
    total = (p_leg + p_sum + p_diff).sum(axis=1, keepdims=True)
    p_leg, p_sum, p_diff = p_leg / total, p_sum / total, p_diff / total
    slots: list[str] = ["helmholtz"]
    scores = [p_sum[:, 0]]
    for m in range(n // 2 + 1):
        ks = {m, (n - m) % n}
        score = sum(p_leg[:, k] + p_diff[:, k] for k in ks)
        if m > 0:
            score = score + sum(p_sum[:, k] for k in ks)
        for _ in range(_multiplicity(m, n)):
            slots.append(f"m={m}")
            scores.append(score)
    rows, cols = linear_sum_assignment(-np.column_stack(scores))
    labels = [""] * len(rows)
    for r, c in zip(rows, cols):
        labels[r] = slots[c]
    return labels


# ---------------------------------------------------------------------------- public: ladder
@check.finite_output("mode frequencies")
def ladder_modes(
    n_legs: int,
    leg_inductance: float,
    ring_inductance: float,
    capacitance: float | tuple[float, float],
    topology: str = "lowpass",
    *,
    mutual: np.ndarray | None = None,
    method: str = "auto",
) -> LadderModes:
    """Resonant frequencies of a birdcage ladder.

    Parameters
    ----------
    n_legs : int
        Number of legs N (>= 3).
    leg_inductance, ring_inductance : float
        Self-inductance [H] of one leg and of one end-ring segment.
    capacitance : float or (float, float)
        Capacitor [F] in every leg (low-pass) or every ring segment (high-pass); the pair
        (C_leg, C_ring) [F] for band-pass.
    topology : {"lowpass", "highpass", "bandpass"}
    mutual : array (3N, 3N) or None
        Mutual partial inductances [H] between branches (ordering and orientations in the
        module docstring); the diagonal must be zero or equal the self-inductances.
    method : {"auto", "closed_form", "eigen"}
        ``"auto"``: closed form without ``mutual``, generalised eigenproblem with it.
    """
    n = check.positive_int("n_legs", n_legs, minimum=3, maximum=100_000)  # per-mode Python lists
    l_leg = check.positive("leg_inductance", leg_inductance)
    l_ring = check.positive("ring_inductance", ring_inductance)
    topo = check.choice("topology", topology, TOPOLOGIES)
    meth = check.choice("method", method, ("auto", "closed_form", "eigen"))
    c_leg, c_ring = _capacitances(topo, capacitance)
    if meth == "closed_form" and mutual is not None:
        check._fail("method", "'auto' or 'eigen' when mutual inductances are given", method)
    m_all = np.arange(n // 2 + 1)
    if meth == "closed_form" or (meth == "auto" and mutual is None):
        w2 = _closed_form_omega2(n, l_leg, l_ring, c_leg, c_ring, m_all)
        f = np.sqrt(w2) / (2.0 * np.pi)
        f_helm = float(np.sqrt(1.0 / (l_ring * c_ring)) / (2.0 * np.pi))
        labels = ["helmholtz"] + [f"m={m}" for m in m_all for _ in range(_multiplicity(int(m), n))]
        freqs = np.r_[f_helm, [f[m] for m in m_all for _ in range(_multiplicity(int(m), n))]]
        order = np.argsort(freqs, kind="stable")
        return LadderModes(topo, n, m_all, f, f_helm, freqs[order], tuple(labels[i] for i in order), None,
                           "closed_form")
    return _eigen_modes(n, topo, _inductance_matrix(n, l_leg, l_ring, mutual), c_leg, c_ring)


def _eigen_modes(n: int, topo: str, l_mat: np.ndarray, c_leg: float, c_ring: float) -> LadderModes:
    lam, currents = _eigen(n, l_mat, c_leg, c_ring)
    freqs = np.sqrt(lam) / (2.0 * np.pi)
    labels = _assign(n, currents)
    m_all = np.arange(n // 2 + 1)
    f = np.array([np.mean([fr for fr, lab in zip(freqs, labels) if lab == f"m={m}"]) for m in m_all])
    f_helm = float(freqs[labels.index("helmholtz")])
    return LadderModes(topo, n, m_all, f, f_helm, freqs, tuple(labels), currents, "eigen")


@check.finite_output("capacitance")
def capacitance_for_frequency(
    n_legs: int,
    leg_inductance: float,
    ring_inductance: float,
    frequency: float,
    topology: str = "lowpass",
    *,
    mutual: np.ndarray | None = None,
    mode: int = 1,
    leg_capacitance: float | None = None,
    ring_capacitance: float | None = None,
) -> float:
    """Capacitor value [F] that puts window mode ``mode`` (default the homogeneous m = 1) at
    ``frequency`` [Hz].

    Low-pass: the leg capacitor; high-pass: the ring-segment capacitor; band-pass: give exactly
    one of ``leg_capacitance`` / ``ring_capacitance`` [F] and get the other. Without ``mutual``
    the closed forms of the module docstring are inverted:

        low-pass   C = 2 s^2 / [omega^2 (L_ring + 2 s^2 L_leg)]
        high-pass  C = 1 / [omega^2 (L_ring + 2 s^2 L_leg)]
        band-pass  C_leg = 2 s^2 / [omega^2 (L_ring + 2 s^2 L_leg) - 1/C_ring]
                   C_ring = 1 / [omega^2 (L_ring + 2 s^2 L_leg) - 2 s^2 / C_leg]

    with s = sin(pi mode / N). With ``mutual`` the low/high-pass value follows from the exact
    1/C scaling of the eigenvalues, the band-pass value from brentq on the mode frequency.
    """
    n = check.positive_int("n_legs", n_legs, minimum=3, maximum=100_000)  # per-mode Python lists
    l_leg = check.positive("leg_inductance", leg_inductance)
    l_ring = check.positive("ring_inductance", ring_inductance)
    f_target = check.positive("frequency", frequency)
    topo = check.choice("topology", topology, TOPOLOGIES)
    m = check.positive_int("mode", mode, minimum=0)
    if m > n // 2:
        check._fail("mode", f"an integer in [0, {n // 2}] for {n} legs", mode)
    if topo == "lowpass" and m == 0:
        check._fail("mode", "an integer >= 1 for a low-pass ladder (its m = 0 mode is at 0 Hz)", mode)
    w2 = (2.0 * np.pi * f_target) ** 2
    s2 = np.sin(np.pi * m / n) ** 2
    l_eff = l_ring + 2.0 * s2 * l_leg  # per-mode effective inductance without mutuals
    if topo != "bandpass":
        if leg_capacitance is not None or ring_capacitance is not None:
            check._fail("leg_capacitance/ring_capacitance", f"None for a {topo} ladder",
                        (leg_capacitance, ring_capacitance))
        c_ref = (2.0 * s2 if topo == "lowpass" else 1.0) / (w2 * l_eff)
        if mutual is None:
            return float(c_ref)
        f_ref = ladder_modes(n, l_leg, l_ring, c_ref, topo, mutual=mutual).frequencies[m]
        return float(c_ref * (f_ref / f_target) ** 2)

    if (leg_capacitance is None) == (ring_capacitance is None):
        check._fail("leg_capacitance/ring_capacitance", "exactly one given (the fixed capacitor of a band-pass "
                    "ladder) [F]", (leg_capacitance, ring_capacitance))
    solve_leg = ring_capacitance is not None
    fixed = check.positive("ring_capacitance" if solve_leg else "leg_capacitance",
                           ring_capacitance if solve_leg else leg_capacitance)
    if mutual is None:
        if solve_leg:
            denom = w2 * l_eff - 1.0 / fixed
            if m == 0 or denom <= 0:
                _unreachable(f_target, m, np.sqrt(1.0 / (fixed * l_eff)) / (2 * np.pi), "ring")
            return float(2.0 * s2 / denom)
        denom = w2 * l_eff - 2.0 * s2 / fixed
        if denom <= 0:
            _unreachable(f_target, m, np.sqrt(2.0 * s2 / (fixed * l_eff)) / (2 * np.pi), "leg")
        return float(1.0 / denom)

    l_mat = _inductance_matrix(n, l_leg, l_ring, mutual)

    def mode_frequency(elastance: float) -> float:
        c_unknown = np.inf if elastance == 0.0 else 1.0 / elastance
        caps = (c_unknown, fixed) if solve_leg else (fixed, c_unknown)
        return float(_eigen_modes(n, "bandpass", l_mat, *caps).frequencies[m])

    f0 = mode_frequency(0.0)
    if f0 >= f_target or (solve_leg and m == 0):
        _unreachable(f_target, m, f0, "ring" if solve_leg else "leg")
    guess = (2.0 * s2 if solve_leg else 1.0) / (w2 * l_eff)
    hi = 1.0 / guess
    for _ in range(200):
        if mode_frequency(hi) > f_target:
            break
        hi *= 2.0
    x = brentq(lambda e: mode_frequency(e) - f_target, 0.0, hi, xtol=1e-300, rtol=1e-14, maxiter=500)
    return float(1.0 / x)


def _unreachable(f_target: float, m: int, f_min: float, fixed_kind: str) -> None:
    raise ValueError(f"No capacitor value puts mode m={m} at {f_target:.6g} Hz: with the fixed {fixed_kind} "
                     f"capacitors alone (the other capacitors shorted) the mode is already at {f_min:.6g} Hz, "
                     "and adding series capacitance only raises it; choose a larger fixed capacitor.")


# ---------------------------------------------------------------------------- public: coil level
def _birdcage_layout(coil) -> tuple[int, list, np.ndarray, np.ndarray]:
    """(N, windings in branch order, orientation signs (3N,), cylinder axis unit vector)."""
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    info = coil.winding_info
    if not isinstance(info, Birdcage):
        check._fail("coil", "a coil from coildesign.geometries.rf_coils.birdcage (winding_info a "
                    "coildesign.winding_info.Birdcage)", coil)
    n = int(info.legs)
    ws = list(coil.windings)
    if len(ws) != 3 * n or not all(isinstance(w, Winding) and not w.closed for w in ws):
        check._fail("coil", f"{3 * n} open windings (N legs, N top-ring and N bottom-ring segments)", coil)
    legs, top, bot = ws[:n], ws[n:2 * n], ws[2 * n:]
    d_leg = np.array([w.points[-1] - w.points[0] for w in legs])
    axis = d_leg.sum(axis=0)
    axis /= np.linalg.norm(axis)
    centre = np.mean([w.points.mean(axis=0) for w in legs], axis=0)
    signs = np.ones(3 * n)
    signs[:n] = np.sign(d_leg @ axis)
    z_top = np.mean([(w.points - centre) @ axis for w in top])
    z_bot = np.mean([(w.points - centre) @ axis for w in bot])
    if not z_top > z_bot:
        check._fail("coil", "a birdcage whose top-ring segments (windings N..2N-1) lie above the bottom ring", coil)
    for k, w in enumerate(top + bot):
        mid = w.points[len(w.points) // 2] - centre
        radial = mid - (mid @ axis) * axis
        signs[n + k] = np.sign(np.cross(axis, radial) @ (w.points[-1] - w.points[0]))
    # each ring segment k must join the ends of legs k and k+1
    tol = 1e-6 * max(float(info.radius), 1e-12)
    for ring, end in ((top, -1 if signs[0] > 0 else 0), (bot, 0 if signs[0] > 0 else -1)):
        for k, w in enumerate(ring):
            a, b = legs[k].points[end], legs[(k + 1) % n].points[end]
            ends = (w.points[0], w.points[-1])
            if not (min(np.linalg.norm(ends[0] - a), np.linalg.norm(ends[1] - a)) < tol
                    and min(np.linalg.norm(ends[0] - b), np.linalg.norm(ends[1] - b)) < tol):
                check._fail("coil", f"a birdcage whose ring segment {k} joins legs {k} and {(k + 1) % n}", coil)
    return n, ws, signs, axis


def _with_section(winding, info: Birdcage, kind: str):
    """The winding with a finite conductor section (from the birdcage's record if missing)."""
    if winding.cross_section is not None:
        return winding
    width = info.leg_width if kind == "leg" else info.ring_width
    if width:
        return replace(winding, cross_section=RectangularStrip(float(width), float(info.thickness)))
    if info.wire_diameter:
        return replace(winding, cross_section=RoundWire(float(info.wire_diameter)))
    raise ValueError(f"Input coil must have {kind} conductors of finite size for their self-inductance "
                     f"(give birdcage(..., {kind}_width=...) or wire_diameter=...); instead received filaments.")


def birdcage_inductance_matrix(coil, *, symmetric: bool | None = None, shield: bool = True) -> np.ndarray:
    """The (3N, 3N) partial-inductance matrix [H] of a birdcage coil's branches.

    Ordering and orientations as in the module docstring (legs +z, ring segments +phi),
    computed with ``coildesign.analysis.inductance.inductance`` (diagonal) and
    ``mutual_inductance`` (off-diagonal) on single-winding coils. ``symmetric`` (default: when
    the legs are equally spaced to 1e-9 rad) computes one row per block and fills the rest by
    the N-fold rotational symmetry (about 6N instead of 4.5 N^2 integrals). ``shield`` adds the
    leg image currents of a shield recorded in ``coil.winding_info.shield_radius``. Cached on
    the coil.
    """
    n, ws, signs, axis = _birdcage_layout(coil)
    key = ("coildesign.rf.birdcage_modes.inductance_matrix", symmetric, shield)
    if key in coil._cache:
        return coil._cache[key].copy()
    info = coil.winding_info
    ws = [_with_section(w, info, "leg" if i < n else "ring") for i, w in enumerate(ws)]
    single = [Coil([w], name=f"branch {i}") for i, w in enumerate(ws)]

    centre = np.mean([w.points.mean(axis=0) for w in ws[:n]], axis=0)
    radial = np.array([w.points[0] - centre - ((w.points[0] - centre) @ axis) * axis for w in ws[:n]])
    ref = radial[0] / np.linalg.norm(radial[0])
    other = np.cross(axis, ref)
    phi = np.unwrap(np.arctan2(radial @ other, radial @ ref))
    if symmetric is None:
        symmetric = bool(np.allclose(np.diff(phi), 2 * np.pi / n, atol=1e-9))

    def pair(i: int, j: int) -> float:
        if i == j:
            return float(_self_l(single[i]))
        return float(_mutual_l(single[i], single[j]))

    mat = np.zeros((3 * n, 3 * n))
    if symmetric:
        blocks = [(0, 0), (0, n), (0, 2 * n), (n, n), (n, 2 * n), (2 * n, 2 * n)]
        for r0, c0 in blocks:
            row = np.array([pair(r0, c0 + k) if (r0 != c0 or k == 0 or k <= n // 2) else np.nan for k in range(n)])
            if r0 == c0:  # symmetric circulant: M(0, k) = M(0, N - k)
                for k in range(n // 2 + 1, n):
                    row[k] = row[n - k]
            for i in range(n):
                mat[r0 + i, c0 + (i + np.arange(n)) % n] = row
        upper = np.triu(mat, 1)
        mat = np.triu(mat) + upper.T
    else:
        for i in range(3 * n):
            for j in range(i, 3 * n):
                mat[i, j] = mat[j, i] = pair(i, j)
    mat *= np.outer(signs, signs)

    b = info.shield_radius
    if shield and b:
        a_leg = np.linalg.norm(radial, axis=1)
        images = []
        for k, w in enumerate(ws[:n]):
            shift = radial[k] * (b * b / a_leg[k] ** 2 - 1.0)  # radius a -> b^2/a, same azimuth
            images.append(Coil([w.transformed(np.eye(3), shift)], name=f"image of leg {k}"))
        count = 1 if symmetric else n
        # the image carries the opposite current: M(leg i, image j) enters with a minus sign
        rows = -np.array([[float(_mutual_l(single[i], images[j])) for j in range(n)] for i in range(count)])
        if symmetric:
            rows = np.array([np.roll(rows[0], i) for i in range(n)])
        s = signs[:n]
        shield_block = rows * np.outer(s, s)
        mat[:n, :n] += 0.5 * (shield_block + shield_block.T)
    coil._cache[key] = mat
    return mat.copy()


def _ladder_inputs(coil, topology: str | None, shield: bool):
    mat = birdcage_inductance_matrix(coil, shield=shield)
    n = int(coil.winding_info.legs)
    topo = check.choice("topology", topology if topology is not None else coil.winding_info.topology, TOPOLOGIES)
    d = np.diag(mat)
    l_leg, l_ring = float(d[:n].mean()), float(d[n:].mean())
    mutual = mat.copy()
    np.fill_diagonal(mutual, 0.0)
    if not (np.allclose(d[:n], l_leg, rtol=1e-6, atol=0.0) and np.allclose(d[n:], l_ring, rtol=1e-6, atol=0.0)):
        raise ValueError("Input coil must have equal leg and equal ring-segment self-inductances (a regular "
                         f"birdcage); instead received legs {d[:n].min():.6g}..{d[:n].max():.6g} H, ring segments "
                         f"{d[n:].min():.6g}..{d[n:].max():.6g} H.")
    return n, l_leg, l_ring, mutual, topo


def birdcage_modes(coil, capacitance: float | tuple[float, float], *, topology: str | None = None,
                   shield: bool = True) -> LadderModes:
    """Resonant modes of a birdcage ``coil`` with ``capacitance`` [F] (a pair (C_leg, C_ring)
    for band-pass), from its full partial-inductance matrix (``birdcage_inductance_matrix``).
    ``topology`` defaults to ``coil.winding_info.topology``."""
    n, l_leg, l_ring, mutual, topo = _ladder_inputs(coil, topology, shield)
    return ladder_modes(n, l_leg, l_ring, capacitance, topo, mutual=mutual)


def birdcage_capacitance(coil, frequency: float, *, topology: str | None = None, mode: int = 1,
                         leg_capacitance: float | None = None, ring_capacitance: float | None = None,
                         shield: bool = True) -> float:
    """Capacitor value [F] that puts mode ``mode`` (default m = 1) of birdcage ``coil`` at
    ``frequency`` [Hz], from its full partial-inductance matrix; band-pass: give the fixed
    ``leg_capacitance`` or ``ring_capacitance`` [F] (see ``capacitance_for_frequency``)."""
    n, l_leg, l_ring, mutual, topo = _ladder_inputs(coil, topology, shield)
    return capacitance_for_frequency(n, l_leg, l_ring, frequency, topo, mutual=mutual, mode=mode,
                                     leg_capacitance=leg_capacitance, ring_capacitance=ring_capacitance)
