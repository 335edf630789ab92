"""Tests of coildesign.rf.helix_fields: B and A of a uniform polyline helix with one logarithm
per direction equal the field engine's "B+A", and the path declines what it does not cover."""

from __future__ import annotations

import numpy as np
import pytest

from coildesign.fields import engine
from coildesign.geometries import solenoid
from coildesign.rf import helix_fields
from coildesign.rf.helix_fields import MAX_FAR_RATIO, half_turn, helix_field_and_potential, segments_per_turn
from coildesign.rf.sample import Cylinder


def _agree(coil, points, want=None):
    """The path's [B, A] against the engine's (``want`` when already evaluated), to 1e-13 of each
    vector's length."""
    got = helix_field_and_potential(coil, points)
    want = engine.evaluate(coil, points, quantity="B+A") if want is None else want
    assert got is not None
    for part in (slice(0, 3), slice(3, 6)):
        scale = np.linalg.norm(want[:, part], axis=1)[:, None]
        assert (np.abs(got[:, part] - want[:, part]) <= 1e-13 * scale).all()


@pytest.mark.parametrize(("radius", "length", "turns", "wire", "ppt"), [
    (0.55e-3, 1.0e-3, 5, 0.1e-3, 64),    # the benchmark's microcoil
    (1.0e-3, 3.0e-3, 7.5, 0.2e-3, 24),   # a last half turn
    (0.5e-3, 0.5e-3, 5, 0.1e-3, 32),     # touching turns
    (0.5e-3, 0.2e-3, 0.5, 0.1e-3, 64),   # half a turn: fewer segments than a turn has
])
def test_equals_the_engine_inside_and_around_the_helix(radius, length, turns, wire, ppt):
    coil = solenoid(radius, length, turns, wire_diameter=wire, points_per_turn=ppt)
    coil = coil.rotate(90.0, (0, 1, 0)).translate((1e-3, 0, 2e-3))
    assert segments_per_turn(coil) == ppt
    inside, _ = Cylinder(0.7 * radius, length, center=(1e-3, 0, 2e-3), axis=tuple(coil.axis)).points((4, 8, 6))
    rng = np.random.default_rng(3)
    around = np.array([1e-3, 0, 2e-3]) + rng.uniform(-3, 3, (40, 3)) * max(radius, length)
    _agree(coil, np.vstack([inside, around]))


@pytest.mark.parametrize("product_form", [True, False])
def test_both_distance_forms_equal_the_engine(monkeypatch, product_form):
    """A sample inside the benchmark's microcoil ((max |p|^2 + max |v|^2) / min R^2 ~ 40): the
    distances from the matrix product |p|^2 + |v|^2 - 2 p.v (taken: the exact offsets are never
    formed) and from the exact offsets (GRAM_RATIO = 0 refuses the product) both equal the engine."""
    coil = solenoid(0.55e-3, 1e-3, 5, wire_diameter=0.1e-3).rotate(90.0, (0, 1, 0))
    points, _ = Cylinder(0.4e-3, 1e-3, axis=tuple(coil.axis)).points((6, 12, 8))
    want = engine.evaluate(coil, points, quantity="B+A")
    if product_form:
        def refuse(*args, **kwargs):
            raise AssertionError("the exact offsets were formed")

        monkeypatch.setattr(helix_fields, "_exact_distances", refuse)
    else:
        monkeypatch.setattr(helix_fields, "GRAM_RATIO", 0.0)
    _agree(coil, points, want)


@pytest.mark.parametrize(("turns", "ppt"), [(5, 64), (5, 13), (7.5, 24)])  # 320, 65 (a middle segment), 180 segments
def test_half_turn_maps_helix_and_centred_sample_onto_themselves(monkeypatch, turns, ppt):
    """The rotation R by pi about the line through the middle of the helix, perpendicular to its
    axis, maps vertex k to vertex n - k (the current reversed), so B(R p) = -R B(p) and
    A(R p) = -R A(p) (checked with the engine at random points); the quadrature of a coaxial
    sample centred on the coil is mapped onto itself, and the path evaluates one point of each
    pair and equals the engine; off centre, every point is evaluated."""
    centre = np.array([1e-3, 0.0, 2e-3])
    coil = solenoid(0.55e-3, 1e-3, turns, wire_diameter=0.1e-3, points_per_turn=ppt)
    coil = coil.rotate(90.0, (0, 1, 0)).translate(tuple(centre))
    o, w, rot = half_turn(coil)
    v = coil.windings[0].vertices
    assert abs(w @ coil.axis) < 1e-14 and np.abs((v - o) @ rot + o - v[::-1]).max() < 1e-17
    rng = np.random.default_rng(5)
    p = centre + rng.uniform(-0.4e-3, 0.4e-3, (30, 3))
    direct = engine.evaluate(coil, p, quantity="B+A")
    mirrored = engine.evaluate(coil, (p - o) @ rot + o, quantity="B+A")
    for part in (slice(0, 3), slice(3, 6)):
        scale = np.linalg.norm(direct[:, part], axis=1)
        assert (np.linalg.norm(mirrored[:, part] + direct[:, part] @ rot, axis=1) <= 1e-13 * scale).all()
    evaluated = []
    evaluate = helix_fields._evaluate

    def counting(src, local, *args):
        evaluated.append(len(local))
        return evaluate(src, local, *args)

    monkeypatch.setattr(helix_fields, "_evaluate", counting)
    for shift, share in ((0.0, 2), (1e-5, 1)):
        sample = Cylinder(0.4e-3, 1e-3, center=tuple(centre + shift), axis=tuple(coil.axis))
        points, _ = sample.points((6, 12, 8))
        _agree(coil, points)
        assert evaluated[-1] == len(points) // share


def test_many_turns_multiply_in_groups():
    """More than TURNS_PER_LOG turns: the per-turn products are taken in groups (no overflow)."""
    coil = solenoid(0.5e-3, 60e-3, 300, wire_diameter=0.1e-3, points_per_turn=8)
    pts = np.array([[0.0, 0.0, z] for z in np.linspace(-35e-3, 35e-3, 15)] + [[0.3e-3, 0.1e-3, 1e-3]])
    _agree(coil, pts)


def test_declines_what_it_does_not_cover(monkeypatch):
    coil = solenoid(0.5e-3, 1e-3, 5, wire_diameter=0.1e-3, points_per_turn=16)
    rings = solenoid(0.5e-3, 1e-3, 5, wire_diameter=0.1e-3, stacked=True)
    odd = solenoid(0.5e-3, 1e-3, 5.25, wire_diameter=0.1e-3, points_per_turn=10)  # 53 segments: 2 pi / 10.1 a step
    assert segments_per_turn(rings) is None and segments_per_turn(odd) is None and segments_per_turn("coil") is None
    pts = np.array([[0.0, 0.0, 0.0], [0.1e-3, 0.0, 0.2e-3]])
    assert helix_field_and_potential(rings, pts) is None
    assert helix_field_and_potential(odd, pts) is None
    on_wire = np.vstack([pts, coil.windings[0].vertices[3]])  # a pair nearer than the fast-path bound
    assert helix_field_and_potential(coil, on_wire) is None
    for bad in (np.array([[0.0, np.nan, 0.0]]), np.zeros((2, 2)), np.zeros((0, 3))):  # the engine's checks
        assert helix_field_and_potential(coil, bad) is None
    # far points (u > MAX_FAR_RATIO L: ln of the ratio would lose more than ~1e-13) go to the engine
    shortest = np.linalg.norm(np.diff(coil.windings[0].vertices, axis=0), axis=1).min()
    far = np.vstack([pts, [0.0, 0.0, MAX_FAR_RATIO * shortest]])
    assert helix_field_and_potential(coil, far) is None
    monkeypatch.setattr(engine, "AUTO_THREAD_PAIRS", 10)  # large problems go to the engine
    assert helix_field_and_potential(coil, pts) is None


def test_blas_limited_by_the_caller_gives_the_same_numbers():
    """``_field_and_potential(..., blas_limited=True)`` (the caller holds BLAS to one thread, as
    ``CoilCircuit.from_coil`` does) runs the same arithmetic: bit for bit equal."""
    from coildesign._runtime import one_blas_thread

    coil = solenoid(0.55e-3, 1e-3, 5, wire_diameter=0.1e-3).rotate(90.0, (0, 1, 0))
    points, _ = Cylinder(0.4e-3, 1e-3, axis=tuple(coil.axis)).points((6, 12, 8))
    with one_blas_thread():
        limited = helix_fields._field_and_potential(coil, points, blas_limited=True)
    assert np.array_equal(limited, helix_field_and_potential(coil, points))
