"""coildesign.optimize: differential evolution with integers, constraints, polish, back ends."""

import pytest

import coildesign as cd
from coildesign.studies import optimize
from coildesign.studies.optimization import parse_constraint
from tests._study_functions import Locked, mixed_quadratic

BOUNDS = {"n": (0, 10), "x": (-2.0, 2.0)}


def test_finds_known_integer_optimum():
    res = cd.optimize(mixed_quadratic, BOUNDS, objective="f", integers=("n",))
    assert res.point["n"] == 3 and isinstance(res.point["n"], int)
    assert res.point["x"] == pytest.approx(0.75, abs=1e-3)
    assert res.objective == pytest.approx(0.16, abs=1e-6)
    assert res.feasible and res.at_bounds() == []
    hist = res.history
    assert len(hist) == res.evaluations and set(hist["stage"]) == {"global", "polish"}
    assert hist["n"].map(type).eq(int).all()
    assert hist["f"].min() == pytest.approx(res.objective, rel=1e-12, abs=0)


def test_constraint_active_and_maximize():
    res = optimize(mixed_quadratic, BOUNDS, objective="neg_f", maximize=True, integers=("n",),
                   constraints=["x_copy >= 0.9"])
    assert res.point["n"] == 3
    assert res.point["x"] == pytest.approx(0.9, abs=1e-3)
    assert res.point["x"] >= 0.9
    assert res.metrics["f"] == pytest.approx(0.1825, abs=1e-4)
    assert res.active_constraints() == ["x_copy >= 0.9"]
    infeasible = res.history[~res.history["feasible"]]
    assert (infeasible["x_copy"] < 0.9).all() and len(infeasible) > 0


def test_same_points_on_processes_backend():
    serial = optimize(mixed_quadratic, BOUNDS, objective="f", integers=("n",), maxiter=5, polish=False)
    pooled = optimize(mixed_quadratic, BOUNDS, objective="f", integers=("n",), maxiter=5, polish=False,
                      backend="processes", workers=2)
    assert pooled.history[["n", "x", "f"]].equals(serial.history[["n", "x", "f"]])


def test_bad_inputs():
    with pytest.raises(ValueError, match="Input constraints must be entries like"):
        parse_constraint("x > 1")
    with pytest.raises(ValueError, match=r"Input bounds\['x'\] must be a pair with high > low"):
        optimize(mixed_quadratic, {"n": (0, 3), "x": (1.0, 1.0)}, objective="f")
    with pytest.raises(TypeError, match="Input func must be picklable"):
        optimize(Locked(), {"x": (0.0, 1.0)}, objective="x", backend="processes")
