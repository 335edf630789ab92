"""
A design sweep: heat map and Pareto front
=========================================

A grid sweep of solenoid microcoils (turns x pitch at a fixed 50 um wire) with
``coildesign.sweep``: every design gets the full RF analysis of ``coildesign.studies.microcoil``
(B1, skin and proximity resistance, self-capacitance, matching, SNR); designs that cannot be
built (overlapping wire) are recorded as failures instead of stopping the sweep. The result
draws a heat map of the SNR and the Pareto front of SNR against self-resonance margin.

The same study runs on a process pool or a dask cluster (``backend="processes"`` or
``"dask"``) and from a file (``coildesign sweep examples/study.toml``); see :doc:`/scaling`.
``COILDESIGN_DOCS_SMALL=1``: a 4 x 4 grid instead of 6 x 7.
"""

import os

import matplotlib.pyplot as plt
import numpy as np

import coildesign as cd
from coildesign.studies import microcoil

SMALL = os.environ.get("COILDESIGN_DOCS_SMALL", "") not in ("", "0")
grid = {"turns": [4, 8, 12, 16] if SMALL else [4, 6, 8, 10, 12, 16],
        "pitch": [40e-6, 70e-6, 100e-6, 150e-6] if SMALL else [40e-6, 55e-6, 70e-6, 85e-6, 100e-6, 125e-6, 150e-6]}
res = cd.sweep(microcoil, grid, fixed={"wire_diameter": 50e-6, "sample_length": 1e-3}, progress=False)
table = res.to_dataframe()
print(f"{len(table)} designs, {len(res.failures)} failed:")
print(res.failures[["turns", "pitch", "error"]].to_string() if len(res.failures) else "none")
best = res.best("snr")
print(f"best: {best['turns']:.0f} turns at {best['pitch'] * 1e6:.0f} um pitch, SNR {best['snr']:.4g}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
res.heatmap("snr", "pitch", "turns", ax=axes[0])
res.pareto("snr", "srf_ratio", ax=axes[1])
fig.tight_layout()

# %%
# Checks. The Pareto front the package draws against a brute-force O(n^2) dominance test
# written here; the 40 um pitch (< 50 um wire) designs are the failures; and the unloaded Q of
# each design equals omega L / R from its own columns.
from coildesign.studies.plots import pareto_mask  # noqa: E402

good = table[table["error"].isna()]
snr, srf = good["snr"].to_numpy(), good["srf_ratio"].to_numpy()
brute = np.array([not np.any((snr >= a) & (srf >= b) & ((snr > a) | (srf > b))) for a, b in zip(snr, srf)])
assert np.array_equal(pareto_mask(snr, srf), brute)
print(f"Pareto front: {brute.sum()} of {len(good)} designs")
assert set(res.failures["pitch"]) == {40e-6}
q = 2 * np.pi * 600e6 * good["inductance_H"] / good["ac_resistance_ohm"]
assert np.allclose(q, good["unloaded_q"], rtol=1e-9, atol=0)
