"""Contour-level optimisation (coildesign.design.levels): the tuned wires beat the mid-level cut
on their own eta^2/L within the bound and the spacing, the first-order model agrees with finite
differences of the true wires, stray windings are dropped, and the result is reproducible."""

import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from coildesign import design
from coildesign.analysis.gradient import dense_field_deviation
from coildesign.design import gradient as gd
from coildesign.design import levels as lv
from coildesign.design.contours import ContourLoop
from coildesign.design.target import HarmonicTarget
from coildesign.fields import field

A, LENGTH, DSV, EPS = 5e-3, 20e-3, 2.5e-3, 0.05
ROOT = Path(__file__).resolve().parents[2]


def _loop(level: float) -> ContourLoop:
    pts = np.c_[np.cos(np.arange(8)), np.sin(np.arange(8)), np.zeros(8)]
    return ContourLoop(pts, level, np.tile([0.0, 0.0, 1.0], (8, 1)))


def test_stray_nests_are_dropped_only_beside_windings_of_several_loops():
    main = [_loop(-0.5), _loop(-1.5), _loop(-2.5)]
    stray = [_loop(-2.5)]
    assert lv.without_strays([main, stray, main, stray]) == [main, main]
    assert lv.without_strays([stray, stray]) == [stray, stray]  # nothing beside them: kept
    assert lv.without_strays([]) == []


def test_level_magnitudes_and_their_replacement_keep_the_signs():
    levels = np.array([0.5, 1.5, -0.5, -1.5])
    a = lv.magnitudes(levels)
    np.testing.assert_array_equal(a, [0.5, 1.5])
    np.testing.assert_array_equal(lv.levels_at(levels, a, np.array([0.6, 1.4])), [0.6, 1.4, -0.6, -1.4])


@pytest.fixture(scope="module")
def gx():
    """A small buildable Gx whose levels are left at the mid-levels."""
    surface = design.cylinder(A, LENGTH, resolution=2 * np.pi * A / 24)
    return design.gradient_coil(surface, "x", DSV, EPS, turns=6, wire_diameter=0.3e-3, n_targets=800, refine=1,
                                deviation="dsv", optimise_levels=False)


def _maker(res):
    return gd._WireMaker(res.surface, gd.surface_operators(res.surface), res.turns, res.wire_diameter, None,
                         "copper", np.zeros(3), HarmonicTarget.gradient(res.axis))


def _tune(res):
    return lv.tune_levels(_maker(res), res.stream_function, gd._min_spacing, np.eye(3)[0], np.zeros(3), DSV, EPS,
                          "dsv", 0.1, gd.WIRE_GMD_POINTS)


@pytest.mark.slow
def test_tuned_levels_raise_the_wires_figure_of_merit_within_both_bounds(gx):
    best, log = _tune(gx)
    assert best is not None
    assert any(step["accepted"] for step in log["steps"])
    assert best.figure_of_merit > log["start"]
    assert log["start"] == pytest.approx(gx.figure_of_merit, rel=1e-6)  # the same wires as the design's
    # judged independently: the dense check with its default settings and the spacing rule
    dense = dense_field_deviation(best.coil, DSV, "x", deviation="dsv")
    assert dense.max_deviation <= EPS
    assert best.spacing >= (gx.wire_diameter + gx.clearance) * (1 - 1e-9)


@pytest.mark.slow
def test_inductances_on_a_worker_thread_give_the_same_tuning(gx):
    """With an executor the wire sets' inductances run beside the linearisation (``wire_set``):
    the same levels, inductance and log, to the last bit, as computed in line."""
    in_line, log_in_line = _tune(gx)
    with ThreadPoolExecutor(max_workers=1) as worker:
        threaded, log_threaded = lv.tune_levels(_maker(gx), gx.stream_function, gd._min_spacing, np.eye(3)[0],
                                                np.zeros(3), DSV, EPS, "dsv", 0.1, gd.WIRE_GMD_POINTS,
                                                executor=worker)
    assert isinstance(threaded.inductance_result, Future)
    np.testing.assert_array_equal(threaded.levels, in_line.levels)
    assert threaded.inductance == in_line.inductance
    assert log_threaded == log_in_line


@pytest.mark.slow
def test_first_order_model_agrees_with_finite_differences_of_the_true_wires(gx):
    maker = _maker(gx)
    psi = gx.stream_function
    s_hat, c = np.eye(3)[0], np.zeros(3)

    def build(at):
        coil, _, junctions = maker.make(psi, at, strays=False)
        return lv.wire_set(maker.levels if at is None else at, coil, junctions, maker.loops,
                           gd._min_spacing(coil.windings, junctions, maker.pitch), s_hat, c, DSV, "dsv", 0.1, 4)

    start = build(None)
    model = lv.linearise(start, maker.surface, maker.ops.current_density(psi), s_hat, c, DSV, maker.diameter,
                         maker.pitch, EPS, "dsv", 0.1)
    a = lv.magnitudes(start.levels)
    h = 1e-3 * a[-1] / len(a)
    for k in (1, len(a) - 2):
        step = np.zeros(len(a))
        step[k] = h
        plus = build(lv.levels_at(start.levels, a, a + step))
        minus = build(lv.levels_at(start.levels, a, a - step))
        deta = (plus.efficiency - minus.efficiency) / (2 * h)
        dl = (plus.inductance - minus.inductance) / (2 * h)
        dbz = (field(plus.coil, model.points)[:, 2] - field(minus.coil, model.points)[:, 2]) / (2 * h)
        assert model.deta[k] == pytest.approx(deta, rel=0.02, abs=0)
        assert model.dl[k] == pytest.approx(dl, rel=0.1, abs=0)
        assert np.abs(model.dbz[:, k] - dbz).max() <= 0.03 * np.abs(dbz).max()


@pytest.mark.slow
def test_cutting_planes_give_the_step_of_the_whole_program(gx, monkeypatch):
    """``_step`` hands SLSQP the WORKING_ROWS rows nearest to binding and adds the violated ones:
    the same step and predicted gain as the program with every row, with and without a
    second-order correction along a rejected step, at several trust radii."""
    maker = _maker(gx)
    psi = gx.stream_function
    s_hat, c = np.eye(3)[0], np.zeros(3)
    coil, _, junctions = maker.make(psi, None, strays=False)
    start = lv.wire_set(maker.levels, coil, junctions, maker.loops,
                        gd._min_spacing(coil.windings, junctions, maker.pitch), s_hat, c, DSV, "dsv", 0.1, 4)
    model = lv.linearise(start, maker.surface, maker.ops.current_density(psi), s_hat, c, DSV, maker.diameter,
                         maker.pitch, EPS, "dsv", 0.1)
    a = lv.magnitudes(start.levels)
    unit = float(a[-1]) / len(a)
    scale = lv.deviation_scale(model.s, DSV, 0.1, "dsv")
    top = float(np.abs(psi).max())
    rng = np.random.default_rng(4)
    x_prev = unit * rng.uniform(-0.2, 0.2, len(a))
    curve = (x_prev, 0.02 * np.abs(model.bz - model.eta * model.s).max() * rng.uniform(-1, 1, len(model.s)),
             1e-3 * model.eta)
    added = []
    solve = lv.minimize

    def counting(*args, **kwargs):
        added.append(len(kwargs["constraints"][0]["args"][0]) if kwargs["constraints"] else 0)
        return solve(*args, **kwargs)

    for trust in (0.1, 0.25, 0.5):
        for bend in (None, curve):
            args = (model, scale, EPS, maker.pitch, trust, unit, top, maker.saddles(psi), True, bend)
            monkeypatch.setattr(lv, "minimize", counting)
            x, gain = lv._step(*args)
            monkeypatch.setattr(lv, "WORKING_ROWS", 10**9)
            x_all, gain_all = lv._step(*args)
            monkeypatch.undo()
            assert gain == pytest.approx(gain_all, rel=1e-9, abs=0)
            np.testing.assert_allclose(x, x_all, rtol=0, atol=1e-5 * trust * unit)
    assert max(added) > lv.WORKING_ROWS  # violated rows were added


@pytest.mark.slow
def test_z_design_has_no_stray_windings():
    """bfieldtools' cylinder problem (benchmarks/bench_design.py): the mid-level cut leaves two
    single rings beside the main windings where psi has a plateau; the design drops them."""
    surface = design.cylinder(10e-3, 51.9e-3)
    res = design.gradient_coil(surface, "z", 6.49e-3, 0.05, turns=10, wire_diameter=0.4e-3, deviation="dsv")
    assert len(res.coil.windings) == 2
    assert res.buildable and res.max_deviation <= 0.05


SCRIPT = """
import numpy as np
from coildesign import design
s = design.cylinder(5e-3, 20e-3, resolution=2 * np.pi * 5e-3 / 24)
r = design.gradient_coil(s, "x", 2.5e-3, 0.05, turns=6, wire_diameter=0.3e-3, n_targets=800, refine=1, deviation="dsv")
print(repr(r.figure_of_merit), repr(r.max_deviation), repr(float(np.abs(r.coil.windings[0].points).sum())))
"""


@pytest.mark.slow
def test_tuned_design_is_the_same_in_fresh_processes():
    out = [subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}).stdout for _ in range(2)]
    assert out[0] == out[1] and out[0].strip()


@pytest.mark.slow
def test_tuning_from_a_judged_start_with_sphere_trials_matches_the_plain_tuning(gx):
    """The design hands the refinement's own wires to the tuning (no rebuild) and, for "dsv",
    judges the trials on the sphere and the returned set on the whole dense set: the same
    levels and figures as building the start and judging every trial on the whole set."""
    plain, plain_log = _tune(gx)
    maker = _maker(gx)
    psi, s_hat, c = gx.stream_function, np.eye(3)[0], np.zeros(3)
    coil, _, junctions = maker.make(psi, None, strays=False)
    start = lv.wire_set(maker.levels, coil, junctions, maker.loops,
                        gd._min_spacing(coil.windings, junctions, maker.pitch), s_hat, c, DSV, "dsv", 0.1, 4)
    target = HarmonicTarget.gradient("x")

    def check(sphere_only):
        return lambda w, _: target.dense_deviation(w, DSV, target.coefficient(w, DSV), deviation="dsv",
                                                   sphere_only=sphere_only)

    best, log = lv.tune_levels(maker, psi, gd._min_spacing, s_hat, c, DSV, EPS, "dsv", 0.1, gd.WIRE_GMD_POINTS,
                               start=start, check=check(True), final_check=check(False))
    # the same decisions; the values agree to rounding only: a point of a mirror orbit that the
    # sphere's set and the whole set both hold may be filled from different (coincident) points
    assert log["start"] == plain_log["start"]
    np.testing.assert_allclose(best.levels, plain.levels, rtol=1e-9, atol=0)
    assert best.figure_of_merit == pytest.approx(plain.figure_of_merit, rel=1e-9, abs=0)
    # the returned set carries the whole dense check (grid and sphere), which meets the bound
    whole = dense_field_deviation(best.coil, DSV, "x", deviation="dsv")
    assert best.check.n_points == whole.n_points and best.check.max_deviation == whole.max_deviation <= EPS
    # no more than REJECTIONS rejected steps in a row, STEPS accepted ones
    runs = "".join("a" if s["accepted"] else "r" for s in log["steps"])
    assert "r" * (lv.REJECTIONS + 1) not in runs and runs.count("a") <= lv.STEPS
    assert len(runs) <= lv.STEPS * lv.REJECTIONS


@pytest.mark.slow
def test_a_further_bound_refuses_trials_before_their_inductance(gx, monkeypatch):
    """``admissible`` (e.g. a design's eddy-field bound) is judged on every trial that meets the
    deviation and spacing, before its inductance: a bound no trial meets leaves the start, no
    trial's inductance is computed, and every step is rejected."""
    judged, computed = [], []
    inductance = lv.inductance

    def counting(coil, **kw):
        computed.append(coil)
        return inductance(coil, **kw)

    monkeypatch.setattr(lv, "inductance", counting)
    best, log = lv.tune_levels(_maker(gx), gx.stream_function, gd._min_spacing, np.eye(3)[0], np.zeros(3), DSV, EPS,
                               "dsv", 0.1, gd.WIRE_GMD_POINTS, admissible=lambda c, eta: judged.append(c) or False)
    assert log["steps"] and not any(step["accepted"] for step in log["steps"])
    assert len(computed) == 1  # the start's own (built here), none of a trial's
    assert best is not None and best.figure_of_merit == pytest.approx(log["start"], rel=1e-12, abs=0)
    assert judged  # the bound was asked (a trial met the deviation and the spacing)


def test_dipole_bz_is_the_point_dipole_field_in_the_plain_expressions_arithmetic():
    """``dipole_bz`` against the point dipole's closed form (Jackson, Classical Electrodynamics,
    3rd ed., eq. 5.56): on its axis Bz = mu0 m / (2 pi d^3), in its equatorial plane
    -mu0 m / (4 pi d^3); against magpylib's Dipole in any direction; and bit for bit the plain
    (P, S, 3) expression of eq. 5.56 in the same order, over several row blocks (the level
    search amplifies round-off, so the blocked evaluation must not change a bit)."""
    from scipy.constants import mu_0

    m, d = 2.5e-6, 3e-3
    where, moment = np.array([[1e-3, -2e-3, 0.5e-3]]), np.array([[0.0, 0.0, m]])
    on_axis, equator = where + [0.0, 0.0, d], where + [d * 0.6, d * 0.8, 0.0]
    bz = lv.dipole_bz(np.vstack([on_axis, equator]), where, moment)[:, 0]
    assert bz == pytest.approx([mu_0 * m / (2 * np.pi * d**3), -mu_0 * m / (4 * np.pi * d**3)], rel=1e-14, abs=0)
    magpylib = pytest.importorskip("magpylib")
    rng = np.random.default_rng(7)
    points, where, moments = rng.normal(size=(50, 3)), rng.normal(size=(1000, 3)), rng.normal(size=(1000, 3))
    out = lv.dipole_bz(points, where, moments)
    assert out.shape == (50, 1000)
    for j in (0, 499, 999):
        ref = magpylib.misc.Dipole(position=where[j], moment=moments[j]).getB(points)[:, 2]
        np.testing.assert_allclose(out[:, j], ref, rtol=1e-9, atol=1e-12 * np.abs(ref).max())
    r = points[:, None, :] - where[None, :, :]
    r2 = (r * r).sum(-1)
    inv3 = r2**-1.5
    mr = (r * moments[None]).sum(-1)
    plain = mu_0 / (4 * np.pi) * (3.0 * mr * r[..., 2] * inv3 / r2 - moments[None, :, 2] * inv3)
    assert np.array_equal(out, plain)
    assert lv.dipole_bz(points[:0], where, moments).shape == (0, 1000)
