"""The SNR-optimal solenoid microcoil for a 1 mm water capillary at 600 MHz.

Problem: a solenoid wound on a capillary of 1.0 mm outer / 0.8 mm inner diameter holding a 1 mm
long water sample (0.50 uL), 1H at 600 MHz, copper, 20 degC, matched to 50 ohm. Free: turns N
(integer), wire diameter d and pitch p (length N p follows). Constraints: self-resonance >= 1.5
x the Larmor frequency; no overlapping wire (p >= d; such designs raise and count as failed);
coil inner diameter >= capillary outer diameter (met by construction: the wire lies on the
capillary). Objective: the reciprocity SNR of ``coildesign.studies.microcoil``.

It runs ``coildesign.optimize`` (differential evolution with an integer variable, then a
multi-start local polish), a 216-point grid sweep for comparison, and compares the optimum with
a rule of thumb derived from Medhurst's proximity-factor table. Run::

    python examples/microcoil_optimum.py [--backend processes|dask|serial] [--scheduler ADDRESS]

(~1,000-1,500 designs; about a minute on two cores.)
"""

from __future__ import annotations

import argparse

import numpy as np

from coildesign.rf.impedance import proximity_factor
from coildesign.studies import microcoil, optimize, sweep

BOUNDS = {"turns": (2, 40), "wire_diameter": (20e-6, 150e-6), "pitch": (20e-6, 300e-6)}
FIXED = {"sample_length": 1e-3, "frequency": 600e6, "capillary_outer_diameter": 1e-3,
         "capillary_inner_diameter": 0.8e-3}
GRID = {"turns": [6, 8, 10, 12, 14, 16], "wire_diameter": [30e-6, 40e-6, 50e-6, 60e-6, 80e-6, 100e-6],
        "pitch": [50e-6, 70e-6, 85e-6, 100e-6, 120e-6, 150e-6]}
MEDHURST_PITCH_RATIOS = (1.0, 1.111, 1.25, 1.429, 1.667, 2.0, 2.5, 3.333, 5.0, 10.0)


def medhurst_rule(length_over_diameter: float) -> float:
    """p/d that minimises (p/d) x Phi(l/D, p/d) over the nodes of Medhurst's table.

    At fixed coil length l and ratio p/d = alpha, N = l / (alpha d) turns give B1/I ~ N / l and
    R ~ N (pi D) Phi / d (skin effect: resistance per length ~ 1/d), so SNR ~ (B1/I) / sqrt(R)
    ~ 1 / sqrt(alpha Phi(alpha)), independent of d: the best pitch ratio minimises alpha Phi.
    The package interpolates Phi linearly in d/p, which makes alpha Phi piecewise linear in alpha,
    so its minimum is always a table node.
    """
    ratios = np.array(MEDHURST_PITCH_RATIOS)
    return float(ratios[np.argmin(ratios * proximity_factor(length_over_diameter, ratios))])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="processes", choices=("serial", "processes", "dask"))
    ap.add_argument("--scheduler", help="dask scheduler address (default: a local cluster)")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args()
    backend = "dask" if args.scheduler else args.backend

    res = optimize(microcoil, BOUNDS, objective="snr", maximize=True, integers=("turns",),
                   constraints=["srf_ratio >= 1.5"], fixed=FIXED, backend=backend, client=args.scheduler,
                   workers=args.workers, popsize=8, maxiter=60, tol=1e-4)
    grid = sweep(microcoil, GRID, fixed=FIXED, backend=backend, client=args.scheduler, workers=args.workers)
    best = grid.best("snr")
    m = res.metrics
    print(f"\n{res!r}")
    print(f"history: {len(res.history)} designs, {int(res.history['error'].notna().sum())} failed (overlap or "
          "unmatchable), stages " + str(res.history.groupby('stage').size().to_dict()))
    print(f"\n  {'':28s} {'optimum':>12s}   {'grid best':>12s}  ({len(grid.table)} designs, "
          f"{len(grid.failures)} failed)")
    rows = [("turns", res.point["turns"], best["turns"], "{:.0f}"),
            ("wire diameter [um]", res.point["wire_diameter"] * 1e6, best["wire_diameter"] * 1e6, "{:.1f}"),
            ("pitch [um]", res.point["pitch"] * 1e6, best["pitch"] * 1e6, "{:.1f}"),
            ("pitch / wire diameter", m["pitch_over_wire_diameter"], best["pitch_over_wire_diameter"], "{:.3f}"),
            ("coil length [mm]", m["length_m"] * 1e3, best["length_m"] * 1e3, "{:.3f}"),
            ("coil length / sample length", m["length_m"] / FIXED["sample_length"],
             best["length_m"] / FIXED["sample_length"], "{:.2f}"),
            ("SRF / f0", m["srf_ratio"], best["srf_ratio"], "{:.2f}"),
            ("unloaded Q", m["unloaded_q"], best["unloaded_q"], "{:.1f}"),
            ("SNR (single scan, 10 kHz)", m["snr"], best["snr"], "{:.6g}"),
            ("LOD [nmol s^1/2]", m["lod_nmol_s05"], best["lod_nmol_s05"], "{:.4g}")]
    for name, a, b, fmt in rows:
        print(f"  {name:28s} {fmt.format(a):>12s}   {fmt.format(b):>12s}")
    print(f"\nparameters at a bound of the search box: {res.at_bounds() or 'none (interior optimum)'}")
    print(f"active constraints: {res.active_constraints() or 'none'} (SRF margin {m['srf_ratio'] / 1.5:.2f}x)")
    print(f"optimum vs grid best: {100 * (res.objective / best['snr'] - 1):+.2f} % SNR")
    rule = medhurst_rule(m["length_over_diameter"])
    print(f"rule of thumb from Medhurst's table at l/D = {m['length_over_diameter']:.2f}: p/d = {rule:.3f} "
          f"(optimum: {m['pitch_over_wire_diameter']:.3f})")


if __name__ == "__main__":
    main()
