"""
The SNR-optimal solenoid microcoil
==================================

A solenoid wound on a capillary of 1.0 mm outer / 0.8 mm inner diameter holding 1 mm of water,
1H at 600 MHz, copper at 20 degC, matched to 50 ohm. Free: the turns N (integer), the wire
diameter d and the pitch p; constraint: self-resonance at least 1.5 x the Larmor frequency.
Objective: the reciprocity SNR (Hoult & Richards, J. Magn. Reson. 24, 71 (1976)) of
``coildesign.studies.microcoil`` (B1 over the sample, skin and proximity resistance,
self-capacitance, sample loss, matching). ``coildesign.optimize`` runs differential evolution
with the integer variable and a local polish.

``COILDESIGN_DOCS_SMALL=1`` runs a smaller population for fewer generations (its optimum is
close to, not at, the full-size one); ``examples/microcoil_optimum.py`` runs the full study
with a process pool or dask.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
from scipy.constants import N_A, hbar, k

from coildesign import validation
from coildesign.rf.nuclei import NUCLEI
from coildesign.rf.snr import WATER_PROTON_CONCENTRATION
from coildesign.studies import microcoil, optimize

SMALL = os.environ.get("COILDESIGN_DOCS_SMALL", "") not in ("", "0")
bounds = {"turns": (2, 30), "wire_diameter": (20e-6, 150e-6), "pitch": (20e-6, 300e-6)}
fixed = {"sample_length": 1e-3, "frequency": 600e6}
opt = optimize(microcoil, bounds, objective="snr", maximize=True, integers=("turns",),
               constraints=["srf_ratio >= 1.5"], fixed=fixed, popsize=4 if SMALL else 6,
               maxiter=4 if SMALL else 12, polish_evaluations=30 if SMALL else 100, tol=1e-3)
print(repr(opt))
m = opt.metrics
print(f"optimum: N = {opt.point['turns']}, d = {opt.point['wire_diameter'] * 1e6:.1f} um, "
      f"p = {opt.point['pitch'] * 1e6:.1f} um (p/d = {m['pitch_over_wire_diameter']:.2f}), "
      f"SNR {m['snr']:.4g} in 10 kHz, LOD {m['lod_nmol_s05']:.3g} nmol s^1/2, SRF/f0 {m['srf_ratio']:.2f}")

# %%
# Every design the optimiser evaluated: SNR against the pitch ratio
hist = opt.history
ok = hist["error"].isna()
fig, ax = plt.subplots(figsize=(6, 3.5))
sc = ax.scatter(hist.loc[ok, "pitch"] / hist.loc[ok, "wire_diameter"], hist.loc[ok, "snr"], c=hist.loc[ok, "turns"],
                s=12, cmap="viridis")
ax.plot(m["pitch_over_wire_diameter"], m["snr"], "r*", ms=14, label="optimum")
fig.colorbar(sc, ax=ax, label="turns")
ax.set_xscale("log")
ax.set_xlabel("pitch / wire diameter")
ax.set_ylabel("SNR (single scan, 10 kHz)")
ax.legend()
fig.tight_layout()

# %%
# Checks. The optimum's SNR recomputed here from its own B1, resistances and the closed forms
# of reciprocity: M0 = N gamma^2 hbar^2 I(I+1) B0 / (3 k T) (Curie law, Abragam ch. II),
# signal xi = omega0 M0 <B1/I> V, noise sqrt(4 k T (R_coil + R_sample) df) (Hoult & Richards
# 1976, eq. 4); then the validate case of Hoult & Richards' frequency scaling.
nuc = NUCLEI["1H"]
omega = 2 * np.pi * fixed["frequency"]
b0 = omega / nuc.gamma
temperature, bandwidth = 293.15, 1e4
spins = WATER_PROTON_CONCENTRATION * N_A * nuc.abundance  # 1H in water at 20 degC [1/m^3]
m0 = spins * nuc.gamma**2 * hbar**2 * nuc.spin * (nuc.spin + 1) * b0 / (3 * k * temperature)
signal = omega * m0 * m["b1_mean_T_per_A"] * m["sample_volume_m3"]
noise = np.sqrt(4 * k * temperature * (m["ac_resistance_ohm"] + m["sample_resistance_ohm"]) * bandwidth)
print(f"SNR recomputed from the closed forms: {signal / noise:.6g} (study: {m['snr']:.6g})")
assert abs(signal / noise / m["snr"] - 1) < 1e-9
assert m["srf_ratio"] >= 1.5
outcomes = validation.run_all(["SNR frequency scaling"])
assert len(outcomes) == 1 and outcomes[0].passed
