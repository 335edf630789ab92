"""Capacitive tuning and matching networks for RF coils (closed form, swept in numpy).

The coil (``coildesign.rf.circuit.CoilCircuit``) is the series branch ``R + j omega L`` [ohm]
shunted by its self-capacitance ``C_self`` [F] (the usual lumped model of a coil below its
self-resonance: Mispelter, Lupu & Briguet, "NMR Probeheads for Biophysical and Biomedical
Experiments" (Imperial College Press, 2006), ch. 3). Three two-capacitor networks bring it to a
real input impedance ``Z0`` at the design angular frequency ``omega = 2 pi f``:

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

L-sections with an inductor (Pozar sect. 5.1, both solutions of each): where no two-capacitor
network exists (a load resistance above ``Z0``, a coil not inductive enough, or the sample's
loss resistance added) an L-section of one shunt susceptance ``B`` and one series reactance
``X`` always matches a load ``Z_L = R_L + j X_L`` with ``R_L > 0``; each element is a
capacitor where its reactance/susceptance has the capacitive sign and an inductor otherwise.

``"l_shunt_at_load"``
    ``B`` across the load, ``X`` in series towards the line (Pozar eqs. 5.3a-b), needs
    ``R_L^2 + X_L^2 >= Z0 R_L``:
    ``B = [X_L +- sqrt(R_L/Z0) sqrt(R_L^2 + X_L^2 - Z0 R_L)] / (R_L^2 + X_L^2)``,
    ``X = 1/B + X_L Z0/R_L - Z0/(B R_L)``.
``"l_series_at_load"``
    ``X`` in series with the load, ``B`` across the line (Pozar eqs. 5.6a-b), needs ``R_L <= Z0``:
    ``X = +-sqrt(R_L (Z0 - R_L)) - X_L``, ``B = +-sqrt((Z0 - R_L)/R_L)/Z0``.

``solution=1`` takes the upper signs, ``solution=2`` the lower ones (Pozar's two solutions);
``"series_match_parallel_tune"`` is ``"l_shunt_at_load"`` solution 2 and
``"parallel_match_series_tune"`` is ``"l_series_at_load"`` solution 1 whenever both of their
elements come out capacitive. ``topology="auto"``
takes ``"series_match_parallel_tune"`` where it is realisable and otherwise the first
realisable L-section solution (``l_networks`` lists them all). Inductors are loss-free unless
``inductor_q`` gives them ``ESR = omega L / Q_L``.

Every network is also available as a scikit-rf 2-port built from ``skrf.media`` lumped
elements (``MatchResult.matching_network``, port 1 towards the line, port 2 towards the coil),
so that ``result.matching_network ** skrf_coil`` is the matched coil and cables or connectors
cascade in front of it as usual in scikit-rf.

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

One evaluation path: the closed forms above give the element values at the design frequency;
every topology is then a ladder of ``NetworkElement`` (line side first) evaluated by
``_ladder_impedance`` on the coil's terminal impedance ``CoilCircuit.impedance(f)``
(``coildesign.rf.circuit``: R(f) of the conductor and the sample at every frequency), for the
S11 at f0, the band edges and the sweep, ``S11 = (Z_in - Z0)/(Z_in + Z0)``. The sweep is only
wrapped in a scikit-rf ``Network`` for Touchstone files and Smith charts; building the same
circuit from skrf media elements (``matching_network ** circuit.network(f)``) gives the same
numbers to rounding (tests), but costs ~10 ms.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import brentq, root

from coildesign import _validation as check
from coildesign._files import atomic_path
from coildesign.coil import Coil
from coildesign.rf.circuit import CoilCircuit, lumped_impedance
from coildesign.rf.network import ladder_two_port
from coildesign.rf.sensitivity import warn_if_b1_along_b0

__all__ = [
    "L_NETWORKS",
    "NETWORKS",
    "MatchResult",
    "NetworkElement",
    "input_impedance",
    "l_networks",
    "match",
    "match_capacitors",
]

NETWORKS: tuple[str, ...] = ("series_match_parallel_tune", "parallel_match_series_tune", "balanced")
L_NETWORKS: tuple[str, ...] = ("l_shunt_at_load", "l_series_at_load")
_ALL_NETWORKS: tuple[str, ...] = NETWORKS + L_NETWORKS + ("auto",)


@dataclass(frozen=True)
class NetworkElement:
    """One lumped element of a matching network, listed from the line (port 1) to the coil.

    ``name``: its role (``"tune"``, ``"match"``, ``"shunt"`` or ``"series"``); ``position``:
    ``"series"`` or ``"shunt"``; ``kind``: ``"capacitor"`` [F] or ``"inductor"`` [H];
    ``value`` in those units; ``esr``: its series resistance [ohm].
    """

    name: str
    position: str
    kind: str
    value: float
    esr: float = 0.0

    def impedance(self, omega: np.ndarray) -> np.ndarray:
        """Impedance [ohm] at angular frequency ``omega`` [rad/s]: ESR + 1/(j omega C) or ESR + j omega L."""
        if self.kind == "capacitor":
            return self.esr + 1.0 / (1j * omega * self.value)
        return self.esr + 1j * omega * self.value

_DEFAULT_POINTS = 801


# ---------------------------------------------------------------------------- impedances
def _topology(topology: str | None, options: tuple[str, ...], default: str = "series_match_parallel_tune") -> str:
    return check.choice("topology", default if topology is None else topology, options)


def _series_equivalent(network: str, capacitors: dict[str, float]) -> tuple[float, float]:
    """(C_tune, C_match) of the single-ended equivalent circuit [F]."""
    if network == "balanced":
        return capacitors["tune"], 0.5 * capacitors["match"]
    return capacitors["tune"], capacitors["match"]


def _ladder_impedance(omega: np.ndarray, z_load: np.ndarray, elements: tuple[NetworkElement, ...]) -> np.ndarray:
    """Input impedance [ohm] of ``elements`` (line side first) terminated by ``z_load`` [ohm]."""
    z = z_load
    for e in reversed(elements):
        ze = e.impedance(omega)
        z = z + ze if e.position == "series" else 1.0 / (1.0 / z + 1.0 / ze)
    return z


def _capacitor_elements(network: str, c_t: float, c_m: float, esr_t: float, esr_m: float) -> tuple:
    """The single-ended elements of a two-capacitor network (balanced: its equivalent)."""
    tune = NetworkElement("tune", "series" if network == "parallel_match_series_tune" else "shunt", "capacitor",
                          c_t, esr_t)
    match_ = NetworkElement("match", "shunt" if network == "parallel_match_series_tune" else "series", "capacitor",
                            c_m, esr_m)
    return (match_, tune)


def input_impedance(
    frequency: float | np.ndarray,
    resistance: float,
    inductance: float,
    capacitors: dict[str, float],
    *,
    topology: str | None = None,
    c_self: float = 0.0,
    esr: dict[str, float] | None = None,
) -> np.ndarray:
    """Input impedance [ohm] of a coil with its tuning/matching capacitors.

    ``frequency`` [Hz] (scalar or array); ``resistance`` [ohm], ``inductance`` [H] and
    ``c_self`` [F] describe the coil; ``capacitors`` maps ``"tune"`` and ``"match"`` to values
    [F] as in ``MatchResult.capacitors`` (for ``"balanced"``, ``"match"`` is each of the two
    capacitors and the result is the differential impedance); ``esr`` optionally maps the same
    keys to series resistances [ohm] (for ``"balanced"``, the ESR of each capacitor).
    ``topology`` is one of ``NETWORKS`` (default ``"series_match_parallel_tune"``). Evaluated through the one ladder
    of ``MatchResult.elements``.
    """
    net = _topology(topology, NETWORKS)
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
    omega = 2.0 * np.pi * f
    elements = _capacitor_elements(net, c_t, c_m, esr["tune"], esr_m)
    return _ladder_impedance(omega, lumped_impedance(omega, r, l_coil, cs), elements)


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
    zc = complex(lumped_impedance(omega, resistance, inductance, c_self))
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


def _reactance_element(name: str, position: str, value: float, omega: float) -> NetworkElement:
    """The element realising series reactance X or shunt susceptance B = ``value`` [ohm or S]."""
    if position == "series":
        return (NetworkElement(name, position, "capacitor", -1.0 / (omega * value)) if value < 0
                else NetworkElement(name, position, "inductor", value / omega))
    return (NetworkElement(name, position, "capacitor", value / omega) if value > 0
            else NetworkElement(name, position, "inductor", -1.0 / (omega * value)))


def _l_solution(z_load: complex, omega: float, z0: float, network: str, solution: int) -> tuple[NetworkElement, ...]:
    """Loss-free L-section elements (line side first) for ``z_load`` [ohm] (Pozar sect. 5.1)."""
    r, x = z_load.real, z_load.imag
    sign = 1.0 if solution == 1 else -1.0
    if r <= 0.0:
        _unrealisable("Re Z_load > 0", f"Re Z_load = {r:.6g} ohm")
    if network == "l_shunt_at_load":
        z2 = r * r + x * x
        if z2 < z0 * r:
            _unrealisable("R_L^2 + X_L^2 >= Z0 R_L (shunt element at the load)",
                          f"R_L^2 + X_L^2 = {z2:.6g} ohm^2 < Z0 R_L = {z0 * r:.6g} ohm^2; use 'l_series_at_load'")
        b = (x + sign * np.sqrt(r / z0) * np.sqrt(z2 - z0 * r)) / z2
        if b == 0.0:
            _unrealisable("a non-zero shunt susceptance", "this solution degenerates (B = 0); use the other one")
        xs = 1.0 / b + x * z0 / r - z0 / (b * r)
        return (_reactance_element("series", "series", xs, omega), _reactance_element("shunt", "shunt", b, omega))
    if r > z0:
        _unrealisable("R_L <= Z0 (series element at the load)",
                      f"R_L = {r:.6g} ohm > Z0 = {z0:.6g} ohm; use 'l_shunt_at_load'")
    xs = sign * np.sqrt(r * (z0 - r)) - x
    b = sign * np.sqrt((z0 - r) / r) / z0
    if xs == 0.0 or b == 0.0:
        _unrealisable("non-zero element reactances", "the load is already matched by one element or none")
    return (_reactance_element("shunt", "shunt", b, omega), _reactance_element("series", "series", xs, omega))


def l_networks(resistance: float, inductance: float, frequency: float, *, z0: float = 50.0,
               c_self: float = 0.0) -> list[tuple[str, int, tuple[NetworkElement, ...]]]:
    """Every realisable loss-free L-section (Pozar sect. 5.1, module docstring) matching the coil
    of ``resistance`` [ohm], ``inductance`` [H] and ``c_self`` [F] at ``frequency`` [Hz] to
    ``z0`` [ohm]: a list of ``(network, solution, elements)`` with the elements listed from the
    line to the coil."""
    r = check.positive("resistance", resistance)
    l_coil = check.positive("inductance", inductance)
    omega = 2.0 * np.pi * check.positive("frequency", frequency)
    z0v = check.positive("z0", z0)
    cs = check.positive("c_self", c_self, allow_zero=True)
    z_load = complex(lumped_impedance(omega, r, l_coil, cs))
    out = []
    for net in L_NETWORKS:
        for solution in (1, 2):
            try:
                out.append((net, solution, _l_solution(z_load, omega, z0v, net, solution)))
            except ValueError:
                continue
    return out


def _lossy_elements(z_load: complex, omega: float, z0: float, elements: tuple[NetworkElement, ...],
                    q_cap: float | None, q_ind: float | None) -> tuple[NetworkElement, ...]:
    """Element values re-solved with ESR = 1/(omega C Q_c) and omega L / Q_L (held at the
    values' own ESR), starting from the loss-free ``elements``; ValueError if no solution."""

    def with_values(p: np.ndarray) -> tuple[NetworkElement, ...]:
        out = []
        for e, v in zip(elements, p):
            value = e.value * np.exp(v)
            if e.kind == "capacitor":
                esr = 0.0 if q_cap is None else 1.0 / (omega * value * q_cap)
            else:
                esr = 0.0 if q_ind is None else omega * value / q_ind
            out.append(NetworkElement(e.name, e.position, e.kind, float(value), float(esr)))
        return tuple(out)

    def residual(p: np.ndarray) -> np.ndarray:
        g = complex(_ladder_impedance(np.asarray(omega), np.asarray(z_load), with_values(p))) / z0 - 1.0
        return np.array([g.real, g.imag])

    sol = root(residual, np.zeros(len(elements)), method="hybr", options={"xtol": 1e-13})
    if not np.all(np.isfinite(sol.x)) or np.max(np.abs(residual(sol.x))) > 1e-9:
        raise ValueError(f"The coil cannot be matched with this network when the elements have Q_c = {q_cap}, "
                         f"Q_L = {q_ind}: the losses leave no solution of Re Z_in = Z0, Im Z_in = 0 near the "
                         f"loss-free values ({sol.message}).")
    return with_values(sol.x)


def _lossy_capacitors(resistance: float, inductance: float, omega: float, z0: float, network: str, c_self: float,
                      q_cap: float, start: tuple[float, float]) -> tuple[float, float]:
    """(C_tune, C_match) [F] of the single-ended circuit with ESR = 1/(omega C Q_c), solved numerically."""
    z_load = np.asarray(lumped_impedance(omega, resistance, inductance, c_self))

    def residual(p: np.ndarray) -> np.ndarray:
        c_t, c_m = start[0] * np.exp(p[0]), start[1] * np.exp(p[1])
        elements = _capacitor_elements(network, c_t, c_m, 1.0 / (omega * c_t * q_cap), 1.0 / (omega * c_m * q_cap))
        g = complex(_ladder_impedance(np.asarray(omega), z_load, elements)) / z0 - 1.0
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
        The matched coil as a one-port: S11 over the frequency sweep (reference ``z0``).
    notes : tuple[str, ...]
        Provenance of the inputs and anything approximated.
    elements : tuple[NetworkElement, ...]
        The network's elements from the line (port 1) to the coil (port 2); for ``"balanced"``
        its single-ended equivalent (one series capacitor of ``match/2``).
    solution : int or None
        Pozar's solution number for the L-sections (1: upper signs, 2: lower signs).
    circuit : CoilCircuit or None
        The coil's circuit that was matched (R(f) over the sweep comes from it).
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
    elements: tuple[NetworkElement, ...] = ()
    solution: int | None = None
    circuit: CoilCircuit | None = field(default=None, repr=False)

    @property
    def tune_capacitance(self) -> float:
        """Tuning capacitor [F]."""
        return self.capacitors["tune"]

    @property
    def match_capacitance(self) -> float:
        """Matching capacitor [F] (each of the two for ``"balanced"``)."""
        return self.capacitors["match"]

    @property
    def inductors(self) -> dict[str, float]:
        """Inductors of the network by role [H] (empty for the two-capacitor networks)."""
        return {e.name: e.value for e in self.elements if e.kind == "inductor"}

    @property
    def matching_network(self):
        """The tuning/matching network alone as a scikit-rf 2-port over the sweep of
        ``network`` (port 1 towards the line, port 2 towards the coil, reference ``z0``),
        built from ``skrf.media.DefinedGammaZ0`` lumped elements (series: ``capacitor`` /
        ``inductor`` after a ``resistor`` for the ESR; shunt: the same terminated by a short,
        through ``shunt``). ``matching_network ** coildesign.rf.coil_network(...)`` is the matched
        coil (equal to ``network`` to rounding: one model, R(f) of ``circuit``); cables and
        connectors cascade in front with ``**``."""
        return ladder_two_port(self.elements, self.network.frequency, self.z0, name=f"{self.topology} network")

    def as_dict(self) -> dict:
        """The scalar results (SI units; element values in F or H, ESR in ohm)."""
        out = {"network": self.topology, "frequency_Hz": self.frequency, "z0_ohm": self.z0,
               "resistance_ohm": self.resistance, "inductance_H": self.inductance, "c_self_F": self.c_self,
               "s11_dB": self.s11_db, "bandwidth_Hz": self.bandwidth, "q_unloaded": self.q_unloaded,
               "q_loaded": self.q_loaded, "solution": self.solution}
        for key, value in self.capacitors.items():
            out[f"C_{key}_F"] = value
        for key, value in self.inductors.items():
            out[f"L_{key}_H"] = value
        return out

    @property
    def q_ratio(self) -> float:
        """``q_loaded / q_unloaded`` (1/2 for an ideal critically coupled resonator)."""
        return self.q_loaded / self.q_unloaded

    def impedance(self, frequency: float | np.ndarray) -> np.ndarray:
        """Input impedance [ohm] of the matched network at ``frequency`` [Hz]."""
        f = np.asarray(frequency, dtype=float)
        if not np.isfinite(f).all() or np.any(f <= 0):
            check._fail("frequency", "finite and > 0 [Hz]", frequency)
        omega = 2.0 * np.pi * f
        z_coil = (lumped_impedance(omega, self.resistance, self.inductance, self.c_self) if self.circuit is None
                  else self.circuit.impedance(f))
        return _ladder_impedance(omega, z_coil, self.elements)

    def s11_at(self, frequency: float | np.ndarray) -> np.ndarray:
        """S11 (complex, reference ``z0``) at ``frequency`` [Hz]."""
        z = self.impedance(frequency)
        return (z - self.z0) / (z + self.z0)

    def to_touchstone(self, path: str | os.PathLike) -> Path:
        """Write the swept S11 as a Touchstone v1 ``.s1p`` file (real/imaginary, Hz, reference
        ``z0``) atomically: a temporary file beside ``path`` is moved into place with
        ``os.replace``. A missing ``.s1p`` suffix is appended. Returns the path written."""
        target = Path(path)
        if target.suffix.lower() != ".s1p":
            target = target.with_name(target.name + ".s1p")
        text = self.network.write_touchstone(return_string=True, form="ri")
        with atomic_path(target) as tmp:
            tmp.write_text(text, encoding="ISO-8859-1")
        return target

    def plot(self, path: str | os.PathLike | None = None, *, dpi: int = 130):
        """|S11| [dB] versus frequency [MHz] beside a Smith chart of S11; returns the
        ``matplotlib.figure.Figure`` (built without pyplot, so no global state changes; it
        displays inline in Jupyter). ``path`` also saves it (format from the suffix, e.g.
        .png/.pdf/.svg) atomically."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from skrf.plotting import smith

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
        if path is not None:
            target = Path(path)
            with atomic_path(target) as tmp:
                fig.savefig(tmp, dpi=dpi, format=target.suffix.lstrip(".") or "png")
        return fig

    def __repr__(self) -> str:
        caps = ", ".join([f"C_{k}={v * 1e12:.6g} pF" for k, v in self.capacitors.items()]
                         + [f"L_{k}={v * 1e9:.6g} nH" for k, v in self.inductors.items()])
        return (f"MatchResult({self.topology}, f={self.frequency:.6g} Hz, {caps}, S11={self.s11_db:.4g} dB, "
                f"bandwidth={self.bandwidth:.6g} Hz, Q_u={self.q_unloaded:.6g}, Q_L={self.q_loaded:.6g})")


# ---------------------------------------------------------------------------- band edges
FIRST_BAND_STEPS = 8  # geometric steps f0 +- (f0/Q_u) 2^k, k = -3 .. 4, tried first for the band edges
BAND_EDGE_NODES = 12  # Chebyshev nodes of the interpolated R(f) in the band-edge search
BAND_EDGE_R_TOLERANCE = 1e-13  # relative interpolation error of R(f) accepted there (checked)


def _chebyshev_tables(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points, coefficient matrix, check matrix) of degree n - 1 Chebyshev interpolation on
    [-1, 1]: the n first-kind nodes x_k = cos(pi (k + 1/2)/n) followed by the check points (the
    n - 1 extrema cos(pi k/n) between them and the ends -1, 1); coefficients c = M r(nodes) with
    M_jk = (2 - [j = 0]) cos(j theta_k) / n (the discrete orthogonality of T_j at the nodes,
    Trefethen 2013 ch. 3); the check matrix holds T_j at the check points."""
    theta = np.pi * (np.arange(n) + 0.5) / n
    checks = np.concatenate([np.cos(np.pi * np.arange(1, n) / n), [-1.0, 1.0]])
    j = np.arange(n)
    to_coef = np.cos(np.outer(j, theta)) * np.where(j == 0, 1.0, 2.0)[:, None] / n
    at_checks = np.cos(np.outer(np.arccos(checks), j))
    return np.concatenate([np.cos(theta), checks]), to_coef, at_checks


_CHEBYSHEV = _chebyshev_tables(BAND_EDGE_NODES)


def _chebyshev_resistances(resistance_at, brackets: list[tuple[float, float]]) -> list:
    """R(f) [ohm] on each bracket (lo, hi) [Hz] as a float function: the Chebyshev interpolant of
    ``resistance_at`` (array of f -> R(f)) at ``BAND_EDGE_NODES`` Chebyshev nodes of the first
    kind, evaluated by Clenshaw's recurrence (L. N. Trefethen, Approximation Theory and
    Approximation Practice (SIAM, 2013), ch. 3 and 8: for R analytic in a Bernstein ellipse of
    parameter rho around the interval the error falls as rho^-n; R_c(f) (Bessel functions of
    sqrt(f)) and R_s(f) = sigma_eff(f) omega^2 G are analytic near a band of f0/Q). The error is
    checked against R itself at the points halfway between the nodes and at both ends (one array
    evaluation of R for all brackets, nodes and checks): None for a bracket where it exceeds
    ``BAND_EDGE_R_TOLERANCE`` of max R there, so that the caller evaluates R exactly."""
    n = BAND_EDGE_NODES
    x, to_coef, at_checks = _CHEBYSHEV
    mids = np.array([0.5 * (hi + lo) for lo, hi in brackets])
    halves = np.array([0.5 * (hi - lo) for lo, hi in brackets])
    r_all = np.asarray(resistance_at((mids[:, None] + halves[:, None] * x).ravel()), dtype=float).reshape(len(mids), -1)
    out = []
    for mid, half, r in zip(mids, halves, r_all):
        coef = to_coef @ r[:n]
        err = np.abs(at_checks @ coef - r[n:]).max()
        if not (np.isfinite(err) and err <= BAND_EDGE_R_TOLERANCE * np.abs(r).max()):
            out.append(None)
            continue
        out.append(_clenshaw([float(c) for c in coef], float(mid), float(half)))
    return out


def _clenshaw(coef: list[float], mid: float, half: float):
    """f -> sum_j coef_j T_j((f - mid)/half) for a float f (Clenshaw's recurrence)."""

    def interpolant(f: float) -> float:
        x = (f - mid) / half
        b1 = b2 = 0.0
        for c in reversed(coef[1:]):
            b1, b2 = 2.0 * x * b1 - b2 + c, b1
        return x * b1 - b2 + coef[0]

    return interpolant


def _band_edges(gamma2, f0: float, q_u: float, local=None, gamma2_f0: float | None = None) -> tuple[float, float]:
    """Frequencies [Hz] below and above f0 where |S11|^2 crosses 1/2 (NaN if not found).
    ``gamma2`` maps an array of frequencies [Hz] to |S11|^2 (``gamma2_f0``: its value at f0 when
    known). The crossing is bracketed on the geometric steps f0 +- (f0/Q_u) 2^k, k = -3 .. 59
    (the first ``FIRST_BAND_STEPS`` of both sides in one array evaluation, all of them in a second
    one when a side has no crossing there), then refined with Brent's method on the float
    functions f -> |S11|^2 that ``local(brackets)`` returns for the brackets (e.g. with an
    interpolated R(f); None or a None entry: ``gamma2`` itself)."""

    def g(f: float) -> float:
        return float(gamma2(np.asarray(f))) - 0.5

    if (g(f0) if gamma2_f0 is None else gamma2_f0 - 0.5) >= 0.0:
        return float("nan"), float("nan")
    step = f0 / max(q_u, 1.0)
    sides = []
    for sign in (-1.0, 1.0):
        trials = np.maximum(f0 + sign * step * 2.0 ** np.arange(-3, 60), f0 * 1e-9)
        if sign < 0:  # stop at the floor f0 * 1e-9 (its first occurrence)
            trials = trials[: int(np.argmax(trials == f0 * 1e-9)) + 1] if np.any(trials == f0 * 1e-9) else trials
        sides.append(trials)
    # the first steps (up to f0 +- 2^4 f0/Q_u) first: they hold the crossing of any usable match,
    # the rest only when a side has none there (the same brackets either way)
    head = [trials[:FIRST_BAND_STEPS] for trials in sides]
    values = np.asarray(gamma2(np.concatenate(head))) - 0.5
    parts = [values[:len(head[0])], values[len(head[0]):]]
    if not all((part > 0.0).any() for part in parts) and any(len(t) > FIRST_BAND_STEPS for t in sides):
        values = np.asarray(gamma2(np.concatenate(sides))) - 0.5
        parts = [values[:len(sides[0])], values[len(sides[0]):]]
    brackets: list[tuple[float, float] | None] = []
    for trials, vals in zip(sides, parts):
        above = np.flatnonzero(vals > 0.0)
        if not above.size:
            brackets.append(None)
            continue
        k = int(above[0])
        inner, trial = (f0 if k == 0 else float(trials[k - 1])), float(trials[k])
        brackets.append((min(inner, trial), max(inner, trial)))
    found = [b for b in brackets if b is not None]
    fast = iter(local(found) if local is not None and found else [None] * len(found))
    edges = []
    for bracket in brackets:
        if bracket is None:
            edges.append(float("nan"))
            continue
        quick = next(fast)
        fun = g if quick is None else (lambda f, quick=quick: quick(f) - 0.5)
        edges.append(brentq(fun, bracket[0], bracket[1], xtol=1e-13 * f0, rtol=4 * np.finfo(float).eps))
    return edges[0], edges[1]


# ---------------------------------------------------------------------------- public API
def _solution_number(solution: object) -> int:
    """Pozar's L-section solution: 1 or 2 (an integer, not a string)."""
    if isinstance(solution, bool) or solution not in (1, 2):
        check._fail("solution", "1 or 2 (Pozar sec. 5.1's two L-section solutions)", solution)
    return int(solution)


def match_capacitors(
    resistance: float,
    inductance: float,
    frequency: float,
    *,
    z0: float = 50.0,
    topology: str | None = None,
    c_self: float = 0.0,
    capacitor_q: float | None = None,
    inductor_q: float | None = None,
    solution: int | None = None,
    frequencies: np.ndarray | None = None,
    n_points: int = _DEFAULT_POINTS,
    span: float | None = None,
    notes: tuple[str, ...] = (),
) -> MatchResult:
    """Tuning and matching network for a coil of ``resistance`` [ohm], ``inductance`` [H]
    and self-capacitance ``c_self`` [F] at ``frequency`` [Hz] into ``z0`` [ohm]: ``match`` of
    the ``CoilCircuit`` of these numbers (a frequency-independent resistance).

    ``topology`` is one of ``NETWORKS`` (two capacitors), ``L_NETWORKS`` (an L-section that may
    use an inductor; ``solution`` 1 or 2, default 1) or ``"auto"`` (formulas, sources and the
    choice in the module docstring); default ``"series_match_parallel_tune"``. ``capacitor_q`` gives every capacitor
    the ESR 1/(omega C Q_c) [ohm] and ``inductor_q`` every inductor omega L/Q_L [ohm] (None: loss-free). The sweep
    is ``frequencies`` [Hz] if given, else ``n_points`` points over ``span`` [Hz] centred on ``frequency`` (default:
    ten -3 dB bandwidths, at most ``frequency``).

    Raises ``ValueError`` naming the violated condition and the values when the network cannot
    match the coil (e.g. ``(R^2 + omega^2 L^2)/R <= Z0`` for the series-match/parallel-tune
    network; ``topology="auto"`` then falls back to an L-section).
    """
    r = check.positive("resistance", resistance)
    l_coil = check.positive("inductance", inductance)
    f0 = check.positive("frequency", frequency)
    net = _topology(topology, _ALL_NETWORKS)
    cs = check.positive("c_self", c_self, allow_zero=True)
    circuit = CoilCircuit(inductance=l_coil, conductor_resistance=r, c_self=cs, frequency=f0, notes=tuple(notes))
    return _match_circuit(circuit, z0, net, capacitor_q, inductor_q, solution, frequencies, n_points, span)


def _match_circuit(circuit: CoilCircuit, z0: float, net: str, capacitor_q, inductor_q, solution, frequencies,
                   n_points, span) -> MatchResult:
    """The matched ``circuit`` (``match``): element values at the design frequency from the
    closed forms, and every impedance, S11, band edge and the swept network from the one ladder
    ``_ladder_impedance`` terminated by ``circuit.impedance(f)`` (R(f) at every frequency)."""
    import skrf

    r, l_coil, f0, cs = circuit.resistance, circuit.inductance, circuit.frequency, circuit.c_self
    if r <= 0.0:
        check._fail("resistance", "> 0 [ohm] (a loss-free coil has no finite match)", r)
    z0v = check.positive("z0", z0)
    qc = None if capacitor_q is None else check.positive("capacitor_q", capacitor_q)
    npts = check.positive_int("n_points", n_points, minimum=3, maximum=10**7)
    omega = 2.0 * np.pi * f0
    # the network formulas divide by omega L, omega L / R and their squares: all must stay in range
    with np.errstate(all="ignore"):
        x_l = np.float64(omega) * l_coil
        check.result("squared coil Q (omega L / R)^2 and reactance omega L", np.array(
            [(x_l / r) ** 2, x_l**2, 1.0 / x_l**2, 1.0 / np.float64(r), (1.0 / x_l) ** 2 * r]),
            resistance=r, inductance=l_coil, frequency=f0)
    if x_l / r > 1e12:
        check._fail("resistance, inductance, frequency", "such that the coil Q = omega L / R <= 1e12 (the "
                    "-3 dB band f0/Q would be below the float resolution of the frequency axis)", f"Q = {x_l / r:.3g}")
    ql = None if inductor_q is None else check.positive("inductor_q", inductor_q)
    if solution is not None:
        _solution_number(solution)
        if net in NETWORKS:
            check._fail("solution", f"None for the two-capacitor network {net!r}", solution)
    note_list = list(circuit.notes)
    z_load = complex(circuit.impedance(f0))

    if net == "auto":
        try:
            _ideal_capacitors(r, l_coil, omega, z0v, "series_match_parallel_tune", cs)
            net = "series_match_parallel_tune"
        except ValueError as exc:
            options = l_networks(r, l_coil, f0, z0=z0v, c_self=cs)
            if not options:  # pragma: no cover - an L-section exists for every R > 0
                raise
            net, solution = options[0][0], options[0][1]
            note_list.append(f"auto: {net} solution {solution} ({exc})")
    if net in NETWORKS:
        c_t, c_m = _ideal_capacitors(r, l_coil, omega, z0v, net, cs)
        esr_t = esr_m = 0.0
        if qc is not None:
            c_t, c_m = _lossy_capacitors(r, l_coil, omega, z0v, net, cs, qc, (c_t, c_m))
            esr_t, esr_m = 1.0 / (omega * c_t * qc), 1.0 / (omega * c_m * qc)
        elements = _capacitor_elements(net, c_t, c_m, esr_t, esr_m)
        solution = None
    else:
        solution = 1 if solution is None else solution
        elements = _l_solution(z_load, omega, z0v, net, solution)
        if qc is not None or ql is not None:
            elements = _lossy_elements(z_load, omega, z0v, elements, qc, ql)

    def s11(f: np.ndarray) -> np.ndarray:
        f = np.asarray(f, dtype=float)
        z = _ladder_impedance(2.0 * np.pi * f, circuit.impedance(f), elements)
        return (z - z0v) / (z + z0v)

    def local(brackets):
        """|S11(f)|^2 on each bracket with the Chebyshev interpolant of R(f) (the same ladder)."""
        return [None if r_of_f is None else _gamma2_with(r_of_f)
                for r_of_f in _chebyshev_resistances(circuit.resistance_at, brackets)]

    def _gamma2_with(r_of_f):
        def gamma2(f: float) -> float:
            # lumped_impedance and _ladder_impedance written out on Python floats (a root
            # finder's step: numpy's scalar overhead cost ~50 us a call)
            w = 2.0 * np.pi * f
            z = r_of_f(f) + 1j * w * l_coil
            if cs > 0.0:
                z = z / (1.0 + 1j * w * cs * z)
            for e in reversed(elements):
                ze = e.impedance(w)
                z = z + ze if e.position == "series" else 1.0 / (1.0 / z + 1.0 / ze)
            return abs((z - z0v) / (z + z0v)) ** 2

        return gamma2

    z_in = complex(_ladder_impedance(np.asarray(omega), np.asarray(z_load), elements))
    s0 = (z_in - z0v) / (z_in + z0v)  # = s11(f0), from the coil impedance already computed
    q_u = omega * l_coil / r
    # band edges: Brent's method on |S11|^2 with R(f) interpolated over each bracket (a dozen R
    # evaluations in one array instead of one per Brent step; the interpolant is checked to
    # BAND_EDGE_R_TOLERANCE, which moves the edges by ~1e-13 of the bandwidth)
    lo, hi = _band_edges(lambda f: np.abs(s11(f)) ** 2, f0, q_u, local, abs(s0) ** 2)
    bandwidth = hi - lo
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

    if net in NETWORKS:
        by_name = {e.name: e for e in elements}
        scale = 2.0 if net == "balanced" else 1.0  # balanced: each of the two series capacitors is 2 C_m
        caps = {"tune": by_name["tune"].value, "match": scale * by_name["match"].value}
        esr = {"tune": by_name["tune"].esr, "match": by_name["match"].esr / scale}
    else:
        caps = {e.name: e.value for e in elements if e.kind == "capacitor"}
        esr = {e.name: e.esr for e in elements}
    with np.errstate(divide="ignore"):
        s0_db = float(20.0 * np.log10(abs(s0)))
    return MatchResult(
        topology=net, frequency=f0, z0=z0v, resistance=r, inductance=l_coil, c_self=cs, capacitors=caps, esr=esr,
        capacitor_q=qc, s11=s0, s11_db=s0_db, bandwidth=float(bandwidth), band_edges=(float(lo), float(hi)),
        q_unloaded=float(q_u), q_loaded=float(f0 / bandwidth), network=skrf_net, notes=tuple(note_list),
        elements=elements, solution=solution, circuit=circuit,
    )


def match(
    coil: Coil | CoilCircuit,
    frequency: float | None = None,
    z0: float = 50.0,
    *,
    topology: str | None = None,
    temperature: float | None = None,
    sample=None,
    conductivity: float | None = None,
    capacitor_q: float | None = None,
    inductor_q: float | None = None,
    solution: int | None = None,
    frequencies: np.ndarray | None = None,
    n_points: int = _DEFAULT_POINTS,
    span: float | None = None,
    b0_direction=(0.0, 0.0, 1.0),
) -> MatchResult:
    """Tune and match a coil at ``frequency`` [Hz] into ``z0`` [ohm].

    ``coil`` is a ``CoilCircuit`` (then ``frequency`` is its own unless given equal, and
    ``temperature``, ``sample`` and ``conductivity`` must be None) or a ``Coil``, whose circuit
    is ``CoilCircuit.from_coil(coil, frequency, sample=sample, temperature=temperature,
    conductivity=conductivity)``: L from ``analysis.inductance``, R_c(f) from
    ``ac_resistance`` (at ``temperature`` [K], default 293.15 K), C_self from
    ``self_capacitance`` (0 with a note where it does not support the coil type) and, with a
    ``sample``, its eddy-current loss R_s(f) in series (``conductivity`` [S/m] or the sample
    medium's): the network matches the loaded coil, as it is tuned on the bench. Dielectric
    sample loss is not included (add it to the resistance and use ``match_capacitors``).
    The element values come from R(f0); the swept S11, the band edges and ``network`` use R(f)
    at every frequency, so that ``result.matching_network ** circuit.network(f)`` is
    ``result.network``. A coil whose B1 at the sample (or at its centre) runs mostly along B0
    (``b0_direction``, default +z) gets a ``B1AlongB0Warning``. ``topology`` and the other arguments as in
    ``match_capacitors``.
    """
    net = _topology(topology, _ALL_NETWORKS)
    if isinstance(coil, CoilCircuit):
        for name, value in (("temperature", temperature), ("sample", sample), ("conductivity", conductivity)):
            if value is not None:
                check._fail(name, "None when a CoilCircuit is matched (it already holds its resistances)", value)
        if frequency is not None and check.positive("frequency", frequency) != coil.frequency:
            check._fail("frequency", f"None or the circuit's frequency {coil.frequency:.9g} Hz (build the "
                        "circuit at the frequency to match)", frequency)
        circuit = coil
    elif isinstance(coil, Coil):
        if frequency is None:
            check._fail("frequency", "given [Hz] when a Coil is matched", frequency)
        f0 = check.positive("frequency", frequency)
        t = 293.15 if temperature is None else check.positive("temperature", temperature)
        circuit = CoilCircuit.from_coil(coil, f0, sample=sample, temperature=t, conductivity=conductivity)
        warn_if_b1_along_b0(coil, None if sample is None else sample.center, b0_direction, "match")
    else:
        check._fail("coil", "a coildesign Coil or a CoilCircuit", coil, TypeError)
    return _match_circuit(circuit, z0, net, capacitor_q, inductor_q, solution, frequencies, n_points, span)
