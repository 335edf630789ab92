"""RF analysis of resonators (``coildesign.geometries.resonators``) and of any coil resonated
by a capacitance: resonance, Q, B1 per sqrt(W) and a matching network.

The figure of merit of a resonator is its field per square root of the power it dissipates:
with the peak current I0 of the current maximum, the time-average stored energy
W = (1/2) L_W I0^2 and the dissipated power P = omega W / Q, so

    B1 / sqrt(P) = |B1 / I0| sqrt(2 Q / (omega L_W))   [T / W^(1/2)],

L_W the "energy inductance" (C. P. Poole, "Electron Spin Resonance", 2nd ed. (Wiley, 1983),
the resonator efficiency parameter Lambda = B1 / sqrt(P); J. S. Hyde and W. Froncisz, Annu.
Rev. Biophys. Bioeng. 11, 391 (1982)). For a lumped coil L_W = L and Q = omega L / R, so
B1 / sqrt(P) = |B1 / I| sqrt(2 / R).

- ``stripline``: Q from the conductor and dielectric attenuation of the microstrip, alpha_c =
  R_s / (Z0 w) (strip and ground, Pozar, "Microwave Engineering", 4th ed. (2012), eq. 3.199),
  alpha_d = k0 eps_r (eps_eff - 1) tan(delta) / (2 sqrt(eps_eff) (eps_r - 1)) (eq. 3.198),
  Q = beta / (2 alpha) (sect. 6.3); L_W = L' l / 2 for the standing wave; the equivalent
  parallel RLC at resonance (for the match) has C = pi / (4 omega0 Z0) (lambda/4 shorted) or
  pi / (2 omega0 Z0) (lambda/2 open) (Pozar sect. 6.3).
- ``loop_gap_resonator``: L and C from the generator (Froncisz & Hyde 1982), the current on the
  inner surface, R = R_s 2 pi r / Z, so Q = omega L / R = r / delta (Froncisz & Hyde).
- any other coil (Alderman-Grant, Helmholtz pairs of microcoils, solenoids ...): its
  ``CoilCircuit`` (L, R_c(f), C_self, the sample's loss) resonated by the tuning capacitance
  of its record (``coil.winding_info``, an ``AldermanGrant``) or at a given ``frequency``; a
  coil drawn as parallel current paths (winding weights w_k != 1, e.g. the strands of an
  Alderman-Grant wing) dissipates sum_k (w_k I)^2 R_k / 2, so its conductor resistance is sum_k w_k^2 R_k (skin effect).
R_s = rho / delta is the surface resistance (``rf.impedance.skin_depth``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.constants import speed_of_light as c0

from coildesign import _validation as check
from coildesign.coil import Coil
from coildesign.conductors import material as _material
from coildesign.rf.circuit import CoilCircuit
from coildesign.rf.impedance import ac_resistance, skin_depth
from coildesign.rf.matching import MatchResult, match
from coildesign.rf.sample import Sample
from coildesign.rf.sensitivity import _check_b1_direction, b1_map
from coildesign.winding_info import AldermanGrant, LoopGapResonator, Stripline

__all__ = ["ResonatorAnalysis", "resonator_analysis"]


@dataclass(frozen=True, eq=False)
class ResonatorAnalysis:
    """Resonance ``frequency`` [Hz], quality factor ``q``, ``b1_per_sqrt_watt`` [T/W^(1/2)] at
    ``point`` [m] (B1 transverse to B0), the equivalent lumped ``circuit`` (a ``CoilCircuit``
    whose C_self resonates it at ``frequency`` where the model has one), its ``match``
    (``rf.match``, topology "auto") and ``model`` (which model applied)."""

    frequency: float
    q: float
    b1_per_sqrt_watt: float
    point: np.ndarray
    energy_inductance: float
    circuit: CoilCircuit
    match: MatchResult
    model: str

    def as_dict(self) -> dict:
        """Scalars (Hz, -, T/W^(1/2), H)."""
        return {"frequency_Hz": self.frequency, "q": self.q, "b1_per_sqrt_watt_T": self.b1_per_sqrt_watt,
                "energy_inductance_H": self.energy_inductance, "model": self.model}


def _surface_resistance(mat, frequency: float, temperature: float) -> float:
    rho = mat.resistivity_at(temperature)
    return rho / float(skin_depth(frequency, rho))


def resonator_analysis(coil: Coil, *, frequency: float | None = None, point=None, sample: Sample | None = None,
                       temperature: float = 293.15, loss_tangent: float = 0.0, z0: float = 50.0,
                       b0_direction=(0.0, 0.0, 1.0)) -> ResonatorAnalysis:
    """Resonance, Q, B1 per sqrt(W) at ``point`` [m] (default: the centre, or above the
    current maximum of a stripline at half the substrate height over the strip) and a match
    into ``z0`` [ohm] of a resonator (module docstring). ``frequency`` [Hz] overrides the
    model's resonance (required for a coil without a tuning capacitance in ``coil.winding_info``);
    ``temperature`` [K] of the conductors; ``loss_tangent`` of a stripline's substrate;
    ``sample``: its eddy-current loss (generic coils only: the closed-form models have none).
    """
    if not isinstance(coil, Coil):
        check._fail("coil", "a coildesign Coil", coil, TypeError)
    t = check.positive("temperature", temperature)
    tan_d = check.positive("loss_tangent", loss_tangent, allow_zero=True)
    par = coil.winding_info
    mat = _material(coil.windings[0].material)
    if isinstance(par, Stripline):
        f0 = par.resonance_frequency if frequency is None else check.positive("frequency", frequency)
        w, h, er, eps, z_line = par.width, par.height, par.substrate_permittivity, par.eps_eff, par.z0
        omega = 2.0 * math.pi * f0
        beta = omega * math.sqrt(eps) / c0
        alpha_c = _surface_resistance(mat, f0, t) / (z_line * w)
        alpha_d = (omega / c0) * er * (eps - 1.0) * tan_d / (2.0 * math.sqrt(eps) * (er - 1.0)) if er > 1.0 else 0.0
        q = beta / (2.0 * (alpha_c + alpha_d))
        l_w = 0.5 * par.inductance_per_length * par.length
        c_eq = math.pi / ((4.0 if par.termination == "short" else 2.0) * omega * z_line)
        l_eq = 1.0 / (omega**2 * c_eq)
        circuit = CoilCircuit(inductance=l_eq, conductor_resistance=omega * l_eq / q, c_self=c_eq, frequency=f0,
                              notes=(f"equivalent parallel RLC of the {par.model} (Pozar sect. 6.3)",),
                              name=coil.name)
        default_point = (par.current_maximum_x, 0.0, 1.5 * h + par.thickness)
        model = par.model
    elif isinstance(par, LoopGapResonator):
        l_coil, cap = par.inductance, par.capacitance
        f0 = par.resonance_frequency if frequency is None else check.positive("frequency", frequency)
        omega = 2.0 * math.pi * f0
        r = _surface_resistance(mat, f0, t) * 2.0 * math.pi * par.radius / par.length
        q = omega * l_coil / r
        l_w = l_coil
        circuit = CoilCircuit(inductance=l_coil, conductor_resistance=r, c_self=cap, frequency=f0,
                              notes=("loop-gap resonator: L, C of Froncisz & Hyde (1982), R = R_s 2 pi r / Z",),
                              name=coil.name)
        default_point = (0.0, 0.0, 0.0)
        model = par.model
    else:
        cap = par.capacitance if isinstance(par, AldermanGrant) else None
        if frequency is None:
            if cap is None:
                check._fail("frequency", "given [Hz] for a coil without a tuning capacitance (winding_info)", frequency)
            probe = CoilCircuit.from_coil(coil, 1.0e6, c_self=0.0)  # L does not depend on the frequency
            f0 = 1.0 / (2.0 * math.pi * math.sqrt(probe.inductance * cap))
        else:
            f0 = check.positive("frequency", frequency)
        circuit = CoilCircuit.from_coil(coil, f0, sample=sample, temperature=t, c_self=0.0)
        weights = np.asarray(coil.weights, dtype=float)
        if np.any(np.abs(weights) != 1.0):
            # parallel current paths (weights w_k of the current): the power is sum_k (w_k I)^2 R_k / 2
            r_w = sum(wk * wk * ac_resistance(Coil([wind], axis=coil.axis), f0, temperature=t, proximity=None)
                      for wk, wind in zip(weights, coil.windings))
            circuit = replace(circuit, conductor_resistance=float(r_w), conductor_model=None).with_notes(
                "R_c = sum_k w_k^2 R_k over the parallel current paths (skin effect)")
        q = circuit.q_loaded
        l_w = circuit.inductance
        default_point = (0.0, 0.0, 0.0)
        model = par.model if isinstance(par, AldermanGrant) else f"lumped coil ({coil.name}) resonated at {f0:.6g} Hz"
    pts = np.reshape(np.asarray(default_point if point is None else point, dtype=float), (1, 3))
    bmap = b1_map(coil, check.points3("point", pts), b0_direction=b0_direction)
    _check_b1_direction(bmap.field, bmap.basis, None, "resonator_analysis")
    b1 = float(bmap.magnitude[0])
    omega = 2.0 * math.pi * f0
    matched = match(circuit, z0=z0, topology="auto")
    return ResonatorAnalysis(float(f0), float(q), b1 * math.sqrt(2.0 * q / (omega * l_w)), pts[0], float(l_w),
                             circuit, matched, model)

