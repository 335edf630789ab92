"""Shared test shells for coildesign.eddy.

References: thin spherical shell tau_l = mu0 sigma d a / (2l + 1) (stream function ~ Y_lm,
L_l = mu0 a l(l+1)/(2l+1), R_l = l(l+1)/(sigma d); Haus & Melcher, Electromagnetic Fields and
Energy (1989) ch. 10 for l = 1); a uniform circulating sheet current on a
finite cylinder has L = K mu0 pi a^2 / l (Nagaoka) and R = 2 pi a / (sigma d l), so
tau = K mu0 sigma d a / 2; flux conservation at t = 0+ and energy balance (module docs)."""

import numpy as np
import pytest

from coildesign import eddy
from coildesign.surfaces import sphere

A, D = 0.05, 1e-4  # sphere radius [m] and shell thickness [m]


@pytest.fixture(scope="module")
def spheres():
    """Two copper spheres of radius A, thickness D, meshed at 1/20 and 1/28 of the circumference."""
    return [eddy.Shell(sphere(A, 2 * np.pi * A / k), D) for k in (20, 28)]
