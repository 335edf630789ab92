"""200 plausible ``gradient_echo_sequence`` calls on a strong microscopy gradient system (1 T/m,
10,000 T/m/s): counts of results, refusals naming a parameter ("Input ..."), and errors raised
by pypulseq itself. Run from the root of a checkout: ``PYTHONPATH=. python benchmarks/sequence_calls.py``.
"""

import random
import sys
import warnings
from collections import Counter

if __name__ == "__main__":
    import os

    sys.path.insert(0, os.getcwd())

import pypulseq as pp  # noqa: E402

from coildesign.analysis.sequence_psf import gradient_echo_sequence  # noqa: E402


def calls(n: int = 200, seed: int = 1) -> list[dict]:
    """``n`` plausible argument sets (fixed seed)."""
    rng = random.Random(seed)
    return [dict(fov=rng.choice([1e-3, 2e-3, 5e-3, 1e-2, (5e-3, 5e-3, 2e-3)]),
                 n_readout=rng.choice([16, 32, 63, 64, 100, 128, 256]), n_phase=rng.choice([1, 8, 16, 33]),
                 dwell=rng.choice([1e-6, 2e-6, 5e-6, 1e-5, 1.5e-6, 2.5e-7, 2e-5]),
                 rise_time=rng.choice([None, None, 1e-5, 2e-5, 1.5e-5, 5e-6]),
                 rf_duration=rng.choice([100e-6, 50e-6, 1e-5, 1.5e-6])) for _ in range(n)]


def tally(n: int = 200) -> Counter:
    system = pp.Opts(max_grad=1000, grad_unit="mT/m", max_slew=10000, slew_unit="T/m/s")
    counts: Counter = Counter()
    warnings.simplefilter("ignore")
    for kw in calls(n):
        try:
            gradient_echo_sequence(**kw, system=system)
            counts["ok"] += 1
        except (ValueError, TypeError) as exc:
            counts["refused naming a parameter" if str(exc).startswith("Input ") else "pypulseq's own error"] += 1
        except Exception as exc:  # noqa: BLE001 - counted by type
            counts[f"other {type(exc).__name__}"] += 1
    return counts


if __name__ == "__main__":
    print(dict(tally()))
