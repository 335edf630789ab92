"""Drive and duty-cycle benchmark: a 3-axis gradient set playing a 256-line 3-D gradient echo.

Target: the duty-cycle analysis (``drive`` of the three channels plus ``thermal`` with a limit
for each) in <= 2 s. The set is ``gradient_set(5 mm, 0.3 mm wire)``; the sequence is
``gradient_echo_sequence`` with 128 readout samples and 16 x 16 phase/partition encodes
(256 lines) on a microscopy system (2 T/m, 5,000 T/m/s). Prints the wall times of building the
sequence (pypulseq), of the first analysis (the inductances are computed and cached on the
coils) and of a repeated analysis (best of ``--repeat``), and the per-channel figures.
Run:  python benchmarks/bench_drive.py
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from coildesign.analysis import Amplifier, drive
from coildesign.analysis.sequence_psf import gradient_echo_sequence
from coildesign.geometries import gradient_set


def analysis(gs, seq):
    d = drive(gs, seq, amplifier=Amplifier(60.0, 20.0))
    return d, d.thermal(cooling="still air", limit=333.15)


def main() -> None:
    import pypulseq as pp

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    system = pp.Opts(max_grad=2000, grad_unit="mT/m", max_slew=5000, slew_unit="T/m/s")
    t0 = time.perf_counter()
    seq = gradient_echo_sequence((4e-3, 4e-3, 4e-3), 128, 16, 16, system=system)
    t_seq = time.perf_counter() - t0
    gs = gradient_set(5e-3, wire_diameter=0.3e-3)
    t0 = time.perf_counter()
    d, heat = analysis(gs, seq)
    t_first = time.perf_counter() - t0
    best = np.inf
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        analysis(gs, seq)
        best = min(best, time.perf_counter() - t0)
    print(f"sequence: 256 lines, {d.period * 1e3:.4g} ms, {len(d['x'].time)} corner times; built in {t_seq:.3f} s")
    print(f"duty-cycle analysis: first {t_first:.3f} s (inductances computed), repeated {best:.3f} s "
          f"(best of {args.repeat}); target <= 2 s")
    for k, ch in d.channels.items():
        h = heat[k]
        print(f"G{k}: I rms {ch.current_rms:.4g} A, peak {ch.current_peak:.4g} A, V peak {ch.voltage_peak:.4g} V, "
              f"P mean {ch.power_mean:.4g} W; steady rise {'runaway' if h.runaway else f'{h.steady_rise:.4g} K'}, "
              f"max duty cycle "
              f"{100 * h.max_duty_cycle:.4g} %, max gradient {ch.max_gradient(h):.4g} T/m")


if __name__ == "__main__":
    main()
