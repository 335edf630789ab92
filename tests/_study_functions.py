"""Importable study functions for the studies tests (worker processes import them by name)."""

import math
import threading
import time


def square(x, y=0.0, offset=0.0):
    """x^2 + y + offset, and the worker's process id."""
    import os

    return {"f": x * x + y + offset, "pid": os.getpid()}


def slow_square(x, delay=0.01):
    """x^2 after sleeping ``delay`` [s] (a sweep long enough to be killed while it runs)."""
    time.sleep(delay)
    return {"f": float(x * x)}


def picky(x):
    """Fails for negative x with a ValueError, for x == 0 with a ZeroDivisionError."""
    if x < 0:
        raise ValueError(f"x must be >= 0, got {x}")
    return {"inv": 1.0 / x, "sqrt": math.sqrt(x)}


class Locked:
    """A callable holding a lock: picklable by neither pickle nor cloudpickle."""

    def __init__(self):
        self.lock = threading.Lock()

    def __call__(self, x):
        return {"x": x}


def mixed_quadratic(n, x):
    """f = (n - 3.4)^2 + (x - n/4)^2 with n integer: unconstrained optimum n = 3, x = 0.75,
    f = 0.16; with x >= 0.9: n = 3, x = 0.9, f = 0.16 + 0.15^2 = 0.1825."""
    return {"f": (n - 3.4) ** 2 + (x - 0.25 * n) ** 2, "x_copy": x, "neg_f": -((n - 3.4) ** 2 + (x - 0.25 * n) ** 2)}


def always_fails(x):
    """Every design raises (an optimisation with no result)."""
    raise ZeroDivisionError(f"no design at x = {x}")


def nan_objective(x):
    """A metric that is NaN at every design."""
    return {"f": float("nan"), "x": x}
