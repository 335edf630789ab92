"""The engine's planning step: decisions and refusals read from the sizes alone, inspectable
without computing a field; ``evaluate`` is ``execute(plan(...))``."""

from __future__ import annotations

import numpy as np
import pytest

import coildesign as cd
from coildesign.fields import engine


def helix(n=201):
    t = np.linspace(0, 10 * np.pi, n)
    return cd.Coil.from_polyline(np.c_[1e-3 * np.cos(t), 1e-3 * np.sin(t), np.linspace(-1e-3, 1e-3, n)],
                                 wire_diameter=1e-4)


def test_plan_reads_sizes_only_and_evaluate_executes_it():
    coil = helix()
    run = engine.plan(coil, 10_000, quantity="dB/dr", threads=2, chunk_points=3000)
    assert (run.method, run.threads, run.quantity, run.shape) == ("direct", 2, "dB/dr", (10_000, 3, 3))
    assert [(c.start, c.stop) for c in run.chunks] == [(0, 3000), (3000, 6000), (6000, 9000), (9000, 10_000)]
    # work in fast-path pair equivalents: points x segments x the dB/dr cost factor
    assert run.work_pairs == pytest.approx(10_000 * 200 * engine.PAIR_COST["segment dB/dr"], rel=1e-15, abs=0)
    assert run.one_blas_thread and not run.progress
    pts = np.random.default_rng(0).uniform(-2e-3, 2e-3, (500, 3))
    small = engine.plan(coil, 500, threads=1)
    np.testing.assert_array_equal(engine.execute(small, coil, pts, 2.0), cd.field(coil, pts, 2.0, threads=1))


def test_plan_refuses_oversized_work_before_anything_is_allocated():
    coil = helix()
    with pytest.raises(ValueError, match="Input points must be few enough for a direct sum"):
        engine.plan(coil, 10**9, method="direct", max_pairs=1e9)
    with pytest.raises(ValueError, match="Input points"):
        engine.plan(coil, 10**10, method="direct", max_pairs=1e20, max_memory=1e9)
    with pytest.raises(ValueError, match="Input quantity"):
        engine.plan(coil, 10, quantity="J")


def test_facade_sends_numpy_to_the_engine_with_the_quantity_names():
    coil = helix()
    pts = np.array([[0.0, 0.0, 0.0], [1e-4, 2e-4, 3e-4]])
    np.testing.assert_array_equal(cd.fields.evaluate(coil, pts, quantity="dB/dr"), cd.field_jacobian(coil, pts))
    np.testing.assert_array_equal(cd.fields.evaluate(coil, pts, quantity="A"), cd.vector_potential(coil, pts))


def test_small_and_medium_evaluations_hold_blas_to_one_thread():
    """From ``BLAS_LIMIT_PAIRS`` pairs on, the block sums' matrix products run with one BLAS
    thread (a two-thread product of (points x vertices) x 6 spun OpenBLAS's idle thread: 3-6x
    the CPU time); tiny evaluations skip the limit context."""
    coil = helix()
    assert engine.BLAS_LIMIT_PAIRS <= 1e5
    assert engine.plan(coil, 1000).one_blas_thread  # 200k pairs
    assert not engine.plan(coil, 10).one_blas_thread  # 2k pairs


def test_field_and_potential_in_one_pass_equal_two_calls():
    """quantity "B+A": B and A from one pass over the shared distances equal the two separate
    evaluations, for polylines (far pairs, near pairs and points inside the wire, which take the
    explicit kernels), loops and a coil of both, and for dask points."""
    poly = helix()
    loops = cd.Coil.from_loop(1e-3, wire_diameter=1e-4)
    both = cd.Coil([*poly.windings, *loops.windings], name="both")
    rng = np.random.default_rng(3)
    pts = np.vstack([rng.uniform(-2e-3, 2e-3, (700, 3)), poly.windings[0].vertices[::7] + 2e-5])
    for coil in (poly, loops, both):
        res = engine.evaluate(coil, pts, 2.0, quantity="B+A")
        assert res.shape == (len(pts), 6)
        np.testing.assert_allclose(res[:, :3], cd.field(coil, pts, 2.0), rtol=1e-13, atol=0)
        np.testing.assert_allclose(res[:, 3:], cd.vector_potential(coil, pts, 2.0), rtol=1e-13, atol=0)
    assert engine.plan(poly, 10, quantity="B+A").shape == (10, 6)
    da = pytest.importorskip("dask.array")
    lazy = cd.fields.evaluate(loops, da.from_array(pts[:20], chunks=7), quantity="B+A")
    np.testing.assert_array_equal(lazy.compute(), engine.evaluate(loops, pts[:20], quantity="B+A"))
    with pytest.raises(ValueError, match="Input method"):
        engine.plan(poly, 10, quantity="B+A", method="fmm")


def test_polyline_sources_layout_of_several_windings():
    """``polyline_sources`` of three windings (open and closed, turns, weights, wires): each
    winding's segments carry weight x turns and its wire radius, one zero-weight gap segment
    joins consecutive windings, and the rows equal their definitions w [P2 - P1, P1 x P2]
    (np.cross) and w (P2 - P1) / L, bit for bit, in origin-centred coordinates."""
    from coildesign.coil import Winding
    from coildesign.conductors import RoundWire
    rng = np.random.default_rng(3)
    windings = [Winding(rng.normal(size=(5, 3)) * 1e-3, turns=1),
                Winding(rng.normal(size=(7, 3)) * 1e-3, closed=True, turns=2, cross_section=RoundWire(1e-4)),
                Winding(rng.normal(size=(3, 3)) * 1e-3, turns=3, cross_section=RoundWire(2e-5))]
    coil = cd.Coil(windings, [1.0, -0.5, 2.25])
    src = engine.polyline_sources(coil)
    verts = np.vstack([w.vertices for w in windings])
    assert np.array_equal(src.verts, verts)
    expected_w, expected_r, expected_gap = [], [], []
    for k, (w, wt) in enumerate(zip(windings, (1.0, -1.0, 6.75))):
        n = len(w.vertices) - 1
        rw = 0.0 if w.cross_section is None else w.cross_section.field_radius
        expected_w += [wt] * n + ([0.0] if k < 2 else [])
        expected_r += [rw] * n + ([0.0] if k < 2 else [])
        expected_gap += [False] * n + ([True] if k < 2 else [])
    assert src.weights.tolist() == expected_w
    assert src.wire_radius.tolist() == expected_r
    assert src.gaps.tolist() == expected_gap
    origin = 0.5 * (verts.min(axis=0) + verts.max(axis=0))
    vc = verts - origin
    lv = np.diff(vc, axis=0)
    w = np.array(expected_w)[:, None]
    assert np.array_equal(src.origin, origin)
    assert np.array_equal(src.b_matrix, w * np.hstack([lv, np.cross(vc[:-1], vc[1:])]))
    length = np.sqrt((np.diff(verts, axis=0) ** 2).sum(axis=1))
    assert np.array_equal(src.length, length)
    safe = np.where(expected_gap, 1.0, length)[:, None]
    assert np.array_equal(src.a_matrix, np.hstack([w * lv / safe, np.zeros_like(lv)]))
    single = cd.Coil([windings[1]], [3.0])
    one = engine.polyline_sources(single)
    assert one.gaps is None and np.all(one.weights == 6.0) and one.b_matrix.flags.c_contiguous
