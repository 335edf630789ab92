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

Microslot (``microslot``): the planar probe of Y. Maguire, I. L. Chuang, S. Zhang and N.
Gershenfeld, "Ultra-small-sample molecular structure detection using microslot waveguide
nuclear spectroscopy", Proc. Natl. Acad. Sci. USA 104, 9198 (2007) (also H. G. Krojanski et
al., "Microslot NMR probe for metabolomics studies", Anal. Chem. 80, 8668 (2008)): a microstrip
of width w at height h over a ground plane whose strip has a slot of width s along the line
over a length l; the sample sits over the slot, where the fields of the two sub-strips (width
a = (w - s)/2, each carrying I/2) add parallel to the surface. Quasi-static two-dimensional
model derived here (valid for l much longer than w and h and much shorter than the
wavelength): each sub-strip a thin sheet of uniform current density K = I/(2a) at height h,
the ground plane its image (current -K at -h). A sheet from x1 to x2 at height y0 gives at
(x, y), Y = y - y0 > 0 (integrating the line-current field mu0 I/(2 pi rho) over the width):

    B_x = -(mu0 K / 2 pi) [atan((x2 - x)/Y) - atan((x1 - x)/Y)],
    B_y = (mu0 K / 4 pi) ln[((x1 - x)^2 + Y^2) / ((x2 - x)^2 + Y^2)];

above the slot centre B_y cancels and |B1|/I = (mu0 / (2 pi a)) {[atan(w/2Y) - atan(s/2Y)] -
[atan(w/2Y') - atan(s/2Y')]} with Y = y - h, Y' = y + h. The inductance per length is the
two-dimensional partial-inductance sum over the sheets and their images with geometric mean
distances (J. C. Maxwell, Treatise vol. 2, art. 691-692; F. W. Grover, Inductance
Calculations (1946), ch. 2): L' = (mu0 / 2 pi) sum_ij (I_i I_j / I^2) ln(D_ij / g_ij), g_ij
the GMD of sheets i and j, D_ij that of sheet i and the image of j, from
ln GMD = (1/(a_i a_j)) int int ln sqrt((x - x')^2 + d^2) dx dx' in closed form (``_log_gmd``;
ln g = ln a - 3/2 for a sheet with itself). The uniform current is an approximation: at high
frequency the current crowds towards the edges, and the true distribution (that of least
magnetic energy for the given current on perfect conductors) has L' below this model's (an
upper bound; within ~10 % of Hammerstad & Jensen's microstrip for s = 0 and w/h = 1-10, tests).
Losses are estimated with the same current: R' = R_s / (w - s) (the strip's lower face, I/2
on each sub-strip) + R_s / w (the ground plane, as Pozar eq. 3.199 for a microstrip).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from scipy.constants import speed_of_light as c0

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.coil import Coil
from coildesign.conductors import material as _material
from coildesign.rf.circuit import CoilCircuit
from coildesign.rf.impedance import ac_resistance, skin_depth
from coildesign.rf.matching import MatchResult, match
from coildesign.rf.sample import Sample
from coildesign.rf.sensitivity import _check_b1_direction, b1_map
from coildesign.winding_info import AldermanGrant, LoopGapResonator, Stripline

__all__ = ["Microslot", "ResonatorAnalysis", "microslot", "resonator_analysis"]


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



def _second_antiderivative(u: np.ndarray, d: float) -> np.ndarray:
    """F(u) with F'' = ln sqrt(u^2 + d^2): (u^2 - d^2)/4 ln(u^2 + d^2) + u d atan(u/d) - 3 u^2/4
    (d = 0: u^2/2 ln|u| - 3 u^2/4, 0 at u = 0); verified by differentiating twice."""
    u = np.asarray(u, dtype=float)
    r2 = u * u + d * d
    with np.errstate(divide="ignore", invalid="ignore"):
        log_term = np.where(r2 > 0.0, 0.25 * (u * u - d * d) * np.log(np.where(r2 > 0.0, r2, 1.0)), 0.0)
    angle = u * d * np.arctan(u / d) if d > 0.0 else 0.0 * u
    return log_term + angle - 0.75 * u * u


def _log_gmd(x1: float, x2: float, x3: float, x4: float, d: float) -> float:
    """ln of the geometric mean distance [ln m] of a thin sheet x1..x2 and a parallel one x3..x4
    [m] at vertical distance ``d`` [m]: (1/(a b)) int_x1^x2 int_x3^x4 ln sqrt((x - x')^2 + d^2)
    dx' dx = [F(x2 - x3) - F(x1 - x3) - F(x2 - x4) + F(x1 - x4)] / (a b)
    (``_second_antiderivative``)."""
    f = _second_antiderivative(np.array([x2 - x3, x1 - x3, x2 - x4, x1 - x4]), d)
    return float((f[0] - f[1] - f[2] + f[3]) / ((x2 - x1) * (x4 - x3)))


@dataclass(frozen=True)
class Microslot:
    """The quasi-static microslot model (module docstring): strip ``width`` w, ``slot_width``
    s, ``height`` h over the ground plane, slot ``length`` l [m], conductor ``material``."""

    width: float
    slot_width: float
    height: float
    length: float
    material: str = "copper"

    @property
    def sheets(self) -> tuple[tuple[float, float], ...]:
        """The sub-strips (x1, x2) [m] across the line (one strip of width w when s = 0)."""
        w, s = self.width, self.slot_width
        return ((-0.5 * w, 0.5 * w),) if s == 0.0 else ((-0.5 * w, -0.5 * s), (0.5 * s, 0.5 * w))

    def field_per_ampere(self, x, y) -> np.ndarray:
        """(B_x, B_y) per ampere of line current [T/A] at cross-section points (x, y) [m] (arrays
        of one shape) above the strip (y > h), B_x across the line: shape (2,) + x.shape. The
        field along the line is zero (two-dimensional model)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if np.any(~np.isfinite(y)) or np.any(y <= self.height):
            check._fail("y", f"heights above the strip (> h = {self.height:g} m)", y)
        x, y = np.broadcast_arrays(x, y)
        total = sum(b - a for a, b in self.sheets)
        k = 1.0 / total  # sheet current density per ampere [1/m]
        bx = np.zeros(x.shape)
        by = np.zeros(x.shape)
        for y0, sign in ((self.height, 1.0), (-self.height, -1.0)):  # the strip and its image
            dy = y - y0
            for x1, x2 in self.sheets:
                bx -= sign * mu_0 * k / (2.0 * math.pi) * (np.arctan((x2 - x) / dy) - np.arctan((x1 - x) / dy))
                by += sign * mu_0 * k / (4.0 * math.pi) * np.log(((x1 - x) ** 2 + dy * dy) / ((x2 - x) ** 2 + dy * dy))
        return np.array([bx, by])

    def b1_per_ampere(self, y) -> np.ndarray:
        """|B1| per ampere [T/A] above the slot centre (x = 0) at height ``y`` > h [m]
        (module docstring's closed form; B1 lies across the line, parallel to the surface)."""
        return np.abs(self.field_per_ampere(np.zeros_like(np.asarray(y, dtype=float)), y)[0])

    @property
    def inductance_per_length(self) -> float:
        """L' [H/m] of the line along the slot (module docstring: GMD partial inductances)."""
        sheets = self.sheets
        share = 1.0 / len(sheets)  # the current splits equally between the sub-strips
        total = 0.0
        for a in sheets:
            for b in sheets:
                total += share * share * (_log_gmd(*a, *b, 2.0 * self.height) - _log_gmd(*a, *b, 0.0))
        return float(mu_0 / (2.0 * math.pi) * total)

    @property
    def inductance(self) -> float:
        """L' l [H]: the slot section as a lumped inductor (l much shorter than the wavelength)."""
        return self.inductance_per_length * self.length

    def resistance(self, frequency: float, temperature: float = 293.15) -> float:
        """R = (R_s/(w - s) + R_s/w) l [ohm] at ``frequency`` [Hz] (module docstring; R_s at
        ``temperature`` [K])."""
        rs = _surface_resistance(_material(self.material), check.positive("frequency", frequency),
                                 check.positive("temperature", temperature))
        return float(rs * (1.0 / (self.width - self.slot_width) + 1.0 / self.width) * self.length)

    def b1_per_sqrt_watt(self, y, frequency: float, temperature: float = 293.15) -> np.ndarray:
        """|B1| / sqrt(P) [T/W^(1/2)] above the slot centre at height ``y`` [m]: |B1/I| sqrt(2/R)
        (module docstring, lumped section of resistance ``resistance(frequency)``)."""
        return self.b1_per_ampere(y) * math.sqrt(2.0 / self.resistance(frequency, temperature))


def microslot(width: float, slot_width: float, height: float, length: float, *,
              material: str = "copper") -> Microslot:
    """The quasi-static microslot model (module docstring; Maguire et al. 2007): strip
    ``width`` w, ``slot_width`` s (0 <= s < w), substrate ``height`` h (strip above the ground
    plane) and slot ``length`` l [m]."""
    w = check.dimension("width", width)
    s = check.positive("slot_width", slot_width, allow_zero=True)
    if s >= w:
        check._fail("slot_width", f"smaller than the strip width {w:g} m", slot_width)
    h = check.dimension("height", height)
    ell = check.dimension("length", length)
    return Microslot(w, s, h, ell, _material(material).name)
