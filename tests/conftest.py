"""Shared test helpers."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import coildesign as cd
from coildesign.fields import fieldmap


def curl_of_vector_potential(coil, point, h):
    """curl A at ``point`` [m] by central differences of step ``h`` [m] of the engine's A."""
    p = np.asarray(point, dtype=float)
    ja = np.array([(cd.vector_potential(coil, p + h * e) - cd.vector_potential(coil, p - h * e))[0] / (2 * h)
                   for e in np.eye(3)]).T
    return np.array([ja[2, 1] - ja[1, 2], ja[0, 2] - ja[2, 0], ja[1, 0] - ja[0, 1]])


def counted_evaluations(monkeypatch):
    """(list that receives the point count of every engine call of ``fields.fieldmap``, the
    engine's ``evaluate`` itself)."""
    sizes = []
    evaluate = fieldmap.evaluate

    def counting(c, pts, *a, **kw):
        sizes.append(len(pts))
        return evaluate(c, pts, *a, **kw)

    monkeypatch.setattr(fieldmap, "evaluate", counting)
    return sizes, evaluate


def approx(expected, rel=1e-12):
    """pytest.approx with a purely relative tolerance (its default abs=1e-12 would swallow the
    tiny SI values here: volumes ~1e-10 m^3, noise ~1e-8 V)."""
    return pytest.approx(expected, rel=rel, abs=0)


def helix(radius, length, turns, wire_diameter, points_per_turn=64):
    """A helix on the x axis (B0 along z is then transverse to the coil axis), centred at
    the origin, current counter-clockwise about +x."""
    t = np.linspace(0.0, 2 * np.pi * turns, int(round(turns * points_per_turn)) + 1)
    x = -0.5 * length + length * t / (2 * np.pi * turns)
    pts = np.c_[x, radius * np.cos(t), radius * np.sin(t)]
    return cd.Coil([cd.Winding(pts, cross_section=cd.RoundWire(wire_diameter))])


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The main job as a fresh install runs it, once per test session: ``python -m coildesign.cli demo
    -o <dir>`` in a new process; (output folder, completed process with its stdout and stderr)."""
    out = tmp_path_factory.mktemp("demo") / "out"
    root = Path(cd.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-m", "coildesign.cli", "demo", "-o", str(out)], env=env, cwd=out.parent,
                          capture_output=True, text=True, timeout=900)
    return out, done
