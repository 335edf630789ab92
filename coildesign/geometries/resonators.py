"""Resonators for MR microscopy: microstrip line, loop-gap resonator, Alderman-Grant resonator,
micro-Helmholtz pair of planar spirals.

Each generator returns a ``Coil`` (``role="rf"``, ``axis`` = direction of B1 at the centre)
whose current paths give the resonator's B1 through the field engine, and whose
``parameters`` record the geometry and the quasi-static circuit quantities of its model (SI
units, cited); the typed record ``winding_info`` (``Stripline``, ``LoopGapResonator``,
``AldermanGrant`` of ``coildesign.winding_info``) carries the facts that
``coildesign.rf.resonators.resonator_analysis`` turns into Q, B1 per sqrt(W) and a matching
network.

- ``stripline``: a strip of width w and length l at height h over a ground plane (microstrip),
  TEM standing wave; the ground plane is represented by the image strip (weight -1) at -h
  (field valid above the ground, z > 0). Quasi-static line parameters from Hammerstad & Jensen;
  resonance where the line is a quarter (shorted end) or half (open ends) guided wavelength long.
- ``loop_gap_resonator``: a conducting tube of radius r and length Z cut by ``gaps`` slots of
  width t in a wall of thickness w (W. Froncisz and J. S. Hyde, J. Magn. Reson. 47, 515 (1982)):
  the loop is an inductor, the gaps parallel-plate capacitors.
- ``alderman_grant``: the slotted-tube resonator of D. W. Alderman and D. M. Grant,
  J. Magn. Reson. 36, 447 (1979): two axial wings on a cylinder, joined at both ends by guard
  rings whose halves each carry half of the current; tuned by the capacitance between the guard
  rings and the wings.
- ``micro_helmholtz``: two planar spiral coils facing each other across a sample chamber, as
  microfabricated by K. Ehrmann et al., "Microfabricated solenoids and Helmholtz coils for NMR
  spectroscopy of mammalian cells", Lab Chip 7, 373 (2007); each spiral modelled by its N
  concentric turns, the separation by default the one that nulls d^2 B_z/dz^2 at the centre
  (the Helmholtz condition generalised to several radii).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.constants import epsilon_0
from scipy.constants import speed_of_light as c0
from scipy.optimize import brentq

from coildesign import _validation as check
from coildesign._constants import mu_0
from coildesign.coil import Coil, LoopWinding, Winding
from coildesign.conductors import Material, RectangularStrip
from coildesign.conductors import material as _material
from coildesign.winding_info import AldermanGrant, LoopGapResonator, Stripline

__all__ = ["TERMINATIONS", "alderman_grant", "hammerstad_jensen", "helmholtz_separation", "loop_gap_resonator",
           "micro_helmholtz", "stripline"]

TERMINATIONS = ("short", "open")
ETA0 = mu_0 * c0  # free-space wave impedance [ohm]


def hammerstad_jensen(width: float, height: float, substrate_permittivity: float = 1.0) -> tuple[float, float]:
    """(Z0 [ohm], eps_eff) of a zero-thickness microstrip of ``width`` w over a substrate of
    ``height`` h and relative permittivity eps_r, quasi-static (E. Hammerstad and O. Jensen,
    "Accurate models for microstrip computer-aided design", IEEE MTT-S Int. Microwave Symp.
    Digest (1980), pp. 407-409): with u = w/h,
    Z0_air = (eta0 / 2 pi) ln[F/u + sqrt(1 + 4/u^2)], F = 6 + (2 pi - 6) exp(-(30.666/u)^0.7528);
    eps_eff = (eps_r + 1)/2 + (eps_r - 1)/2 (1 + 10/u)^(-a b),
    a = 1 + ln[(u^4 + (u/52)^2)/(u^4 + 0.432)]/49 + ln[1 + (u/18.1)^3]/18.7,
    b = 0.564 ((eps_r - 0.9)/(eps_r + 3))^0.053; Z0 = Z0_air / sqrt(eps_eff). Stated accuracy
    0.01 % (Z0_air) and 0.2 % (eps_eff) for 0.01 <= u <= 100, eps_r <= 128."""
    w = check.positive("width", width)
    h = check.positive("height", height)
    er = check.positive("substrate_permittivity", substrate_permittivity)
    if er < 1.0:
        check._fail("substrate_permittivity", ">= 1", substrate_permittivity)
    u = w / h
    f = 6.0 + (2.0 * math.pi - 6.0) * math.exp(-((30.666 / u) ** 0.7528))
    z_air = ETA0 / (2.0 * math.pi) * math.log(f / u + math.sqrt(1.0 + 4.0 / u**2))
    a = 1.0 + math.log((u**4 + (u / 52.0) ** 2) / (u**4 + 0.432)) / 49.0 + math.log(1.0 + (u / 18.1) ** 3) / 18.7
    b = 0.564 * ((er - 0.9) / (er + 3.0)) ** 0.053
    eps_eff = 0.5 * (er + 1.0) + 0.5 * (er - 1.0) * (1.0 + 10.0 / u) ** (-a * b)
    return z_air / math.sqrt(eps_eff), eps_eff


def stripline(length: float, width: float, height: float, *, thickness: float = 17.5e-6,
              substrate_permittivity: float = 1.0, termination: str = "short", segments: int = 32,
              material: Material | str = "copper") -> Coil:
    """A microstrip resonator along x: strip ``width`` x ``thickness`` [m] at ``height`` h [m]
    above a ground plane (z = 0) on a substrate of ``substrate_permittivity``, ``length`` l [m].

    Model (say which applies): quasi-TEM line (``hammerstad_jensen``: Z0, eps_eff; per length
    L' = Z0 sqrt(eps_eff)/c, C' = sqrt(eps_eff)/(Z0 c)) valid while w and h are much smaller than
    the wavelength; ``termination="short"``: shorted at x = 0, open at x = l, the lambda/4
    resonance f0 = c / (4 l sqrt(eps_eff)), current I0 cos(beta x); ``"open"``: open at both
    ends, the lambda/2 resonance f0 = c / (2 l sqrt(eps_eff)), current I0 sin(beta x) (D. M.
    Pozar, "Microwave Engineering", 4th ed. (Wiley, 2012), sect. 6.3). The strip is drawn as
    ``segments`` pieces whose weights are that standing-wave current per I0 (so the field per
    ampere is the field per ampere of the current maximum), mirrored in the ground plane
    (weights of opposite sign at z = -h). ``parameters`` record Z0 [ohm], eps_eff, L' [H/m],
    C' [F/m], the resonance [Hz] and ``model``.
    """
    ell = check.plausible_length("length", length)
    w = check.dimension("width", width)
    h = check.dimension("height", height)
    t = check.dimension("thickness", thickness)
    term = check.choice("termination", termination, TERMINATIONS)
    n = check.positive_int("segments", segments, minimum=2, maximum=100000)
    mat = _material(material)
    z0, eps_eff = hammerstad_jensen(w, h, substrate_permittivity)
    f0 = c0 / ((4.0 if term == "short" else 2.0) * ell * math.sqrt(eps_eff))
    beta = 2.0 * math.pi * f0 * math.sqrt(eps_eff) / c0
    x = np.linspace(0.0, ell, n + 1)
    mid = 0.5 * (x[:-1] + x[1:])
    profile = np.cos(beta * mid) if term == "short" else np.sin(beta * mid)
    cross = RectangularStrip(w, t)
    windings, weights = [], []
    for z, sign in ((h + 0.5 * t, 1.0), (-(h + 0.5 * t), -1.0)):
        for k in range(n):
            windings.append(Winding(np.array([[x[k], 0.0, z], [x[k + 1], 0.0, z]]), False, cross, mat))
            weights.append(sign * float(profile[k]))
    params = {
        "generator": "stripline", "length": ell, "width": w, "height": h, "thickness": t,
        "substrate_permittivity": float(substrate_permittivity), "termination": term, "segments": n,
        "material": mat.name, "z0": z0, "eps_eff": eps_eff, "inductance_per_length": z0 * math.sqrt(eps_eff) / c0,
        "capacitance_per_length": math.sqrt(eps_eff) / (z0 * c0), "resonance_frequency": f0,
        "current_maximum_x": 0.0 if term == "short" else 0.5 * ell,
        "model": ("quasi-TEM microstrip (Hammerstad & Jensen 1980), " + ("lambda/4 shorted" if term == "short" else
                                                                          "lambda/2 open") + " standing wave"),
        "conductor_length": 2.0 * ell,
    }
    info = Stripline(length=ell, width=w, height=h, thickness=t,
                     substrate_permittivity=params["substrate_permittivity"], termination=term, z0=z0,
                     eps_eff=eps_eff, inductance_per_length=params["inductance_per_length"], resonance_frequency=f0,
                     current_maximum_x=params["current_maximum_x"], model=params["model"])
    # B1 above the strip is along -y for current along +x: axis = the field direction at the current maximum
    return Coil(windings, weights, name=f"stripline ({term})", axis=(0.0, -1.0, 0.0), role="rf", parameters=params,
                winding_info=info)


def loop_gap_resonator(radius: float, length: float, gap: float, wall_thickness: float, *, gaps: int = 1,
                       gap_permittivity: float = 1.0, rings: int = 16, material: Material | str = "copper") -> Coil:
    """A loop-gap resonator: a tube of inner ``radius`` r and ``length`` Z [m] along z with
    ``gaps`` n axial slots of width ``gap`` t in a wall of ``wall_thickness`` w [m], filled with
    a dielectric of ``gap_permittivity`` eps_r.

    Model (W. Froncisz and J. S. Hyde, J. Magn. Reson. 47, 515 (1982)): the loop is a one-turn
    inductor L = mu0 pi r^2 / Z (long loop, Z >> r), each slot a parallel-plate capacitor eps0
    eps_r w Z / t, n in series, C = eps0 eps_r w Z / (n t); resonance f0 = 1 / (2 pi sqrt(L C)) =
    (c / (2 pi r)) sqrt(n t / (pi eps_r w)). The current (one ampere around the loop) is drawn as
    ``rings`` coaxial rings of radius r (the current on the inner surface), strips Z/rings x w,
    weight 1/rings each (the sheet current of the tube). ``parameters`` record L [H], C [F] and
    the resonance [Hz]; the B1 at the centre of a long loop tends to mu0 I / Z.
    """
    r = check.plausible_length("radius", radius)
    z = check.plausible_length("length", length)
    t = check.dimension("gap", gap)
    w = check.dimension("wall_thickness", wall_thickness)
    n = check.positive_int("gaps", gaps)
    er = check.positive("gap_permittivity", gap_permittivity)
    k = check.positive_int("rings", rings, maximum=100000)
    mat = _material(material)
    if n * t >= 2.0 * math.pi * r:
        check._fail("gap", f"such that the {n} slots fit in the circumference 2 pi r = {2 * math.pi * r:g} m", gap)
    ind = mu_0 * math.pi * r * r / z
    cap = epsilon_0 * er * w * z / (n * t)
    dz = z / k
    cross = RectangularStrip(dz, w)
    zs = -0.5 * z + (np.arange(k) + 0.5) * dz
    # the RF current flows on the inner surface (skin effect): rings of radius r
    windings = [LoopWinding(r, (0.0, 0.0, float(zk)), (0.0, 0.0, 1.0), cross, mat) for zk in zs]
    params = {
        "generator": "loop_gap_resonator", "radius": r, "length": z, "gap": t, "wall_thickness": w, "gaps": n,
        "gap_permittivity": er, "rings": k, "material": mat.name, "inductance": ind, "capacitance": cap,
        "resonance_frequency": 1.0 / (2.0 * math.pi * math.sqrt(ind * cap)),
        "model": "loop-gap resonator, lumped L = mu0 pi r^2 / Z and slot capacitance (Froncisz & Hyde 1982)",
        "conductor_length": 2.0 * math.pi * r,
    }
    info = LoopGapResonator(radius=r, length=z, inductance=ind, capacitance=cap,
                            resonance_frequency=params["resonance_frequency"], model=params["model"])
    return Coil(windings, [1.0 / k] * k, name="loop-gap resonator", axis=(0.0, 0.0, 1.0), role="rf",
                parameters=params, winding_info=info)


def alderman_grant(radius: float, length: float, wing_angle: float = 80.0, *, strands: int = 8,
                   points_per_arc: int = 32, strap_thickness: float = 35e-6, capacitance: float | None = None,
                   material: Material | str = "copper") -> Coil:
    """An Alderman-Grant (slotted-tube) resonator on a cylinder of ``radius`` [m] about z:
    two axial wings of angular width ``wing_angle`` [degrees] centred at phi = 90 and 270
    degrees, ``length`` [m] long, joined at z = +-length/2 by guard rings (D. W. Alderman and
    D. M. Grant, J. Magn. Reson. 36, 447 (1979)); B1 along +x at the centre.

    Current model: the wing at phi = 90 degrees carries the current I along +z, the other
    returns it; at each end it splits equally into the two halves of the guard ring. Each wing
    is ``strands`` axial filaments spread evenly over its width (I/strands each, a uniform
    sheet); strand k closes through both ring halves (two closed loops of weight
    1/(2 strands): the upper half ring counter-clockwise, the lower clockwise), arcs of
    ``points_per_arc`` vertices; conductors are strips of ``strap_thickness`` and width
    (wing width / strands). ``capacitance`` [F]: the tuning capacitance between guard rings
    and wings (recorded; ``rf.resonators.resonator_analysis`` resonates the inductance with it).
    """
    a = check.plausible_length("radius", radius)
    ell = check.plausible_length("length", length)
    alpha = check.finite("wing_angle", wing_angle)
    if not 0.0 < alpha < 180.0:
        check._fail("wing_angle", "in the open range (0, 180) degrees", wing_angle)
    m = check.positive_int("strands", strands, maximum=10000)
    npa = check.positive_int("points_per_arc", points_per_arc, minimum=2, maximum=100000)
    thick = check.dimension("strap_thickness", strap_thickness)
    cap = None if capacitance is None else check.positive("capacitance", capacitance)
    mat = _material(material)
    half = math.radians(alpha) / 2.0
    phis = math.pi / 2.0 + (np.arange(m) + 0.5) / m * 2.0 * half - half
    cross = RectangularStrip(2.0 * half * a / m, thick)
    windings, weights = [], []
    for phi in phis:
        for sense in (1.0, -1.0):  # upper ring half counter-clockwise / clockwise
            top = np.linspace(phi, phi + sense * math.pi, npa)
            bottom = np.linspace(phi + sense * math.pi, phi + sense * 2.0 * math.pi, npa)
            pts = np.vstack([
                np.c_[a * np.cos(top), a * np.sin(top), np.full(npa, 0.5 * ell)],
                np.c_[a * np.cos(bottom), a * np.sin(bottom), np.full(npa, -0.5 * ell)],
            ])
            # +z along the wing at phi (closing segment bottom -> first top point), the arc at the top,
            # -z down the opposite wing, the arc at the bottom back to phi
            windings.append(Winding(pts, True, cross, mat))
            weights.append(1.0 / (2 * m))
    params = {
        "generator": "alderman_grant", "radius": a, "length": ell, "wing_angle": alpha, "strands": m,
        "points_per_arc": npa, "strap_thickness": thick, "capacitance": cap, "material": mat.name,
        "model": "Alderman-Grant slotted tube: uniform axial wing currents, guard-ring halves carrying I/2",
        "conductor_length": 2.0 * ell + 4.0 * math.pi * a,
    }
    info = AldermanGrant(radius=a, length=ell, capacitance=cap, model=params["model"])
    return Coil(windings, weights, name="Alderman-Grant resonator", axis=(1.0, 0.0, 0.0), role="rf", parameters=params,
                winding_info=info)


def helmholtz_separation(radii) -> float:
    """The distance d [m] between two coaxial sets of rings of ``radii`` r_k [m] (one set at
    z = +d/2, its mirror image at -d/2, equal currents) at which d^2 B_z/dz^2 = 0 at the centre.

    Derivation: on the axis a ring gives b(u) = mu0 I r^2 / (2 (r^2 + u^2)^(3/2)) at axial
    distance u (Jackson, Classical Electrodynamics, 3rd ed., eq. 5.40), with
    b''(u) = (3 mu0 I r^2 / 2) (4 u^2 - r^2) / (r^2 + u^2)^(7/2); the pair's B_z(z) is even in z
    and B_z''(0) = 2 sum_k b_k''(d/2), zero where
    sum_k r_k^2 (d^2 - r_k^2) / (r_k^2 + d^2/4)^(7/2) = 0. One radius R gives d = R (Helmholtz);
    for several the root lies between the smallest and the largest radius (each term changes
    sign at d = r_k) and is found by Brent's method. Then B_z(z)/B_z(0) - 1 = O(z^4).
    """
    r = np.asarray(radii, dtype=float).ravel()
    if r.size == 0 or not np.all(np.isfinite(r)) or np.any(r <= 0):
        check._fail("radii", "one or more finite ring radii > 0 [m]", radii)

    def curvature(d: float) -> float:
        return float(np.sum(r * r * (d * d - r * r) / (r * r + 0.25 * d * d) ** 3.5) * r.max() ** 5)

    lo, hi = float(r.min()), float(r.max())
    if lo == hi:
        return lo
    return float(brentq(curvature, lo, hi, xtol=1e-15 * hi, rtol=4 * np.finfo(float).eps))


def micro_helmholtz(inner_radius: float, turns: int, pitch: float, *, trace_width: float | None = None,
                    thickness: float = 10e-6, separation: float | None = None,
                    material: Material | str = "copper") -> Coil:
    """A micro-Helmholtz pair (module docstring; Ehrmann et al., Lab Chip 7, 373 (2007)): two
    planar spirals of ``turns`` N turns from ``inner_radius`` r_in [m] outwards at ``pitch`` p
    [m], traces ``trace_width`` (default p/2) x ``thickness`` [m], their mid-planes at
    z = +-``separation``/2 [m], axis z, the two spirals in series with the same sense of current.

    Each spiral is modelled by its N concentric turns, rings at r_k = r_in + (k + 1/2) p
    (k = 0 .. N-1; the spiral's radial current component and its leads are not modelled). The
    default separation is ``helmholtz_separation`` of the turn radii (d = R for one turn).
    ``parameters`` record the turn radii, the separation and the closed-form centre field per
    ampere sum_k 2 mu0 r_k^2 / (2 (r_k^2 + d^2/4)^(3/2)) [T/A] (on-axis ring field, Jackson eq.
    5.40; (4/5)^(3/2) mu0 N / R for one radius).
    """
    r_in = check.dimension("inner_radius", inner_radius)
    n = check.positive_int("turns", turns, maximum=100000)
    p = check.dimension("pitch", pitch)
    width = 0.5 * p if trace_width is None else check.dimension("trace_width", trace_width)
    if width >= p:
        check._fail("trace_width", f"smaller than the pitch {p:g} m (adjacent turns would touch)", trace_width)
    if width >= 2.0 * r_in + p:
        check._fail("trace_width", f"smaller than the innermost turn's diameter {2 * r_in + p:g} m", trace_width)
    t = check.dimension("thickness", thickness)
    mat = _material(material)
    radii = r_in + (np.arange(n) + 0.5) * p
    sep = helmholtz_separation(radii) if separation is None else check.dimension("separation", separation)
    if sep <= t:
        check._fail("separation", f"larger than the trace thickness {t:g} m (the two spirals would touch)", separation)
    cross = RectangularStrip(width, t)
    windings = [LoopWinding(float(rk), (0.0, 0.0, s * 0.5 * sep), (0.0, 0.0, 1.0), cross, mat)
                for s in (-1.0, 1.0) for rk in radii]
    centre = float(np.sum(2.0 * mu_0 * radii**2 / (2.0 * (radii**2 + 0.25 * sep * sep) ** 1.5)))
    params = {
        "generator": "micro_helmholtz", "inner_radius": r_in, "turns": n, "pitch": p, "trace_width": width,
        "thickness": t, "separation": sep, "material": mat.name, "turn_radii": [float(v) for v in radii],
        "centre_field_per_ampere_closed_form": centre,
        "model": "two planar spirals as concentric turns (Ehrmann et al. 2007 geometry), in series",
        "conductor_length": float(2.0 * np.sum(2.0 * np.pi * radii)),
    }
    return Coil(windings, name="micro-Helmholtz pair", axis=(0.0, 0.0, 1.0), role="rf", parameters=params)
