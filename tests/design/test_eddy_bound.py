"""coildesign.design.eddy_bound: gradient_coil's eddy-field bound (QP rows linear in the stream
function, and the wires' check on a dense time grid; derivation in the module doc).

A coarse z coil (r 5 mm) inside a 50 um copper cylinder (r 7 mm; slowest mode ~11 us) keeps
these fast; the bfieldtools geometry is in benchmarks/bench_eddy.py."""

from types import SimpleNamespace

import numpy as np
import pytest

from coildesign import design, eddy
from coildesign.analysis.regions import fibonacci_sphere
from coildesign.design.eddy_bound import QP_POINTS, check_eddy, eddy_bound, eddy_rows, surface_points
from coildesign.design.gradient import DENSITY_FACTOR, _cap_binds, surface_operators
from coildesign.design.target import HarmonicTarget

A, LENGTH, DSV = 5e-3, 20e-3, 2.5e-3
TIMES, FRACTIONS = [5e-6, 15e-6, 25e-6], [0.08, 0.02, 0.005]
KW = {"turns": 6, "wire_diameter": 0.3e-3, "n_targets": 800, "refine": 1, "allow_violations": True}


@pytest.fixture(scope="module")
def surface():
    return design.cylinder(A, LENGTH, resolution=2 * np.pi * A / 24)


@pytest.fixture(scope="module")
def shell_modes():
    return eddy.modes(eddy.Shell(design.cylinder(7e-3, 30e-3, resolution=2 * np.pi * 7e-3 / 24), 50e-6, "copper"))


def test_bound_decays_log_linearly_through_the_listed_values(shell_modes):
    b = eddy_bound((shell_modes, TIMES, FRACTIONS))
    f = b.limit([5e-6, 10e-6, 15e-6, 25e-6, 1.0])
    assert f == pytest.approx([0.08, np.sqrt(0.08 * 0.02), 0.02, 0.005, 0.005], rel=1e-12)
    t = b.qp_times()
    assert t[0] == TIMES[0] and np.all(np.diff(t) > 0) and t[-1] > TIMES[-1] + 3 * shell_modes.time_constants[0]
    assert eddy_bound((shell_modes, [1e-5], 0.01)).limit([1e-5, 1e-3]) == pytest.approx([0.01, 0.01], rel=1e-12)


def test_rows_equal_the_step_response_of_the_stream_function(surface, shell_modes):
    """E x at every (t, r) = eddy.step_response of the sheet current psi = B x (1e-9)."""
    ops = surface_operators(surface)
    basis = ops.modes(30)
    b = eddy_bound((shell_modes, TIMES, FRACTIONS))
    e = eddy_rows(b, ops, basis, DSV, np.zeros(3))
    rows, limit = e.matrix, e.limit
    x = np.random.default_rng(5).normal(size=basis.shape[1])
    t = b.qp_times()
    pts = surface_points(DSV, np.zeros(3), QP_POINTS)
    sr = eddy.step_response(eddy.SheetCurrent(surface, basis @ x), shell_modes, pts, t)
    ref = sr.field[:, :, 2].ravel()
    assert np.abs(rows @ x - ref).max() <= 1e-9 * np.abs(ref).max()
    assert limit == pytest.approx(np.repeat(b.limit(t) * DSV, len(pts)), rel=1e-12)
    # the same rows for any source (the refinement's wire values): here the sheet itself
    assert np.abs(e.of(eddy.SheetCurrent(surface, basis @ x), 1.0) - ref).max() <= 1e-9 * np.abs(ref).max()


def test_wire_values_take_the_worst_mirror_image(surface, shell_modes):
    """A symmetric design's rows keep one octant; a source that breaks the symmetry (the wires'
    leads and jogs) is judged at every mirror image g r with the design's field parity p_g
    (Bz(g r) = p_g Bz(r) for Gz: +1 under the x and y mirrors, -1 under z), the largest |.| per
    row: the same numbers as eddy.step_response at the images (1e-9)."""
    ops = surface_operators(surface)
    target = HarmonicTarget.gradient("z")
    basis = ops.modes(30, target.stream_parities())
    b = eddy_bound((shell_modes, TIMES, FRACTIONS))
    e = eddy_rows(b, ops, basis, DSV, np.zeros(3), (0, 1, 2))
    fp = target.field_parities()
    expected = [np.prod([fp[a] for a in range(3) if sg[a] < 0]) for sg in e.images]
    assert len(e.images) == 8 and np.array_equal(e.parity, expected)
    x = np.random.default_rng(5).normal(size=basis.shape[1])
    psi = basis @ x
    images = np.vstack([e.points * sg for sg in e.images])
    missed = []
    # a solenoid's share (even Bz under z) of either sign: where it has the sign of the odd part,
    # image 0 is the worst; where not, its z image (which of the two depends on the modes' signs)
    for share in (0.1, -0.1):
        sheet = eddy.SheetCurrent(surface, psi + share * np.abs(psi).max() * surface.vertices[:, 2] / LENGTH)
        bz = eddy.step_response(sheet, shell_modes, images, e.times).field[:, :, 2]
        bz = bz.reshape(len(e.times), len(e.images), -1) * e.parity[None, :, None]
        worst = np.take_along_axis(bz, np.argmax(np.abs(bz), axis=1)[:, None], axis=1)[:, 0]
        assert np.abs(e.of(sheet, 1.0) - worst.ravel()).max() <= 1e-9 * np.abs(worst).max()
        missed.append(np.abs(worst - bz[:, 0]).max() / np.abs(worst).max())
    assert max(missed) > 0.05  # image 0 alone gives other numbers


@pytest.mark.slow
def test_designed_coil_meets_its_eddy_bound_on_its_wires(surface, shell_modes):
    """Without the bound the coil's eddy field is ~1.6x f(t); with it the wires meet f(t) at every
    time of a dense grid, checked here directly with eddy.step_response on the wires."""
    free = design.gradient_coil(surface, "z", DSV, 0.05, **KW)
    bound = eddy_bound((shell_modes, TIMES, FRACTIONS))
    assert not check_eddy(bound, free.coil, free.efficiency, DSV, np.zeros(3)).holds
    res = design.gradient_coil(surface, "z", DSV, 0.05, eddy=(shell_modes, TIMES, FRACTIONS), **KW)
    assert res.eddy is not None and res.eddy.holds
    assert not any("eddy" in v for v in res.violations)
    assert res.as_dict()["eddy"]["holds"]
    pts = DSV * fibonacci_sphere(2000)
    t = np.concatenate([np.geomspace(TIMES[0], 1e-3, 300), TIMES])
    sr = eddy.step_response(res.coil, shell_modes, pts, t)
    frac = np.abs(sr.field[:, :, 2]).max(axis=1) / (res.efficiency * DSV)
    assert np.all(frac <= bound.limit(t) * (1 + 1e-9))
    assert frac.max() > 0.5 * bound.limit(t[np.argmax(frac)])[0]  # the bound is active, not idle


def test_bad_eddy_inputs_name_the_parameter(surface, shell_modes):
    with pytest.raises(TypeError, match="eddy"):
        design.gradient_coil(surface, "z", DSV, eddy=shell_modes)
    with pytest.raises(TypeError, match="eddy"):
        design.gradient_coil(surface, "z", DSV, eddy=("shell", TIMES, FRACTIONS))
    with pytest.raises(ValueError, match="eddy times"):
        design.gradient_coil(surface, "z", DSV, eddy=(shell_modes, [3e-6, 1e-6], 0.01))
    with pytest.raises(ValueError, match="eddy times"):
        design.gradient_coil(surface, "z", DSV, eddy=(shell_modes, [-1e-6], 0.01))
    with pytest.raises(ValueError, match="eddy max_fraction"):
        design.gradient_coil(surface, "z", DSV, eddy=(shell_modes, TIMES, [0.05, 0.01]))
    with pytest.raises(ValueError, match="eddy max_fraction"):
        design.gradient_coil(surface, "z", DSV, eddy=(shell_modes, TIMES, 1.5))
    with pytest.raises(ValueError, match="eddy max_fraction"):
        design.gradient_coil(surface, "z", DSV, eddy=(shell_modes, TIMES, float("nan")))


def test_unreachable_eddy_bound_is_refused(surface, shell_modes):
    with pytest.raises(design.InfeasibleDesignError, match="eddy"):
        design.gradient_coil(surface, "z", DSV, 0.05, turns=6, wire_diameter=0.3e-3, n_targets=200, refine=0,
                             modes=20, enforce_spacing=False, eddy=(shell_modes, [5e-6], 1e-7))


def test_spacing_phase_is_skipped_only_when_its_cap_binds_nowhere():
    """The spacing phase caps round k at DENSITY_FACTOR Delta_(k-1) / pitch (round 0 at the given
    cap): it would repeat the first phase exactly when every first-phase iterate meets its round's
    cap (``_cap_binds`` doc). Candidates carry (solution, Delta) at indices 1 and 4."""
    rows, pitch = np.array([[1.0, 0.0], [0.0, -2.0]]), 2.0

    def cand(x, delta):
        return [None, SimpleNamespace(x=np.asarray(x, dtype=float)), None, None, delta]

    cap1 = DENSITY_FACTOR * 3.0 / pitch  # round 1's cap, from round 0's Delta = 3
    assert not _cap_binds(rows, 0.6, pitch, [cand([0.59, 0.0], 3.0), cand([0.0, -0.999 * cap1 / 2], 9.0)])
    assert _cap_binds(rows, 0.6, pitch, [cand([0.61, 0.0], 3.0), cand([0.0, 0.0], 9.0)])
    # round 1 exceeds the cap of round 0's Delta (its own, larger Delta would not bind)
    assert _cap_binds(rows, 0.6, pitch, [cand([0.59, 0.0], 3.0), cand([0.0, -1.001 * cap1 / 2], 9.0)])
