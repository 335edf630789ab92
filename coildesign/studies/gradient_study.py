"""Built-in gradient study function: figures of merit of one gradient coil.

``gradient(generator, dsv_radius=..., **geometry)`` builds the coil with
``coildesign.geometries.<generator>(**geometry)`` (e.g. ``"maxwell_pair"``, ``"golay"``,
``"anti_helmholtz"``, ``"biplanar"``) and returns, each key naming its unit:

- efficiency eta, inductance L, DC resistance R, maximum gradient, slew rate, rise time, eta^2/L
  and eta^2/R with an amplifier of ``v_max`` [V] and ``i_max`` [A]
  (``coildesign.analysis.performance.gradient_performance``);
- the field deviation B/(G s) - 1 and the local-gradient deviation dB/ds / G - 1, maximum and
  RMS, over the sphere of ``dsv_radius`` (``coildesign.analysis.gradient.linearity``, grid of
  ``n`` points per diameter plus surface points; the maximum sits on the surface).
"""

from __future__ import annotations

import inspect

from coildesign import _validation as check
from coildesign import geometries
from coildesign.analysis.gradient import linearity
from coildesign.analysis.performance import gradient_performance
from coildesign.coil import Coil

GENERATORS = ("maxwell_pair", "anti_helmholtz", "golay", "biplanar")


def accepted_arguments(generator: str) -> set[str]:
    """The keyword arguments ``gradient(generator, ...)`` accepts: its own and those of
    ``geometries.<generator>`` (its geometry)."""
    check.choice("generator", generator, GENERATORS)
    own = set(inspect.signature(gradient).parameters) - {"geometry"}
    return own | set(inspect.signature(getattr(geometries, generator)).parameters)


def gradient(
    generator: str = "maxwell_pair",
    *,
    dsv_radius: float,
    v_max: float = 100.0,
    i_max: float = 10.0,
    temperature: float = 293.15,
    n: int = 9,
    **geometry,
) -> dict:
    """Figures of merit of the gradient coil ``geometries.<generator>(**geometry)`` (module
    docstring). ``dsv_radius`` [m] of the linearity sphere, ``v_max`` [V], ``i_max`` [A],
    ``temperature`` [K] of the conductor; geometry arguments in SI units (a ``wire_diameter`` is
    needed for the inductance and resistance).

    Returns a dict of these metrics (``studies.metrics.GRADIENT``; ``coildesign sweep --help``
    lists them too)::

        efficiency_T_per_m_A    gradient efficiency eta [T/(m A)]
        inductance_H            inductance L [H]
        resistance_ohm          DC resistance R at the temperature [ohm]
        max_gradient_T_per_m    gradient at the amplifier's i_max [T/m]
        slew_rate_T_per_m_s     slew rate eta v_max / L [T/(m s)]
        rise_time_s             rise time to the maximum gradient [s]
        eta2_over_l             eta^2 / L [T^2/(m^2 H)]
        eta2_over_r             eta^2 / R [T^2/(m^2 ohm)]
        max_field_deviation     maximum of |B/(G s) - 1| over the DSV [1]
        rms_field_deviation     RMS of B/(G s) - 1 over the DSV [1]
        max_gradient_deviation  maximum of |dB/ds / G - 1| over the DSV [1]
        rms_gradient_deviation  RMS of dB/ds / G - 1 over the DSV [1]
        conductor_length_m      length of the wire [m]
    """
    check.choice("generator", generator, GENERATORS)
    r_dsv = check.positive("dsv_radius", dsv_radius)
    coil = getattr(geometries, generator)(**geometry)
    if not isinstance(coil, Coil):  # pragma: no cover - every listed generator returns a Coil
        check._fail("generator", "a generator returning one Coil", generator, TypeError)
    perf = gradient_performance(coil, v_max=v_max, i_max=i_max, temperature=temperature)
    lin = linearity(coil, r_dsv, n=check.positive_int("n", n, minimum=3))
    return {
        "efficiency_T_per_m_A": perf.efficiency,
        "inductance_H": perf.inductance,
        "resistance_ohm": perf.resistance,
        "max_gradient_T_per_m": perf.max_gradient,
        "slew_rate_T_per_m_s": perf.slew_rate,
        "rise_time_s": perf.rise_time,
        "eta2_over_l": perf.eta2_over_l,
        "eta2_over_r": perf.eta2_over_r,
        "max_field_deviation": lin.max_field_deviation,
        "rms_field_deviation": lin.rms_field_deviation,
        "max_gradient_deviation": lin.max_gradient_deviation,
        "rms_gradient_deviation": lin.rms_gradient_deviation,
        "conductor_length_m": float(coil.parameters.get("conductor_length", coil.wire_length)),
    }
