"""Shim (harmonic) coils by the target-field method: a stream function whose Bz is one solid
harmonic c h_nm over the DSV (Z2, ZX, ZY, X2-Y2, XY, Z3, ...), designed, contoured, checked and
refused exactly as ``gradient_coil`` designs gradients (its module doc; the linear gradients are
the degree-1 harmonics, so ``gradient_coil(surface, "x", ...)`` is ``harmonic_coil(surface, 1,
1, ...)``).

The harmonic h_nm, its normalisation, its symmetry, the deviation measures and the coefficient c
[T/m^n per A] (the efficiency) are those of ``design.target`` (module doc), in the normalisation
of ``analysis.spherical_harmonics`` (Janke et al., Magn. Reson. Med. 52, 115 (2004), eq. 1): a
coil with efficiency c has the expansion coefficient A_nm (m >= 0) or B_n|m| (m < 0) = c R0^n
per ampere at reference radius R0. Shim design by target field: Turner, J. Phys. D 19, L147
(1986); with bounded deviation on a mesh: Poole & Bowtell, Concepts Magn. Reson. B 31, 162
(2007).
"""

from __future__ import annotations

from coildesign.design.gradient import GradientDesign, _design, _Options
from coildesign.design.target import HarmonicTarget
from coildesign.surfaces.surfaces import Surface


def harmonic_coil(surface: Surface, n: int, m: int, dsv_radius: float, max_deviation: float = 0.05,
                  turns: int = 10, objective: str | float = "inductance", wire_diameter: float | None = None,
                  shield: Surface | None = None, *, normalization: str = "schmidt", center=(0.0, 0.0, 0.0),
                  modes: int | None = None, n_targets: int = 3000, exclude: float = 0.1,
                  clearance: float | None = None, zero_force: bool = False, zero_torque: bool = False,
                  stray_radius: float | None = None, max_stray: float = 0.01, method: str = "qp",
                  regularization: float = 1e-4, sheet_thickness: float | None = None,
                  material_name: str = "copper", tolerance: float = 1e-6, refine: int = 6, symmetry: bool = True,
                  smoothing: float = 1e-3, enforce_spacing: bool = True, deviation: str = "dsv",
                  allow_violations: bool = False, min_efficiency: float | None = None,
                  max_inductance: float | None = None, max_power: float | None = None,
                  power_gradient: float | None = None, join_windings: bool = False) -> GradientDesign:
    """Design a coil whose Bz is the solid harmonic c h_nm over the DSV (module doc).

    Parameters
    ----------
    surface : Surface
        Where the wires go (``design.cylinder``, ``biplanar`` or ``mesh``).
    n : int
        Degree, 1..``design.target.MAX_DEGREE`` (1: linear gradients, 2: Z2, ZX, ZY, X2-Y2, XY,
        3: Z3, ...).
    m : int
        Order, -n..n: m >= 0 the cosine (A_nm) term, m < 0 the sine (B_n|m|) term
        (``design.target.NAMES`` lists the customary names).
    dsv_radius : float
        Radius [m] of the spherical region where the deviation is bounded; also the radius of
        the sphere on which the coefficient of a harmonic of degree >= 2 is projected.
    max_deviation : float, default 0.05
        Bound eps on the ``deviation`` measure at every point of the DSV (QP constraint at the
        target points; the wires are held to it on the dense check and report that figure).
    deviation : "dsv" or "pointwise", default "dsv"
        "dsv": |Bz - c h_nm| <= eps c H with H = max over the DSV of |h_nm| (Turner's measure
        for a harmonic); "pointwise": |Bz / (c h_nm) - 1| <= eps where |h_nm| >= exclude H and
        |Bz - c h_nm| <= eps c exclude H elsewhere (``design.target`` module doc). For n = 1 both
        are ``gradient_coil``'s measures.
    normalization : str, default "schmidt"
        Normalisation N_nm of h_nm (``analysis.spherical_harmonics.NORMALIZATIONS``); fixes the
        unit size of the coefficient c that ``efficiency``, ``min_efficiency`` and
        ``power_gradient`` are stated in [T/m^n, per A for the efficiency].
    min_efficiency : float, optional
        Lowest coefficient per ampere of the wires [T/(m^n A)].
    max_power, power_gradient : float, optional
        Largest DC power [W] at the coefficient ``power_gradient`` [T/m^n] (default 1).
    turns, objective, wire_diameter, shield, center, modes, n_targets, exclude, clearance, zero_force, \
zero_torque, stray_radius, max_stray, method, regularization, sheet_thickness, material_name, tolerance, \
refine, symmetry, smoothing, enforce_spacing, allow_violations, max_inductance, join_windings
        As in ``gradient_coil`` (with its G replaced by c): the stray-field bound is
        |Bz| <= ``max_stray`` c H, the symmetry the mirror parities of h_nm.

    Returns
    -------
    GradientDesign
        The wires (``coil`` named after the harmonic, e.g. "Z2"; role None), ``target`` (the
        ``HarmonicTarget``), ``efficiency`` c per ampere [T/(m^n A)], ``max_deviation`` from the
        dense check, ``max_gradient_deviation`` None for n >= 2. Raises
        ``InfeasibleDesignError`` when the bounds cannot be met (unless ``allow_violations``),
        ``ValueError`` naming ``n`` or ``m`` for a degree or order out of range.
    """
    target = HarmonicTarget(n, m, normalization)
    options = dict(locals())
    for key in ("surface", "n", "m", "normalization", "target"):
        del options[key]
    return _design(surface, target, _Options(**options))
