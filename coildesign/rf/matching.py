"""Capacitive tuning and matching networks for RF coils (closed form, swept in numpy).

The coil is the series branch ``R + j omega L`` [ohm] shunted by its self-capacitance ``C_self``
[F] (the usual lumped model of a coil below its self-resonance: Mispelter, Lupu & Briguet,
"NMR Probeheads for Biophysical and Biomedical Experiments" (Imperial College Press, 2006),
ch. 3). Three two-capacitor networks bring it to a real input impedance ``Z0`` at the design
angular frequency ``omega = 2 pi f``:

``"series_match_parallel_tune"``
    tuning capacitor ``C_t`` across the coil, matching capacitor ``C_m`` in series towards the
    line (Mispelter et al. ch. 3; Pozar, "Microwave Engineering", 4th ed. (Wiley, 2012),
    sect. 5.1, L-section with the shunt element next to the load, eqs. 5.3a-b). With the coil
    admittance ``Y = G - j B_L``, ``G = R/|Z|^2``, ``B_L = omega L/|Z|^2``, ``|Z|^2 = R^2 +
    omega^2 L^2``, the tank ``Y + j omega C_p`` has ``Re(1/Y_tank) = Z0`` when
    ``(omega C_p - B_L)^2 = G/Z0 - G^2`` (needs ``G < 1/Z0``, i.e. ``(R^2 + omega^2 L^2)/R > Z0``);
    the root with an inductive remainder (so that a *capacitor* can cancel it) gives

        C_p = [omega L - sqrt(R |Z|^2 / Z0 - R^2)] / (omega |Z|^2)          (Pozar eq. 5.3a)
        C_m = 1 / (omega sqrt(Z0 (|Z|^2/R - Z0)))                            (Pozar eq. 5.3b)

    ``C_p > 0`` needs ``R < Z0``. ``C_self`` is in parallel with ``C_t``, so it is absorbed:
    ``C_t = C_p - C_self`` (needs ``C_p > C_self``, i.e. a self-resonance well above ``f``).
    For ``Q = omega L/R >> 1`` these reduce to the familiar ``C_m ~ sqrt(R/Z0)/(omega^2 L)``,
    ``C_t ~ (1 - sqrt(R/Z0))/(omega^2 L)``.

``"parallel_match_series_tune"``
    tuning capacitor ``C_t`` in series with the coil, matching capacitor ``C_m`` across the
    input (Pozar sect. 5.1, shunt element next to the source, eqs. 5.6a-b). With the coil plus
    ``C_self`` seen as ``Z' = R' + j X'``:

        C_t = 1 / (omega [X' - sqrt(R' (Z0 - R'))]),   C_m = sqrt((Z0 - R')/R') / (omega Z0)

    realisable when ``R' < Z0`` and ``X' > sqrt(R' (Z0 - R'))``. Without ``C_self`` this is the
    same condition as for the first network (``R^2 + X^2 > Z0 R`` is ``X^2 > R (Z0 - R)``): a coil
    that one of the two capacitive L-networks cannot match, the other cannot match either.

``"balanced"``
    the balanced circuit of Murphy-Boesch & Koretsky (J. Magn. Reson. 54, 526 (1983)): parallel
    tuning capacitor ``C_t`` across the coil and the series match split symmetrically into two
    capacitors of ``2 C_m`` each, one in each lead, driven differentially (ideal balun, port
    reference ``Z0``). The differential input impedance equals that of
    ``"series_match_parallel_tune"`` with ``C_m``, so ``C_t`` is the same and each match
    capacitor is ``2 C_m``; the coil centre becomes a virtual ground (halving the coil's voltage
    to ground, which is what reduces dielectric sample losses; not modelled here).

Capacitor losses (optional): each capacitor of value ``C`` gets the series resistance
``ESR = 1/(omega C Q_c)`` for a given capacitor quality factor ``Q_c`` at the design frequency;
the ESR is then held fixed over the sweep (the datasheet model). With ESR the two matching
equations ``Re Z_in = Z0, Im Z_in = 0`` are solved numerically (scipy ``root``), starting from
the loss-free closed form.

Bandwidth and Q (definitions used throughout):

- ``q_unloaded = omega L / R`` (coil only; capacitor ESR not included).
- ``bandwidth`` [Hz]: width of the band around ``f`` in which ``|S11|^2 <= 1/2`` (``|S11| <=
  -3.01 dB``), i.e. in which the coil network absorbs at least half of the incident power.
  For a resonator at critical coupling this is exactly the half-power band of the loaded
  resonance: with the source resistance equal to the (transformed) coil resistance,
  ``Gamma = j X/(2 R + j X)`` and ``|Gamma|^2 = 1/2`` at ``X = +-2 R``, i.e. at
  ``delta f / f = +-1/Q_u`` (Pozar sect. 6.1 and 6.6, ``1/Q_L = 1/Q_e + 1/Q_0`` with
  ``Q_e = Q_0`` at critical coupling).
- ``q_loaded = f / bandwidth``; so ``q_loaded = q_unloaded/2`` for an ideal critically coupled
  resonator. The matching network's own frequency dependence (mainly the series match
  reactance) shifts this by O(sqrt(R/Z0)) relative; the tests measure it.

The network is evaluated analytically over the sweep, ``S11 = (Z_in - Z0)/(Z_in + Z0)``, and
only wrapped in a scikit-rf ``Network`` for Touchstone files and Smith charts (building the
circuit from skrf media elements gives the same numbers, see tests, but costs ~10 ms).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import brentq, root

from coildesign import _validation as check

__all__ = [
    "NETWORKS",
    "MatchResult",
    "match_capacitors",
    "match",
    "input_impedance",
]

NETWORKS: tuple[str, ...] = ("series_match_parallel_tune", "parallel_match_series_tune", "balanced")

_DEFAULT_POINTS = 801


# ---------------------------------------------------------------------------- impedances
def _coil_impedance(omega: np.ndarray, resistance: float, inductance: float, c_self: float) -> np.ndarray:
    """Coil impedance [ohm]: (R + j omega L) in parallel with C_self."""
    z = resistance + 1j * omega * inductance
    if c_self > 0.0:
        z = z / (1.0 + 1j * omega * c_self * z)
    return z


def _capacitor_impedance(omega: np.ndarray, capacitance: float, esr: float) -> np.ndarray:
    """Capacitor impedance [ohm]: ESR + 1/(j omega C)."""
    return esr + 1.0 / (1j * omega * capacitance)


def _series_equivalent(network: str, capacitors: dict[str, float]) -> tuple[float, float]:
    """(C_tune, C_match) of the single-ended equivalent circuit [F]."""
    if network == "balanced":
        return capacitors["tune"], 0.5 * capacitors["match"]
    return capacitors["tune"], capacitors["match"]


def _input_impedance(omega: np.ndarray, resistance: float, inductance: float, c_self: float, network: str,
                     c_tune: float, c_match: float, esr_tune: float = 0.0, esr_match: float = 0.0) -> np.ndarray:
    z_coil = _coil_impedance(omega, resistance, inductance, c_self)
    z_t = _capacitor_impedance(omega, c_tune, esr_tune)
    z_m = _capacitor_impedance(omega, c_match, esr_match)
    if network == "parallel_match_series_tune":
        z1 = z_coil + z_t
        return 1.0 / (1.0 / z1 + 1.0 / z_m)
    # series_match_parallel_tune and balanced (differential impedance, C_match = series equivalent)
    return z_m + 1.0 / (1.0 / z_coil + 1.0 / z_t)


def input_impedance(
    frequency: float | np.ndarray,
    resistance: float,
    inductance: float,
    capacitors: dict[str, float],
    *,
    network: str = "series_match_parallel_tune",
    c_self: float = 0.0,
    esr: dict[str, float] | None = None,
) -> np.ndarray:
    """Input impedance [ohm] of a coil with its tuning/matching capacitors.

    ``frequency`` [Hz] (scalar or array); ``resistance`` [ohm], ``inductance`` [H] and
    ``c_self`` [F] describe the coil; ``capacitors`` maps ``"tune"`` and ``"match"`` to values
    [F] as in ``MatchResult.capacitors`` (for ``"balanced"``, ``"match"`` is each of the two
    capacitors and the result is the differential impedance); ``esr`` optionally maps the same
    keys to series resistances [ohm] (for ``"balanced"``, the ESR of each capacitor).
    """
    net = check.choice("network", network, NETWORKS)
    f = np.asarray(frequency, dtype=float)
    if not np.isfinite(f).all() or np.any(f <= 0):
        check._fail("frequency", "finite and > 0 [Hz]", frequency)
    r = check.positive("resistance", resistance, allow_zero=True)
    l_coil = check.positive("inductance", inductance)
    cs = check.positive("c_self", c_self, allow_zero=True)
    caps = _check_capacitors(capacitors)
    esr = {"tune": 0.0, "match": 0.0} if esr is None else {k: check.positive(f"esr[{k!r}]", esr.get(k, 0.0),
                                                                             allow_zero=True) for k in caps}
    c_t, c_m = _series_equivalent(net, caps)
    esr_m = 2.0 * esr["match"] if net == "balanced" else esr["match"]
    return _input_impedance(2.0 * np.pi * f, r, l_coil, cs, net, c_t, c_m, esr["tune"], esr_m)


def _check_capacitors(capacitors: object) -> dict[str, float]:
    if not isinstance(capacitors, dict) or set(capacitors) != {"tune", "match"}:
        check._fail("capacitors", "a dict with the keys 'tune' and 'match' (values in F)", capacitors, TypeError)
    return {k: check.positive(f"capacitors[{k!r}]", v) for k, v in capacitors.items()}


# ---------------------------------------------------------------------------- closed forms
def _unrealisable(condition: str, detail: str) -> None:
    raise ValueError(f"The coil cannot be matched with this network: it needs {condition}; {detail}.")


def _ideal_capacitors(resistance: float, inductance: float, omega: float, z0: float, network: str,
                      c_self: float) -> tuple[float, float]:
    """Loss-free closed-form (C_tune, C_match) of the single-ended equivalent circuit [F]."""
    r, x = resistance, omega * inductance
    if network in ("series_match_parallel_tune", "balanced"):
        z2 = r * r + x * x
        if r <= 0.0:
            _unrealisable("R > 0", "a loss-free coil has no finite match")
        if z2 / r <= z0:
            _unrealisable("(R^2 + omega^2 L^2)/R > Z0",
                          f"(R^2 + omega^2 L^2)/R = {z2 / r:.6g} ohm <= Z0 = {z0:.6g} ohm "
                          f"(R = {r:.6g} ohm, omega L = {x:.6g} ohm): the coil is not inductive enough to be matched "
                          "with two capacitors")
        if r >= z0:
            _unrealisable("R < Z0", f"R = {r:.6g} ohm >= Z0 = {z0:.6g} ohm (the tuning capacitance would be negative)")
        c_p = (x - np.sqrt(r * z2 / z0 - r * r)) / (omega * z2)
        c_m = 1.0 / (omega * np.sqrt(z0 * (z2 / r - z0)))
        if c_p <= c_self:
            f_sr = 1.0 / (2.0 * np.pi * np.sqrt(inductance * c_self))
            _unrealisable("a total tuning capacitance C_t + C_self above C_self",
                          f"the network needs {c_p:.6g} F across the coil but C_self = {c_self:.6g} F already "
                          f"(self-resonance {f_sr:.6g} Hz is too close to the design frequency "
                          f"{omega / (2 * np.pi):.6g} Hz)")
        return float(c_p - c_self), float(c_m)
    # parallel_match_series_tune
    zc = complex(_coil_impedance(np.asarray(omega), resistance, inductance, c_self))
    rp, xp = zc.real, zc.imag
    if rp <= 0.0:
        _unrealisable("R > 0", "a loss-free coil has no finite match")
    if rp >= z0:
        _unrealisable("Re Z_coil < Z0", f"Re Z_coil = {rp:.6g} ohm >= Z0 = {z0:.6g} ohm (with C_self = {c_self:.6g} F)")
    xs = np.sqrt(rp * (z0 - rp))
    if xp <= xs:
        _unrealisable("Im Z_coil > sqrt(Re Z_coil (Z0 - Re Z_coil))",
                      f"Im Z_coil = {xp:.6g} ohm <= {xs:.6g} ohm (Re Z_coil = {rp:.6g} ohm, Z0 = {z0:.6g} ohm): "
                      "the coil is not inductive enough to be matched with two capacitors")
    c_t = 1.0 / (omega * (xp - xs))
    c_m = np.sqrt((z0 - rp) / rp) / (omega * z0)
    return float(c_t), float(c_m)


def _lossy_capacitors(resistance: float, inductance: float, omega: float, z0: float, network: str, c_self: float,
                      q_cap: float, start: tuple[float, float]) -> tuple[float, float]:
    """(C_tune, C_match) [F] of the single-ended circuit with ESR = 1/(omega C Q_c), solved numerically."""

    def residual(p: np.ndarray) -> np.ndarray:
        c_t, c_m = start[0] * np.exp(p[0]), start[1] * np.exp(p[1])
        z = _input_impedance(np.asarray(omega), resistance, inductance, c_self, network, c_t, c_m,
                             1.0 / (omega * c_t * q_cap), 1.0 / (omega * c_m * q_cap))
        g = complex(z) / z0 - 1.0
        return np.array([g.real, g.imag])

    sol = root(residual, np.zeros(2), method="hybr", options={"xtol": 1e-13})
    c_t, c_m = start[0] * np.exp(sol.x[0]), start[1] * np.exp(sol.x[1])
    if not np.all(np.isfinite(sol.x)) or np.max(np.abs(residual(sol.x))) > 1e-9:
        raise ValueError(f"The coil cannot be matched with this network when the capacitors have Q = {q_cap:.6g}: "
                         f"the capacitor losses leave no solution of Re Z_in = Z0, Im Z_in = 0 near the loss-free "
                         f"values C_t = {start[0]:.6g} F, C_m = {start[1]:.6g} F ({sol.message}).")
    return float(c_t), float(c_m)


# ---------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class MatchResult:
    """A tuned and matched coil.

    Attributes
    ----------
    topology : str
        One of ``NETWORKS``.
    frequency : float
        Design frequency [Hz].
    z0 : float
        Port reference impedance [ohm] (differential for ``"balanced"``).
    resistance, inductance, c_self : float
        Coil series resistance [ohm], inductance [H] and self-capacitance [F] used.
    capacitors : dict[str, float]
        ``{"tune": C_t, "match": C_m}`` [F]; for ``"balanced"`` ``"match"`` is the value of
        *each* of the two symmetric series capacitors (2x the single-ended value).
    esr : dict[str, float]
        Series resistance of each capacitor [ohm] (zero unless ``capacitor_q`` was given).
    capacitor_q : float or None
        Capacitor quality factor used for the ESR.
    s11 : complex
        Reflection coefficient at the design frequency.
    s11_db : float
        ``20 log10 |s11|`` [dB] (``-inf`` for an exact match).
    bandwidth : float
        Width [Hz] of the band with ``|S11|^2 <= 1/2`` around the design frequency (see module
        docstring); NaN if an edge was not found.
    band_edges : tuple[float, float]
        Lower and upper -3 dB edges [Hz].
    q_unloaded : float
        ``omega L / R`` of the coil.
    q_loaded : float
        ``frequency / bandwidth``.
    network : skrf.Network
        One-port S11 over the frequency sweep (reference ``z0``).
    notes : tuple[str, ...]
        Provenance of the inputs and anything approximated.
    """

    topology: str
    frequency: float
    z0: float
    resistance: float
    inductance: float
    c_self: float
    capacitors: dict[str, float]
    esr: dict[str, float]
    capacitor_q: float | None
    s11: complex
    s11_db: float
    bandwidth: float
    band_edges: tuple[float, float]
    q_unloaded: float
    q_loaded: float
    network: object = field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def tune_capacitance(self) -> float:
        """Tuning capacitor [F]."""
        return self.capacitors["tune"]

    @property
    def match_capacitance(self) -> float:
        """Matching capacitor [F] (each of the two for ``"balanced"``)."""
        return self.capacitors["match"]

    @property
    def q_ratio(self) -> float:
        """``q_loaded / q_unloaded`` (1/2 for an ideal critically coupled resonator)."""
        return self.q_loaded / self.q_unloaded

    def impedance(self, frequency: float | np.ndarray) -> np.ndarray:
        """Input impedance [ohm] of the matched network at ``frequency`` [Hz]."""
        return input_impedance(frequency, self.resistance, self.inductance, self.capacitors,
                               network=self.topology, c_self=self.c_self, esr=self.esr)

    def s11_at(self, frequency: float | np.ndarray) -> np.ndarray:
        """S11 (complex, reference ``z0``) at ``frequency`` [Hz]."""
        z = self.impedance(frequency)
        return (z - self.z0) / (z + self.z0)

    def to_touchstone(self, path: str | os.PathLike) -> Path:
        """Write the swept S11 as a Touchstone v1 ``.s1p`` file (real/imaginary, Hz, reference
        ``z0``) atomically: a temporary file beside ``path`` is moved into place with
        ``os.replace``. A missing ``.s1p`` suffix is appended. Returns the path written."""
        from coildesign.export.files import atomic_path

        target = Path(path)
        if target.suffix.lower() != ".s1p":
            target = target.with_name(target.name + ".s1p")
        text = self.network.write_touchstone(return_string=True, form="ri")
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="ISO-8859-1")
        return target

    def plot(self, path: str | os.PathLike, *, dpi: int = 130) -> Path:
        """Save |S11| [dB] versus frequency [MHz] beside a Smith chart of S11 to ``path``
        (format from the suffix, e.g. .png/.pdf/.svg), headless (matplotlib Agg, no pyplot
        state) and atomically. Returns the path written."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from skrf.plotting import smith

        from coildesign.export.files import atomic_path

        target = Path(path)
        f = self.network.frequency.f
        s = self.network.s[:, 0, 0]
        fig = Figure(figsize=(11.0, 4.8))
        FigureCanvasAgg(fig)
        ax_db, ax_smith = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1.0]})
        with np.errstate(divide="ignore"):
            s_db = 20.0 * np.log10(np.abs(s))
        ax_db.plot(f / 1e6, s_db, lw=1.5)
        floor = -80.0  # an exact match is -inf dB: show the dip down to -80 dB
        ax_db.set_ylim(max(floor, float(np.min(s_db))) - 2.0, max(1.0, float(np.max(s_db)) + 1.0))
        ax_db.axhline(-10.0 * np.log10(2.0), color="0.6", ls="--", lw=1.0, label="-3.01 dB")
        ax_db.axvline(self.frequency / 1e6, color="0.6", ls=":", lw=1.0)
        ax_db.set_xlabel("frequency [MHz]")
        ax_db.set_ylabel("|S11| [dB]")
        ax_db.set_title(f"{self.topology}: f = {self.frequency / 1e6:.6g} MHz, "
                        f"Q_u = {self.q_unloaded:.4g}, Q_L = {self.q_loaded:.4g}")
        ax_db.grid(True, alpha=0.3)
        ax_db.legend(loc="lower right")
        smith(ax=ax_smith, draw_labels=True)
        ax_smith.plot(s.real, s.imag, lw=1.5)
        ax_smith.plot([self.s11.real], [self.s11.imag], "o", ms=5, label=f"{self.frequency / 1e6:.6g} MHz")
        ax_smith.set_title(f"S11 (Z0 = {self.z0:g} ohm)")
        ax_smith.legend(loc="lower right")
        fig.tight_layout()
        with atomic_path(target) as tmp:
            fig.savefig(tmp, dpi=dpi, format=target.suffix.lstrip(".") or "png")
        return target

    def __repr__(self) -> str:
        caps = ", ".join(f"C_{k}={v * 1e12:.6g} pF" for k, v in self.capacitors.items())
        return (f"MatchResult({self.topology}, f={self.frequency:.6g} Hz, {caps}, S11={self.s11_db:.4g} dB, "
                f"bandwidth={self.bandwidth:.6g} Hz, Q_u={self.q_unloaded:.6g}, Q_L={self.q_loaded:.6g})")


# ---------------------------------------------------------------------------- band edges
def _band_edges(gamma2, f0: float, q_u: float) -> tuple[float, float]:
    """Frequencies [Hz] below and above f0 where |S11|^2 crosses 1/2 (NaN if not found)."""

    def g(f: float) -> float:
        return float(gamma2(f)) - 0.5

    if g(f0) >= 0.0:
        return float("nan"), float("nan")
    step = f0 / max(q_u, 1.0)
    edges = []
    for sign in (-1.0, 1.0):
        inner, edge = f0, float("nan")
        for k in range(-3, 60):
            trial = f0 + sign * step * 2.0**k
            if trial <= f0 * 1e-9:
                trial = f0 * 1e-9
            if g(trial) > 0.0:
                edge = brentq(g, min(inner, trial), max(inner, trial), xtol=1e-13 * f0, rtol=4 * np.finfo(float).eps)
                break
            if trial == f0 * 1e-9:
                break
            inner = trial
        edges.append(edge)
    return edges[0], edges[1]


# ---------------------------------------------------------------------------- public API
def match_capacitors(
    resistance: float,
    inductance: float,
    frequency: float,
    *,
    z0: float = 50.0,
    network: str = "series_match_parallel_tune",
    c_self: float = 0.0,
    capacitor_q: float | None = None,
    frequencies: np.ndarray | None = None,
    n_points: int = _DEFAULT_POINTS,
    span: float | None = None,
    notes: tuple[str, ...] = (),
) -> MatchResult:
    """Tuning and matching capacitors for a coil of ``resistance`` [ohm], ``inductance`` [H]
    and self-capacitance ``c_self`` [F] at ``frequency`` [Hz] into ``z0`` [ohm].

    ``network`` is one of ``NETWORKS`` (formulas and sources in the module docstring);
    ``capacitor_q`` gives every capacitor the ESR 1/(omega C Q_c) [ohm] (None: loss-free).
    The sweep is ``frequencies`` [Hz] if given, else ``n_points`` points over ``span`` [Hz]
    centred on ``frequency`` (default: ten -3 dB bandwidths, at most ``frequency``).

    Raises ``ValueError`` naming the violated condition and the values when the network cannot
    match the coil (e.g. ``(R^2 + omega^2 L^2)/R <= Z0`` for the series-match/parallel-tune
    network).
    """
    import skrf

    r = check.positive("resistance", resistance)
    l_coil = check.positive("inductance", inductance)
    f0 = check.positive("frequency", frequency)
    z0v = check.positive("z0", z0)
    net = check.choice("network", network, NETWORKS)
    cs = check.positive("c_self", c_self, allow_zero=True)
    qc = None if capacitor_q is None else check.positive("capacitor_q", capacitor_q)
    npts = check.positive_int("n_points", n_points, minimum=3, maximum=10**7)
    omega = 2.0 * np.pi * f0
    # the network formulas divide by omega L, omega L / R and their squares: all must stay in range
    with np.errstate(all="ignore"):
        x_l = np.float64(omega) * l_coil
        check.result("squared coil Q (omega L / R)^2 and reactance omega L", np.array(
            [(x_l / r) ** 2, x_l**2, 1.0 / x_l**2, 1.0 / np.float64(r), (1.0 / x_l) ** 2 * r]),
            resistance=resistance, inductance=inductance, frequency=frequency)
    if x_l / r > 1e12:
        check._fail("resistance, inductance, frequency", "such that the coil Q = omega L / R <= 1e12 (the "
                    "-3 dB band f0/Q would be below the float resolution of the frequency axis)", f"Q = {x_l / r:.3g}")

    c_t, c_m = _ideal_capacitors(r, l_coil, omega, z0v, net, cs)
    esr_t = esr_m = 0.0
    if qc is not None:
        c_t, c_m = _lossy_capacitors(r, l_coil, omega, z0v, net, cs, qc, (c_t, c_m))
        esr_t, esr_m = 1.0 / (omega * c_t * qc), 1.0 / (omega * c_m * qc)

    def s11(f: np.ndarray) -> np.ndarray:
        z = _input_impedance(2.0 * np.pi * np.asarray(f, dtype=float), r, l_coil, cs, net, c_t, c_m, esr_t, esr_m)
        return (z - z0v) / (z + z0v)

    s0 = complex(s11(np.asarray(f0)))
    q_u = omega * l_coil / r
    lo, hi = _band_edges(lambda f: abs(complex(s11(np.asarray(f)))) ** 2, f0, q_u)
    bandwidth = hi - lo
    note_list = list(notes)
    if not np.isfinite(bandwidth):
        note_list.append("the -3 dB edges of |S11| were not found (match too poor or too broad); bandwidth is NaN")

    if frequencies is None:
        width = 10.0 * bandwidth if np.isfinite(bandwidth) else 20.0 * f0 / q_u
        if span is not None:
            width = check.positive("span", span)
        width = min(width, f0)
        fs = np.linspace(f0 - 0.5 * width, f0 + 0.5 * width, npts)
    else:
        fs = np.asarray(frequencies, dtype=float)
        if fs.ndim != 1 or fs.size < 1 or not np.isfinite(fs).all() or np.any(fs <= 0) or np.any(np.diff(fs) <= 0):
            check._fail("frequencies", "a 1-D, strictly increasing array of finite frequencies > 0 [Hz]", frequencies)
    s = s11(fs)
    if not np.isfinite(s).all():  # pragma: no cover - guarded by the realisability checks
        raise ArithmeticError("S11 of the matched network is not finite over the sweep")
    skrf_net = skrf.Network(frequency=skrf.Frequency.from_f(fs, unit="Hz"), s=s.reshape(-1, 1, 1), z0=z0v,
                            name=f"{net}_{f0:.6g}Hz")

    if net == "balanced":
        caps = {"tune": c_t, "match": 2.0 * c_m}
        esr = {"tune": esr_t, "match": 0.5 * esr_m}
    else:
        caps = {"tune": c_t, "match": c_m}
        esr = {"tune": esr_t, "match": esr_m}
    with np.errstate(divide="ignore"):
        s0_db = float(20.0 * np.log10(abs(s0)))
    return MatchResult(
        topology=net, frequency=f0, z0=z0v, resistance=r, inductance=l_coil, c_self=cs, capacitors=caps, esr=esr,
        capacitor_q=qc, s11=s0, s11_db=s0_db, bandwidth=float(bandwidth), band_edges=(float(lo), float(hi)),
        q_unloaded=float(q_u), q_loaded=float(f0 / bandwidth), network=skrf_net, notes=tuple(note_list),
    )


def match(
    coil,
    frequency: float,
    z0: float = 50.0,
    *,
    network: str = "series_match_parallel_tune",
    temperature: float | None = None,
    capacitor_q: float | None = None,
    frequencies: np.ndarray | None = None,
    n_points: int = _DEFAULT_POINTS,
    span: float | None = None,
) -> MatchResult:
    """Tune and match ``coil`` at ``frequency`` [Hz] into ``z0`` [ohm].

    The coil's inductance [H] comes from ``coildesign.analysis.inductance.inductance(coil)``,
    its AC resistance [ohm] from ``coildesign.rf.impedance.ac_resistance(coil, frequency)``
    (at ``temperature`` [K] when given) and its self-capacitance [F] from
    ``coildesign.rf.impedance.self_capacitance(coil)`` where that supports the coil type;
    otherwise C_self = 0 is used and recorded in ``MatchResult.notes``. Other arguments as
    in ``match_capacitors``.
    """
    from coildesign.coil import Coil

    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    f0 = check.positive("frequency", frequency)
    from coildesign.analysis.inductance import inductance
    from coildesign.rf.impedance import ac_resistance, self_capacitance

    notes: list[str] = []
    l_coil = float(inductance(coil))
    if temperature is None:
        r = float(ac_resistance(coil, f0))
    else:
        t = check.positive("temperature", temperature)
        r = float(ac_resistance(coil, f0, temperature=t))
        notes.append(f"resistance at {t:g} K")
    try:
        c_self = float(self_capacitance(coil))
    except ValueError as exc:
        c_self = 0.0
        notes.append(f"C_self = 0: self_capacitance does not support this coil ({exc})")
    notes.append(f"L = {l_coil:.6g} H (inductance), R = {r:.6g} ohm at {f0:.6g} Hz (ac_resistance), "
                 f"C_self = {c_self:.6g} F")
    return match_capacitors(r, l_coil, f0, z0=z0, network=network, c_self=c_self, capacitor_q=capacitor_q,
                            frequencies=frequencies, n_points=n_points, span=span, notes=tuple(notes))
