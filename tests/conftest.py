"""Shared test helpers."""

import numpy as np

import coildesign as cd


def curl_of_vector_potential(coil, point, h):
    """curl A at ``point`` [m] by central differences of step ``h`` [m] of the engine's A."""
    p = np.asarray(point, dtype=float)
    ja = np.array([(cd.vector_potential(coil, p + h * e) - cd.vector_potential(coil, p - h * e))[0] / (2 * h)
                   for e in np.eye(3)]).T
    return np.array([ja[2, 1] - ja[1, 2], ja[0, 2] - ja[2, 0], ja[1, 0] - ja[0, 1]])
