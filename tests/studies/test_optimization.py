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


def test_misspelt_objective_and_constraint_get_did_you_mean():
    with pytest.raises(ValueError, match=r"Input objective must be a metric the function returns, one of: f, neg_f, "
                       r"x_copy \(did you mean 'f'\?\); instead received 'F'"):
        optimize(mixed_quadratic, BOUNDS, objective="F", integers=("n",), maxiter=2)
    with pytest.raises(ValueError, match=r"Input constraints .*did you mean 'x_copy'\?\); instead received 'x_cpy'"):
        optimize(mixed_quadratic, BOUNDS, objective="f", constraints=["x_cpy >= 0.9"], integers=("n",), maxiter=2)
    with pytest.raises(ValueError, match=r"Input bounds name 'turn' .*did you mean 'turns'"):
        optimize(cd.studies.microcoil, {"turn": (2, 8)}, objective="snr", integers=("turn",))
    # built-in study functions: the metric names are known before anything runs
    with pytest.raises(ValueError, match=r"Input objective must be a metric of microcoil\(\).*did you mean 'snr'"):
        optimize(cd.studies.microcoil, {"turns": (2, 8)}, objective="SNR", fixed={"wire_diameter": 5e-5,
                                                                                   "pitch": 1e-4})


def test_every_design_failing_raises_with_the_first_error():
    from tests._study_functions import always_fails, nan_objective

    with pytest.raises(ValueError, match=r"none of the \d+ designs evaluated gave a result .*first error: "
                       r"ZeroDivisionError: no design at x ="):
        optimize(always_fails, {"x": (0.0, 1.0)}, objective="f", maxiter=2, popsize=3)
    with pytest.raises(ValueError, match="returned a non-finite 'f'"):
        optimize(nan_objective, {"x": (0.0, 1.0)}, objective="f", maxiter=2, popsize=3)


def test_no_feasible_design_warns_and_says_feasible_false():
    with pytest.warns(UserWarning, match="no evaluated design satisfies the constraints x_copy >= 5"):
        res = optimize(mixed_quadratic, BOUNDS, objective="f", constraints="x_copy >= 5", integers=("n",),
                       maxiter=3, polish=False)
    assert not res.feasible and res.point["x"] == pytest.approx(2.0, rel=0.05)
