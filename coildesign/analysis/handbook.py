"""Handbook inductance formulas, offered for comparison with the field-engine values.

- Nagaoka's coefficient (Nagaoka, J. Coll. Sci. Tokyo 27, art. 6 (1909); Grover, Inductance
  Calculations (1946), eq. 120): for a current sheet of radius a, length l, with
  k^2 = 4a^2 / (4a^2 + l^2), k' = sqrt(1 - k^2),
  K_N = 4 / (3 pi k') [ (k'^2 / k^2) (K(k) - E(k)) + E(k) - k ]  (-> 1 for l >> a),
  and L_sheet = mu0 pi a^2 N^2 K_N / l.
- Wheeler (Proc. IRE 16, 1398 (1928)): L[uH] = r^2 N^2 / (9 r + 10 l) with r, l in inches.
  Converted exactly to SI this is mu0 pi N^2 r^2 / (l + 0.9 r) divided by 1.0027 (the inch
  conversion is not exact in the published constants); it claims ~1 % for l > 0.8 r and is
  ~11 % low at l/D = 0.1 compared with Nagaoka's exact sheet.
"""

from __future__ import annotations

import numpy as np
from scipy.constants import inch, mu_0
from scipy.special import ellipe, ellipk

from coildesign import _validation as check


def nagaoka_coefficient(diameter_over_length: float) -> float:
    """Nagaoka's coefficient K_N of a current sheet for D/l = ``diameter_over_length``."""
    x = check.positive("diameter_over_length", diameter_over_length)
    m = x * x / (x * x + 1.0)  # k^2 = 4a^2/(4a^2 + l^2) = D^2/(D^2 + l^2)
    k, kp = np.sqrt(m), np.sqrt(1.0 - m)
    return float(4.0 / (3.0 * np.pi * kp) * ((kp * kp / m) * (ellipk(m) - ellipe(m)) + ellipe(m) - k))


def current_sheet_inductance(radius: float, length: float, turns: float) -> float:
    """L = mu0 pi a^2 N^2 K_N / l [H] of a uniform current sheet (Nagaoka)."""
    a = check.positive("radius", radius)
    length = check.positive("length", length)
    n = check.positive("turns", turns)
    return mu_0 * np.pi * a * a * n * n * nagaoka_coefficient(2 * a / length) / length


def wheeler_inductance(radius: float, length: float, turns: float) -> float:
    """Wheeler's 1928 formula r^2 N^2 / (9r + 10l) [uH, inches] evaluated in SI [H]."""
    r_in = check.positive("radius", radius) / inch
    l_in = check.positive("length", length) / inch
    n = check.positive("turns", turns)
    return 1e-6 * r_in * r_in * n * n / (9.0 * r_in + 10.0 * l_in)
