"""coildesign output read by the programs that use it: gradunwarp, pypulseq, CoSimPy.

1. Spherical-harmonic expansion of a 10 mm-bore gradient set (Golay x/y, Maxwell z) over a
   6 mm sphere, written as a Siemens-format ``.grad`` file; gradunwarp reads it back and its
   displacement map is compared with coildesign's ``geometric_distortion``.
2. A 2-D gradient-echo readout built with pypulseq (64 x 16, FOV 4 mm, 1 T/m and 5000 T/m/s
   system limits) played on the same set:
   the PSF of point spins at the centre and 1.8 mm off centre, with T2* = 20 ms and water
   diffusion; one figure, ``sequence_psf.png``.
3. A 1 mm solenoid as a CoSimPy port at 400 MHz, matched in CoSimPy with coildesign's
   capacitors; its B1 per sqrt(W) at the centre against |B per A| / sqrt(R).

Needs the test extra (gradunwarp, pypulseq, cosimpy).
Run:  python examples/scanner_clients.py [output_folder]   (default coildesign-output/)
"""

import sys
from pathlib import Path

import cosimpy
import numpy as np
import pypulseq
from gradunwarp.core.coeffs import get_coefficients
from gradunwarp.core.unwarp_resample import eval_spherical_harmonics

from coildesign.analysis import geometric_distortion, sequence_psf, spherical_harmonics
from coildesign.analysis.psf import WATER_DIFFUSION_25C
from coildesign.analysis.sequence_psf import gradient_echo_sequence
from coildesign.export import to_cosimpy, to_gradunwarp
from coildesign.fields import field
from coildesign.geometries import gradient_set, solenoid
from coildesign.rf import match

R0 = 3e-3  # [m] reference radius of the expansion


def gradunwarp_check(coils, out: Path) -> None:
    sh = spherical_harmonics(coils.x, R0, 9)
    print(f"Gx expansion (Schmidt, T/A): A11 = {sh.A[1, 1]:.6g}, A51 = {sh.A[5, 1]:.4g}, A55 = {sh.A[5, 5]:.4g}; "
          f"residual {sh.residual.relative_rms:.2e} rms")
    path = to_gradunwarp(coils, out / "coildesign_set.grad", R0, order=20, quadrature_degree=36)
    coeffs = get_coefficients("siemens", str(path))
    u = np.linspace(-R0, R0, 9)
    pts = np.stack(np.meshgrid(u, u, u, indexing="ij"), axis=-1).reshape(-1, 3)
    pts = pts[np.linalg.norm(pts, axis=1) <= R0]
    dv, _ = eval_spherical_harmonics(coeffs, "siemens", tuple(pts.T * 1e3))
    for ax, d in zip("xyz", dv):
        ref = geometric_distortion(coils[ax], pts + [1e-7, 0.0, 0.0], ax).displacement  # gradunwarp's x + 1e-4 mm
        print(f"  {ax}: max displacement {np.abs(ref).max() * 1e6:.4g} um, gradunwarp - coildesign "
              f"{np.abs(d * 1e-3 - ref).max() * 1e9:.3g} nm")
    print(f"wrote {path}")


def psf_check(coils, out: Path) -> None:
    # a microscopy gradient system: 1 T/m, 5000 T/m/s (the readout needs 0.59 T/m)
    system = pypulseq.Opts(max_grad=1000, grad_unit="mT/m", max_slew=5000, slew_unit="T/m/s")
    seq = gradient_echo_sequence((4e-3, 4e-3, 4e-3), 64, 16, dwell=10e-6, system=system)
    pts = np.array([[0.0, 0.0, 0.0], [1.8e-3, 0.0, 0.0], [0.0, 1.8e-3, 0.0]])
    psf = sequence_psf(coils, seq, pts, t2star=20e-3, diffusion=WATER_DIFFUSION_25C)
    for p, fw, sh in zip(pts, psf.fwhm, psf.shift):
        print(f"  point ({', '.join(f'{v * 1e3:g}' for v in p)}) mm: FWHM x {fw[0] * 1e6:.4g} um, "
              f"y {fw[1] * 1e6:.4g} um; shift x {sh[0] * 1e6:.2f} um, y {sh[1] * 1e6:.2f} um")
    psf.plot(out / "sequence_psf.png")
    print(f"wrote {out / 'sequence_psf.png'}")


def cosimpy_check() -> None:
    coil = solenoid(0.5e-3, 1.5e-3, 6, wire_diameter=0.1e-3).rotate(90.0, (0.0, 1.0, 0.0))
    f0 = 400e6
    freqs = np.linspace(390e6, 410e6, 41)
    m = match(coil, f0)
    rf = to_cosimpy(coil, freqs, np.zeros((1, 3)))
    net = cosimpy.S_Matrix.sMatrixPInetwork(cosimpy.S_Matrix.sMatrixRCseries(0.0, m.capacitors["tune"], freqs), None,
                                            cosimpy.S_Matrix.sMatrixRCseries(0.0, m.capacitors["match"], freqs))
    matched = rf.singlePortConnRFcoil([net], True)
    b = np.linalg.norm(matched.em_field.b_field[20, 0, :, 0])
    expect = np.linalg.norm(field(coil, np.zeros((1, 3)))[0]) / np.sqrt(m.resistance)
    print(f"CoSimPy matched: |S11| = {abs(matched.s_matrix.S[20, 0, 0]):.2e}, B1 (rms) per sqrt(W) "
          f"{b * 1e6:.6g} uT, coildesign |B per A|/sqrt(R) {expect * 1e6:.6g} uT")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    coils = gradient_set(5e-3)
    gradunwarp_check(coils, out)
    psf_check(coils, out)
    cosimpy_check()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("coildesign-output"))
