"""RF analysis benchmark: full analyses of a 5-turn polyline helix per CPU-second (general path).

Run (one benchmark at a time on a shared machine)::

    flock /tmp/bench.lock python benchmarks/bench_rf.py [--repeats 20]

A "full RF analysis" is what a probe designer asks of one coil through the public general path,
on a fresh ``Coil`` every time (no cached inductance): the 1 mm, 5-turn solenoid of 0.1 mm wire
(``geometries.solenoid(0.55e-3, 1e-3, 5, 0.1e-3)``, 64 points per turn, axis turned
perpendicular to B0) around a 0.8 mm water capillary at 600 MHz:

1. ``rf.CoilCircuit.from_coil(coil, f, sample=water capillary, n=quadrature)``: L (the helix
   through ``rf.helix_inductance``: the sources on one side of segment 0, the other side by the
   helix's half turn), R_c (skin + proximity), C_self (Medhurst), the sample's eddy-current loss
   integral (A from ``rf.circuit.sample_fields``: B and A in one pass, for this helix by
   ``rf.helix_fields`` with one logarithm per segment direction, at one point of each pair that
   the helix's half turn swaps (the centred coaxial sample's quadrature is symmetric), kept with
   the coil, so that step 3 reuses B);
2. ``rf.match(circuit)``: series-match/parallel-tune network, 801-point S11 sweep, band edges;
3. ``rf.snr(coil, sample, frequency=f, circuit=circuit, n=quadrature)``: B1 over the sample,
   reciprocity SNR, LOD.

Reported: the median CPU time (``time.process_time``) of each stage and analyses per CPU-second,
for the sample quadratures (radial, axial, angle) ``(6, 12, 8)`` (``studies.microcoil``'s) and
``(8, 16, 24)`` (the package default); and L by ``analysis.inductance`` against
``rf.helix_inductance`` (time and relative difference). CPU time, not wall time: on a shared
machine the load changes wall times several-fold.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from coildesign.analysis.inductance import inductance
from coildesign.geometries import solenoid
from coildesign.rf import CoilCircuit, match
from coildesign.rf.helix_inductance import helix_inductance
from coildesign.rf.sample import Cylinder, water
from coildesign.rf.snr import snr

FREQUENCY = 600e6  # [Hz]


def coil():
    """A fresh 5-turn polyline helix (no cached inductance), axis along x (B0 along z)."""
    return solenoid(0.55e-3, 1e-3, 5, wire_diameter=0.1e-3).rotate(90.0, (0.0, 1.0, 0.0))


def analysis(quadrature) -> np.ndarray:
    """CPU seconds of the three stages of one full RF analysis."""
    c = coil()
    smp = Cylinder(0.4e-3, 1e-3, axis=tuple(c.axis), medium=water())
    t = [time.process_time()]
    circuit = CoilCircuit.from_coil(c, FREQUENCY, sample=smp, n=quadrature)
    t.append(time.process_time())
    match(circuit)
    t.append(time.process_time())
    snr(c, smp, frequency=FREQUENCY, circuit=circuit, n=quadrature)
    t.append(time.process_time())
    return np.diff(t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    warnings.simplefilter("error")  # a B1-along-B0 warning would mean a wrong benchmark coil
    for quadrature in ((6, 12, 8), (8, 16, 24)):
        analysis(quadrature)  # first use: imports, caches of tables
        times = np.array([analysis(quadrature) for _ in range(args.repeats)])
        med = np.median(times, axis=0)
        total = float(np.median(times.sum(axis=1)))
        print(f"sample quadrature {quadrature}: circuit {med[0] * 1e3:.2f} ms, match {med[1] * 1e3:.2f} ms, "
              f"snr {med[2] * 1e3:.2f} ms; total {total * 1e3:.2f} ms = {1.0 / total:.0f} analyses per CPU-second")
    general, fast, values = [], [], []
    for _ in range(max(3, args.repeats // 4)):
        c1, c2 = coil(), coil()
        t0 = time.process_time()
        a = inductance(c1)
        t1 = time.process_time()
        b = helix_inductance(c2)
        t2 = time.process_time()
        general.append(t1 - t0)
        fast.append(t2 - t1)
        values.append(b / a - 1.0)
    print(f"inductance of the helix: analysis.inductance {np.median(general) * 1e3:.1f} ms, rf.helix_inductance "
          f"{np.median(fast) * 1e3:.2f} ms (CPU), relative difference {values[0]:.2e}")


if __name__ == "__main__":
    main()
