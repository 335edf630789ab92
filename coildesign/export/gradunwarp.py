"""Siemens-format gradient coefficient files (``.grad``) that gradunwarp reads.

What a reader needs (gradunwarp 1.2.3 ``core.coeffs.get_siemens_grad``, regex based):
- one line ``<R0> m = R0`` with R0 in metres written with a decimal point;
- coefficient lines ``<no> <A|B>( n, m) <value> <x|y|z>``, value in fixed-point notation
  (the reader's pattern has no exponent, so values are never written as 1e-05).
Other lines (the ``#`` header, the ``Gx,y,z`` line, ``win_low...``, ``CoSyMode``) follow the
layout of Siemens files for human readers and for other parsers; gradunwarp ignores them.
The token ``lnorm = 4?`` is written because parsers of that line expect it; its meaning is
not publicly documented.

Coefficients. For each axis coil (x, y, z) coildesign fits its Bz (per ampere) with
``coildesign.analysis.spherical_harmonics`` in the normalisation gradunwarp evaluates
("gradunwarp": N_nm = sqrt((2n+1)(n-m)!/(2(n+m)!)) for m > 0, 1 for m = 0; see that module)
and divides by G R0, G = the coil's isocentre efficiency [T/(m A)] along its axis. Then
gradunwarp's ``eval_spherical_harmonics`` returns, per axis, R0 x sum (r/R0)^n N P (A cos + B sin)
= Bz / G in mm: the encoded coordinate s' = Bz/G of ``coildesign.analysis.geometric_distortion``.
This is "normalised so that the linear term is 1": in Schmidt normalisation the linear
coefficient is exactly 1 (A_11 = G R0 for x); in gradunwarp's normalisation it is
1/N_11 = 2/sqrt(3) for x and y and 1 for z.

Linear terms. Siemens files state ``A(1,0) = B(1,1) = A(1,1) = 0`` and list no nominal linear
terms, and gradunwarp adds the evaluated sum to the voxel position as a displacement
(``unwarp_resample.non_linear_unwarp_siemens``): the file describes s' - s. By default
(``include_linear=False``) the nominal linear term of each axis (A(1,1) x, B(1,1) y,
A(1,0) z) is therefore omitted, so that gradunwarp's evaluation is the displacement; with
``include_linear=True`` it is written too, and the evaluation is the encoded position s'.
Cross terms (e.g. a z coil's A(1,1)) are real distortions and are always written. Terms whose
value rounds to zero at ``decimals`` places are left out, as in Siemens files.

Coordinates are the gradient coil's own (x, y, z) about ``center``; B0 along +z.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from coildesign import _validation as check
from coildesign._files import atomic_path
from coildesign._version import __version__
from coildesign.analysis.gradient import gradient_efficiency
from coildesign.analysis.spherical_harmonics import SphericalHarmonics, spherical_harmonics
from coildesign.coil import Coil

AXES = ("x", "y", "z")
NOMINAL_LINEAR = {"x": ("A", 1, 1), "y": ("B", 1, 1), "z": ("A", 1, 0)}


MAX_ORDER = 100  # highest degree written: gradunwarp's vendor files stop near 20; the fit's work grows ~ order^4


def _three_coils(coils) -> tuple[Coil, Coil, Coil]:
    if isinstance(coils, Mapping):
        keys = {"x": ("x", "Gx"), "y": ("y", "Gy"), "z": ("z", "Gz")}
        found = []
        for ax in AXES:
            match = [coils[k] for k in keys[ax] if k in coils]
            if not match:
                check._fail("coils", "a mapping with keys x, y, z (or Gx, Gy, Gz)", sorted(coils))
            found.append(match[0])
        coils = found
    if isinstance(coils, (str, bytes)) or not isinstance(coils, (Sequence, tuple)) and not hasattr(coils, "__iter__"):
        check._fail("coils", "three coils (x, y, z): a GradientSet, a sequence or a mapping", coils, TypeError)
    coils = tuple(coils)
    if len(coils) != 3 or not all(isinstance(c, Coil) for c in coils):
        check._fail("coils", "three coildesign.Coil objects in x, y, z order", coils, TypeError)
    return coils


def gradunwarp_coefficients(coils, radius: float, order: int = 16, *,
                            center: tuple[float, float, float] = (0.0, 0.0, 0.0),
                            quadrature_degree: int | None = None) -> dict[str, SphericalHarmonics]:
    """Per axis ("x", "y", "z") the expansion of Bz / (G R0) in gradunwarp's normalisation
    (dimensionless coefficients; module doc) about ``center`` [m] with reference ``radius`` [m]."""
    out = {}
    for ax, coil in zip(AXES, _three_coils(coils)):
        eta = gradient_efficiency(coil, ax, center=center)
        if eta == 0.0:
            check._fail("coils", f"a set whose {ax} coil has a non-zero {ax} gradient", coil)
        sh = spherical_harmonics(coil, radius, order, "gradunwarp", center=center,
                                 quadrature_degree=quadrature_degree)
        scale = 1.0 / (eta * sh.radius)
        out[ax] = SphericalHarmonics(sh.A * scale, sh.B * scale, sh.radius, "gradunwarp", sh.center, sh.residual)
    return out


def _fixed(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def to_gradunwarp(coils, path: str | os.PathLike, radius: float, order: int = 16, *, include_linear: bool = False,
                  decimals: int = 8, center: tuple[float, float, float] = (0.0, 0.0, 0.0), name: str | None = None,
                  quadrature_degree: int | None = None) -> Path:
    """Write a Siemens-format ``.grad`` file for a three-axis set (module doc).

    ``coils``: a ``GradientSet``, three coils in x, y, z order or a mapping x/y/z (or
    Gx/Gy/Gz) -> Coil; ``radius``: reference radius R0 [m] (inside the windings; the
    expansion converges for r below the distance to the nearest conductor); ``order``: highest
    degree n; ``include_linear``: also write the nominal linear terms; ``decimals``: digits
    after the decimal point of each coefficient; ``center`` [m]: expansion origin. Returns the
    path. Written atomically.
    """
    path = check.output_file("path", path)
    order = check.positive_int("order", order, minimum=1, maximum=MAX_ORDER)
    decimals = check.positive_int("decimals", decimals, minimum=1, maximum=17)
    if name is not None and not isinstance(name, str):
        check._fail("name", "a string or None", name, TypeError)
    if not isinstance(include_linear, bool):
        check._fail("include_linear", "True or False", include_linear, TypeError)
    coil_set = _three_coils(coils)
    r0 = check.dimension("radius", radius)
    fits = gradunwarp_coefficients(coil_set, r0, order, center=center, quadrature_degree=quadrature_degree)
    label = name or "coildesign"
    lines_by_axis = {}
    for ax in AXES:
        sh = fits[ax]
        rows = []
        for n in range(order + 1):
            for m in range(n + 1):
                for kind, table in (("A", sh.A), ("B", sh.B)):
                    if kind == "B" and m == 0:
                        continue
                    if not include_linear and (kind, n, m) == NOMINAL_LINEAR[ax]:
                        continue
                    text = _fixed(float(table[n, m]), decimals)
                    if float(text) == 0.0:
                        continue
                    rows.append((kind, n, m, text))
        lines_by_axis[ax] = rows
    block = 100 if max(len(r) for r in lines_by_axis.values()) < 100 else 1000
    effs = [gradient_efficiency(c, ax, center=center) * 1e3 for c, ax in zip(coil_set, AXES)]
    zero_clause = " A(1,0) = B(1,1) = A(1,1) = 0;" if not include_linear else ";"
    r0_text = np.format_float_positional(r0, trim="0")
    out = [
        "#*[ Script ****************************************************************\\",
        "#",
        f"# Name        : {Path(path).name}",
        "#",
        f"# Date        : {datetime.date.today().isoformat()}",
        "#",
        f"# Author      : coildesign {__version__} (coildesign.export.to_gradunwarp)",
        "#",
        "# Language    :",
        "#",
        "# Description : Defines Legendre coefficients in spherical harmonics for",
        f"#               Gradient Coil {label}. Coefficients of Bz/(G R0), normalisation",
        "#               N_nm = sqrt((2n+1)(n-m)!/(2(n+m)!)) (m > 0), 1 (m = 0), as gradunwarp",
        "#               evaluates Siemens files; "
        + ("nominal linear terms included." if include_linear else "nominal linear terms omitted."),
        f"#               Efficiency per ampere: Gx {effs[0]:.6g}, Gy {effs[1]:.6g}, Gz {effs[2]:.6g} mT/m;",
        f"#               fit residual (relative rms on the R0 sphere): x {fits['x'].residual.relative_rms:.2e},"
        f" y {fits['y'].residual.relative_rms:.2e}, z {fits['z'].residual.relative_rms:.2e}",
        "#",
        "#****************************************************************************/",
        "",
        "#*] END: */",
        f" {label}, Gradientsystem {label} , Gx,y,z = {effs[0]:.6g}/{effs[2]:.6g} mT/m",
        " win_low = 0, win_high = 0, win_algo = 0, win_dummy = 2;",
        f" {r0_text} m = R0, lnorm = 4?{zero_clause}",
        " 0 = CoSyMode,",
        "Expansion in Spherical Harmonics",
        "================================",
        "",
        " NO. TYPE            SPECTRUM                     AXIS",
        "",
    ]
    for k, ax in enumerate(("z", "x", "y")):  # Siemens order: z block, then x, then y
        for i, (kind, n, m, text) in enumerate(lines_by_axis[ax], start=1):
            out.append(f"{k * block + i:4d} {kind}({n:2d},{m:2d})   {text:>20s}   {ax}")
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(out) + "\n", encoding="utf-8")
    return Path(path)
