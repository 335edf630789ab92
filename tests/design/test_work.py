"""Work model of a target-field design (coildesign.design.work): sizes estimated before allocating."""

import time

import numpy as np
import pytest

from coildesign import design
from coildesign.design.work import check_design_work, design_work


@pytest.fixture(scope="module")
def surface():
    return design.cylinder(5e-3, 20e-3, resolution=2 * np.pi * 5e-3 / 24)


def test_oversized_turns_refused_before_allocating(surface):
    """turns=100000 would need ~1e7 wire vertices: refused at once, naming turns, with advice."""
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"Input turns must be .*fewer turns.*instead received 100000"):
        design.gradient_coil(surface, "x", 2.5e-3, 0.05, turns=100000, wire_diameter=0.1e-3)
    assert time.perf_counter() - t0 < 5.0


def test_memory_limit_from_the_environment_is_honoured(surface, monkeypatch):
    monkeypatch.setenv("COILDESIGN_MAX_MEMORY", "1M")
    with pytest.raises(ValueError, match="COILDESIGN_MAX_MEMORY"):
        design.gradient_coil(surface, "z", 2.5e-3, 0.05, turns=4, wire_diameter=0.3e-3)


def test_model_scales_with_its_sizes_and_bounds_the_wires(surface):
    """Wire vertices grow as turns, the face coupling as faces^2; the estimate of the wire vertices
    is an upper bound of a real design's (module doc: 1.9-2.8 sqrt(F) measured, 4 assumed)."""
    base = design_work(1000, 520, 100, 3000, 10, 4)
    assert design_work(1000, 520, 100, 3000, 20, 4).wire_points == pytest.approx(2 * base.wire_points, rel=1e-12)
    big = design_work(4000, 2020, 100, 3000, 10, 4)
    assert big.memory > base.memory and big.pairs > base.pairs
    assert design_work(1000, 520, 100, 3000, 10**6, 4).dominant == "turns"
    res = design.gradient_coil(surface, "z", 2.5e-3, 0.05, turns=6, wire_diameter=0.3e-3, n_targets=600, refine=0,
                               allow_violations=True)
    est = res.continuous["estimated_work"]
    assert sum(len(w.points) for w in res.coil.windings) <= est["wire_points"]
    check_design_work(design_work(**{k: est[k] for k in ("faces", "vertices", "modes", "targets", "turns",
                                                              "rounds")}))
