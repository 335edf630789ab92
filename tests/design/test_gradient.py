"""Target-field gradient design (coildesign.design.gradient): the wires are judged as wires.

Coarse meshes keep these fast; the full-size demonstrations are in examples/target_field_design.py
and benchmarks/bench_design.py.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import coildesign as cd
from coildesign import design
from coildesign.analysis import gradient_efficiency, linearity
from coildesign.analysis.forces import lorentz_forces
from coildesign.analysis.gradient import dense_field_deviation
from coildesign.design import gradient as gradient_module
from coildesign.design.gradient import AXES, _targets, connect_nests
from coildesign.surfaces.operators import StreamFunctionOperators
from coildesign.symmetry import winding_orbits

A, LENGTH, DSV = 5e-3, 20e-3, 2.5e-3
FAST = {"n_targets": 800, "refine": 1, "allow_violations": True}  # coarse: may miss the spacing


@pytest.fixture(scope="module")
def surface():
    return design.cylinder(A, LENGTH, resolution=2 * np.pi * A / 24)


@pytest.fixture(scope="module")
def gz(surface):
    return design.gradient_coil(surface, "z", DSV, 0.05, turns=6, wire_diameter=0.3e-3, **FAST)


@pytest.fixture(scope="module")
def gx(surface):
    return design.gradient_coil(surface, "x", DSV, 0.05, turns=6, wire_diameter=0.3e-3, **FAST)


@pytest.mark.parametrize("name", ["gz", "gx"])
def test_wires_are_connected_open_windings_with_positive_gradient(name, request):
    res = request.getfixturevalue(name)
    coil = res.coil
    assert coil.role == "gradient" and coil.name == f"G{res.axis}"
    assert all(isinstance(w, cd.Winding) and not w.closed for w in coil.windings)
    # one winding per nest of contours: z has one per half, x one per quadrant (fingerprints)
    assert len(coil.windings) >= (2 if name == "gz" else 4)
    assert gradient_efficiency(coil, res.axis) > 0  # positive current -> positive gradient
    assert res.status.startswith("Solved")


@pytest.mark.parametrize("name", ["gz", "gx"])
def test_reported_figures_are_those_of_the_wires(name, request):
    res = request.getfixturevalue(name)
    lin = linearity(res.coil, DSV, axis=res.axis, n=21)
    assert res.efficiency == pytest.approx(lin.efficiency, rel=1e-12, abs=0)
    dense = dense_field_deviation(res.coil, DSV, res.axis)
    assert res.max_deviation == pytest.approx(dense.max_deviation, rel=1e-12, abs=0)
    assert res.max_deviation >= lin.max_field_deviation  # the dense figure holds the grid's
    assert res.inductance == pytest.approx(cd.analysis.inductance(res.coil, gmd_points=4, order=4), rel=1e-12, abs=0)
    # 4 Gauss nodes (the design's) against the analysis default of 8: same L to the quadrature's error
    assert res.inductance == pytest.approx(cd.analysis.inductance(res.coil, gmd_points=4), rel=1e-8, abs=0)
    assert res.inductance == pytest.approx(cd.analysis.inductance(res.coil), rel=1e-4, abs=0)
    assert res.wire_length == pytest.approx(res.coil.wire_length, rel=1e-12, abs=0)
    assert res.figure_of_merit == pytest.approx(res.efficiency**2 / res.inductance, rel=1e-12)


def test_continuous_solution_meets_the_bound_at_every_target_point(surface):
    """With no refinement the QP bound holds for the continuous current at every target point
    (to the solver tolerance) and the centre gradient equals the design gradient exactly."""
    res = design.gradient_coil(surface, "x", DSV, 0.04, turns=6, wire_diameter=0.3e-3, n_targets=800, refine=0,
                               allow_violations=True)
    assert res.continuous["max_deviation"] <= 0.04 * (1 + 1e-6)
    ops = design.surface_operators(surface)
    jac = ops.jacobian_operator(np.zeros(3)) @ res.stream_function
    assert jac[2, AXES["x"]] == pytest.approx(1.0, rel=1e-7)


def test_symmetric_design_has_the_target_parities(gx):
    """Gx: Bz odd in x, even in y and z (the mirror parities imposed on psi), to the field
    quadrature's tolerance (1e-6: the collapsed Gauss rule is not itself mirror symmetric)."""
    pts = _targets(DSV, np.zeros(3), 200)
    ops = design.surface_operators(gx.surface)
    bz = ops.field_operator(pts)[:, 2] @ gx.stream_function
    for axis, parity in ((0, -1), (1, 1), (2, 1)):
        mirrored = pts.copy()
        mirrored[:, axis] *= -1
        bz_m = ops.field_operator(mirrored)[:, 2] @ gx.stream_function
        assert np.abs(bz_m - parity * bz).max() <= 1e-6 * np.abs(bz).max()


def test_scale_invariance():
    """Every length x10: eta x 1/100, L x 10, same deviations, with nothing retuned (the
    regularisation and all thresholds are dimensionless); to 1e-4, the interior-point solver's
    stopping tolerance on the (differently scaled) problem."""
    out = []
    for s in (1.0, 10.0):
        surf = design.cylinder(s * A, s * LENGTH, resolution=s * 2 * np.pi * A / 20)
        out.append(design.gradient_coil(surf, "z", s * DSV, 0.05, turns=5, wire_diameter=s * 0.3e-3, n_targets=600,
                                        refine=0, allow_violations=True))
    small, big = out
    assert big.efficiency / small.efficiency == pytest.approx(1e-2, rel=1e-4)
    assert big.inductance / small.inductance == pytest.approx(10.0, rel=1e-4)
    assert big.continuous["inductance"] / small.continuous["inductance"] == pytest.approx(10.0, rel=1e-4)
    assert big.max_deviation == pytest.approx(small.max_deviation, rel=1e-3)


def test_least_squares_path_is_scale_invariant():
    res = []
    for s in (1.0, 10.0):
        surf = design.cylinder(s * A, s * LENGTH, resolution=s * 2 * np.pi * A / 20)
        res.append(design.gradient_coil(surf, "x", s * DSV, turns=5, wire_diameter=s * 0.3e-3, n_targets=600,
                                        method="least_squares", allow_violations=True))
    assert res[1].continuous["efficiency"] / res[0].continuous["efficiency"] == pytest.approx(1e-2, rel=1e-6)
    assert res[1].continuous["max_deviation"] == pytest.approx(res[0].continuous["max_deviation"], rel=1e-6)


def test_minimum_inductance_and_minimum_power_designs_differ_as_theory_says(surface):
    """Same constraints, two objectives: each design is optimal for its own objective, so the
    L-optimal psi has the lower psi^T L psi and the power-optimal psi the lower psi^T R psi."""
    kw = {"turns": 6, "wire_diameter": 0.3e-3, "n_targets": 800, "refine": 0, "allow_violations": True}
    l_opt = design.gradient_coil(surface, "z", DSV, 0.05, objective="inductance", **kw)
    p_opt = design.gradient_coil(surface, "z", DSV, 0.05, objective="power", **kw)
    ops = design.surface_operators(surface)
    lmat = ops.inductance_matrix()
    rmat = ops.resistance_matrix(0.3e-3, 1.7e-8)

    def energy(m, psi):
        return float(psi @ m @ psi)

    assert energy(lmat, l_opt.stream_function) < energy(lmat, p_opt.stream_function)
    assert energy(rmat, p_opt.stream_function) < energy(rmat, l_opt.stream_function)


def test_zero_net_force_and_torque(surface):
    """With zero_force / zero_torque the continuous current has no net force or torque in B0
    (to the solver's tolerance); the wires add only their radial leads and lifted jogs, whose
    net force is at most one wire pitch (the lift) x I B0 per winding."""
    res = design.gradient_coil(surface, "x", DSV, 0.05, turns=6, wire_diameter=0.3e-3, zero_force=True,
                               zero_torque=True, **FAST)
    ops = design.surface_operators(surface)
    b0 = np.array([0.0, 0.0, 1.0])
    scale = np.abs(ops.current_density(res.stream_function)).max() * surface.areas.sum()  # |J| A B0 [N]
    assert np.abs(ops.force_operator(b0) @ res.stream_function).max() <= 1e-6 * scale
    assert np.abs(ops.torque_operator(b0) @ res.stream_function).max() <= 1e-6 * scale * A
    forces = lorentz_forces(res.coil, b0=1.0)
    lift = res.wire_diameter + res.clearance
    assert np.linalg.norm(forces.net_force) <= len(res.coil.windings) * lift * (1 + 1e-9)


def test_biplanar_insert():
    """Planes 3 mm apart around a 1 mm cube (its circumscribed sphere, r = 0.866 mm) at 5 %."""
    surf = design.biplanar(3e-3, 8e-3, 8e-3, resolution=8e-3 / 16)
    res = design.gradient_coil(surf, "x", np.sqrt(3) * 0.5e-3, 0.05, turns=6, wire_diameter=0.1e-3, n_targets=600,
                               refine=1, allow_violations=True)
    assert res.efficiency > 0 and res.inductance > 0 and res.resistance > 0
    assert all(not w.closed for w in res.coil.windings)
    assert 1.2 / res.efficiency < 100  # amperes for 1.2 T/m: a bench amplifier drives it


def test_infeasible_design_is_refused_with_advice(surface):
    with pytest.raises(design.InfeasibleDesignError, match="max_deviation"):
        design.gradient_coil(surface, "z", 0.8 * A, 1e-5, turns=4, wire_diameter=0.3e-3, n_targets=400, modes=10,
                             refine=0)


@pytest.mark.parametrize("limits, binding", [
    ({"max_deviation": 1e-5}, ("max_deviation",)),
    ({"max_deviation": 0.05, "min_efficiency": 10.0}, ("min_efficiency",)),
    ({"max_deviation": 1e-5, "min_efficiency": 10.0}, ()),
])
def test_infeasible_problem_names_its_binding_limit(surface, limits, binding):
    """The solver's infeasibility is re-examined with one constraint family relaxed at a time:
    a 1e-5 bound alone, or a current limit of 10 T/(m A) at 4 turns alone (|psi| <= 0.4 A where
    the gradient needs more), is named; with both, neither alone restores a solution."""
    with pytest.raises(design.InfeasibleDesignError) as err:
        design.gradient_coil(surface, "z", DSV, turns=4, wire_diameter=0.3e-3, n_targets=400, modes=10, refine=0,
                             **limits)
    assert err.value.binding == binding
    if binding:
        assert f"the binding limit: {binding[0]} (relaxing it alone" in str(err.value)
    else:
        assert "no single limit is binding" in str(err.value) and "max_deviation, min_efficiency" in str(err.value)


def test_bad_inputs_name_the_parameter(surface):
    with pytest.raises(ValueError, match="axis"):
        design.gradient_coil(surface, "w", DSV)
    with pytest.raises(ValueError, match="dsv_radius"):
        design.gradient_coil(surface, "z", 2 * A)
    with pytest.raises(TypeError, match="surface"):
        design.gradient_coil("cylinder", "z", DSV)
    with pytest.raises(ValueError, match="objective"):
        design.gradient_coil(surface, "z", DSV, objective="cheap")


def test_export_writes_manufacturing_files(gz, tmp_path):
    written = gz.export(tmp_path)
    names = {p.name for p in written}
    assert {"Gz_target_field.csv", "Gz_target_field.npz", "Gz_target_field.vtp", "Gz_target_field.stl",
            "Gz_target_field.json", "Gz_target_field.png"} <= names
    back = cd.export.read_csv(tmp_path / "Gz_target_field.csv")
    assert back.wire_length == pytest.approx(gz.coil.wire_length, rel=1e-9)
    assert "wires" in gz.table() and "continuous" in gz.table()


@pytest.mark.slow
def test_mesh_convergence_of_the_continuous_solution():
    """Refining the mesh changes eta and L of the continuous optimum by <= 1 % between the two
    finest levels (issue 9), for a fixed smooth basis (the 40 lowest symmetric modes)."""
    rows = []
    for n_around in (24, 32, 40):
        surf = design.cylinder(A, LENGTH, resolution=2 * np.pi * A / n_around)
        res = design.gradient_coil(surf, "z", DSV, 0.05, turns=6, wire_diameter=0.3e-3, n_targets=800, refine=0,
                                   allow_violations=True,
                                   modes=40)
        rows.append((surf.n_vertices, res.continuous["efficiency"] * res.wire_current, res.continuous["inductance"]
                     * res.wire_current**2))
    print("\nvertices  eta per unit psi [T/(m A)]  psi^T L psi [H A^2]")
    for r in rows:
        print(f"{r[0]:8d}  {r[1]:.6g}  {r[2]:.6g}")
    # eta per unit psi is fixed at G0 = 1 T/m by the equality constraint; L is the figure that converges
    assert rows[-1][2] == pytest.approx(rows[-2][2], rel=0.01)


def test_shielded_design_bounds_the_stray_field(surface):
    """With a shield surface the continuous current keeps |Bz| <= max_stray G0 R_dsv on the stray
    cylinder (1.2 x the shield radius), and the stray field falls well below the unshielded
    design's there."""
    shield = design.cylinder(1.6 * A, LENGTH, resolution=2 * np.pi * 1.6 * A / 32, name="shield")
    kw = {"turns": 6, "wire_diameter": 0.2e-3, "n_targets": 600, "refine": 0, "allow_violations": True}
    bare = design.gradient_coil(surface, "z", DSV, 0.05, **kw)
    shielded = design.gradient_coil(surface, "z", DSV, 0.05, shield=shield, max_stray=0.01, **kw)
    stray = design.gradient._stray_points(shielded.surface, 1.2 * 1.6 * A)
    ops = design.surface_operators(shielded.surface)
    bz = ops.field_operator(stray)[:, 2] @ shielded.stream_function
    assert np.abs(bz).max() <= 0.01 * 1.0 * DSV * (1 + 1e-6)
    bz_bare = design.surface_operators(bare.surface).field_operator(stray)[:, 2] @ bare.stream_function
    assert np.abs(bz).max() < 0.2 * np.abs(bz_bare).max()
    assert shielded.coil.windings and shielded.efficiency > 0


def test_slivers_between_same_level_loops_are_dropped():
    """Two same-level loops running within a pitch of each other bound a sliver: both go."""
    from coildesign.design.contours import ContourLoop, drop_slivers

    t = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    ring = np.c_[np.cos(t), np.sin(t), 0 * t] * 1e-3
    normals = np.c_[0 * t, 0 * t, 1 + 0 * t]
    a = ContourLoop(ring, 1.0, normals)
    b = ContourLoop(ring * 1.01, 1.0, normals)  # 10 um away
    c = ContourLoop(ring * 1.5, 1.0, normals)  # 0.5 mm away: a real neighbour
    d = ContourLoop(ring * 1.02, 2.0, normals)  # close but another level: a wire of its own
    kept = drop_slivers([a, b, c, d], 0.1e-3)
    assert [lp.level for lp in kept] == [1.0, 2.0] and kept[0] is c


COARSE_12MM = {"resolution": 2 * np.pi * 6e-3 / 24}


def test_unreachable_bound_is_refused_naming_the_deviation():
    """The issue's Gy on a 12 mm bore at 0.1 %: no wire set reaches it; the design is refused
    with the measured deviation and the amount by which it misses, never returned as Solved."""
    surf = design.cylinder(6e-3, 30e-3, **COARSE_12MM)
    with pytest.raises(design.InfeasibleDesignError, match=r"exceeds max_deviation 0.1 % by"):
        design.gradient_coil(surf, "y", 3.5e-3, 0.001, turns=12, wire_diameter=0.2e-3, n_targets=800, refine=1)


def test_allowed_violations_warn_and_mark_the_design_unbuildable():
    surf = design.cylinder(6e-3, 30e-3, **COARSE_12MM)
    with pytest.warns(UserWarning, match="not buildable"):
        res = design.gradient_coil(surf, "y", 3.5e-3, 0.001, turns=12, wire_diameter=0.2e-3, n_targets=800,
                                   refine=1, allow_violations=True)
    assert not res.buildable and res.violations and "violates" in res.status
    assert res.max_deviation > 0.001
    assert "NO (" in res.table() and res.as_dict()["violations"] == list(res.violations)


def test_spacing_violation_is_refused_naming_the_spacing(surface):
    """0.5 mm wire at 10 turns on the coarse 10 mm cylinder after one refinement round: the wires
    meet the deviation bound but stand closer than a pitch (0.38 mm for 0.55 mm); the error says
    how far apart and how much is missing."""
    with pytest.raises(design.InfeasibleDesignError, match=r"mm apart \(centre to centre\).*mm short"):
        design.gradient_coil(surface, "z", DSV, 0.05, turns=10, wire_diameter=0.5e-3, n_targets=800, refine=1)


def test_export_length_unit_for_cad(gz, tmp_path):
    pv = pytest.importorskip("pyvista")
    metres = pv.read(next(p for p in gz.export(tmp_path / "m") if p.suffix == ".stl"))
    mm = pv.read(next(p for p in gz.export(tmp_path / "mm", unit="mm") if p.suffix == ".stl"))
    assert np.asarray(mm.bounds) == pytest.approx(1e3 * np.asarray(metres.bounds), rel=1e-6)
    with pytest.raises(ValueError, match="unit"):
        gz.export(tmp_path, unit="inch")


@pytest.mark.slow
def test_reported_deviation_is_the_true_maximum_12mm_gy():
    """The issue's Gy on a 12 mm bore (DSV 3.5 mm, 12 turns of 0.2 mm) reported 4.995 % where 3,000
    surface points gave 5.12 %: now the reported figure is the dense maximum, which an independent
    scan (magpylib on the wires, 40,000 surface points, the R/10 grid and the circles |y| = 0.1 R)
    does not exceed by more than 0.01 points, and it meets the bound."""
    magpylib = pytest.importorskip("magpylib")
    res = design.gradient_coil(design.cylinder(6e-3, 30e-3), "y", 3.5e-3, 0.05, turns=12, wire_diameter=0.2e-3)
    r = 3.5e-3
    pts = np.vstack([cd.analysis.regions.Region("sphere", r).sample(21, n_surface=40_000),
                     cd.analysis.gradient.dense_check_points(r, s_hat=(0, 1, 0), n_surface=100)])
    lines = [magpylib.current.Polyline(current=1.0, vertices=w.points) for w in res.coil.windings]
    bz = magpylib.Collection(*lines).getB(pts)[:, 2]
    true = cd.analysis.gradient.bounded_deviation(bz, pts[:, 1], res.efficiency, r, 0.1, "pointwise").max()
    assert true <= res.max_deviation + 1e-4
    assert res.max_deviation <= 0.05 and res.buildable


def _biplanar_z():
    res = design.gradient_coil(design.biplanar(8e-3, 16e-3), "z", 2e-3, 0.05, turns=10, wire_diameter=0.2e-3)
    return np.concatenate([res.coil.windings[0].points.ravel(), [res.efficiency, res.inductance, res.max_deviation,
                                                                  len(res.coil.windings)]])


@pytest.mark.slow
def test_identical_inputs_give_identical_designs_in_one_process_and_fresh_ones():
    """The issue's biplanar Gz three times in this process and twice in fresh interpreters: the
    same wires and figures to 1e-9 (no state carried between calls, e.g. ARPACK's start vector)."""
    here = [_biplanar_z() for _ in range(3)]
    code = ("import numpy as np, sys; sys.path.insert(0, '.'); from tests.design.test_gradient import _biplanar_z; "
            "np.save(sys.stdout.buffer, _biplanar_z())")
    fresh = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True,
                             cwd=str(Path(__file__).resolve().parents[2]))
        fresh.append(np.load(io.BytesIO(out.stdout)))
    for other in here[1:] + fresh:
        assert other.shape == here[0].shape
        assert np.allclose(other, here[0], rtol=1e-9, atol=0)


def _readme_gx():
    res = design.gradient_coil(design.cylinder(5e-3, 25e-3), "x", dsv_radius=3e-3, max_deviation=0.05, turns=10,
                               wire_diameter=0.25e-3)
    return np.concatenate([np.concatenate([w.points.ravel() for w in res.coil.windings]),
                           [res.efficiency, res.inductance, res.max_deviation, len(res.coil.windings)]])


@pytest.mark.slow
def test_designs_do_not_depend_on_the_blas_thread_count():
    """The README's Gx design in fresh interpreters with the BLAS/OpenMP thread count set to 1 and
    to 2: the same wires to 0.1 um and figures to 1e-6. A design holds BLAS to one thread itself
    (``design.gradient._design``), so the two should agree to the bit; where they did not, the
    stream function differed by a few units of round-off (products summed in another order), and
    no decision on the wires may hinge on that (a lifted return piece raised, or not, by a
    comparison at round-off level gave another wire: 16 mm apart at a return piece, eta^2/L 17205
    instead of 17224, 1e-3). The
    tolerance leaves room for the level optimisation's continuous response (measured 8e-9 m)."""
    code = ("import numpy as np, sys; sys.path.insert(0, '.'); from tests.design.test_gradient import _readme_gx; "
            "np.save(sys.stdout.buffer, _readme_gx())")
    runs = []
    for threads in ("1", "2"):
        env = dict(os.environ, OMP_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
        runs.append(subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env,
                                     cwd=str(Path(__file__).resolve().parents[2])))
    one, two = [np.load(io.BytesIO(run.communicate()[0])) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert one.shape == two.shape
    assert np.abs(one[:-4] - two[:-4]).max() < 1e-7
    assert np.allclose(one[-4:], two[-4:], rtol=1e-6, atol=0)


def test_joined_windings_are_one_conductor_with_modelled_jumpers(surface, gx):
    """join_windings: the nests' windings in series as one open winding (two terminals); the
    jumpers are wires of the coil, so the wire is longer than the separate windings together, and
    no point of it goes inside the former (jumpers run above the leads)."""
    joined = design.gradient_coil(surface, "x", DSV, 0.05, turns=6, wire_diameter=0.3e-3, join_windings=True, **FAST)
    assert len(joined.coil.windings) == 1 and len(joined.terminals) == 1
    assert len(gx.terminals) == len(gx.coil.windings) >= 4
    assert joined.coil.wire_length > gx.coil.wire_length
    rho = np.hypot(*joined.coil.windings[0].points[:, :2].T)
    assert rho.min() >= A * np.cos(np.pi / 24) * (1 - 1e-9)  # the facets' inscribed radius
    assert joined.as_dict()["windings"] == 1 and len(joined.as_dict()["terminals_m"]) == 1
    assert "windings / terminals" in joined.table()


def _rings(centre, pitch, sides=48, reverse=False):
    """Three nested regular polygons a pitch apart in the plane z = 0 (normals +z) about ``centre``."""
    t = 2 * np.pi * np.arange(sides) / sides
    nest = []
    for k in range(3):
        r = 1e-3 - k * pitch / np.cos(np.pi / sides)
        ring = np.c_[centre[0] + r * np.cos(t), centre[1] + r * np.sin(t), 0 * t]
        ring = np.roll(ring[::-1], 5, axis=0) if reverse else ring
        nest.append(design.contours.ContourLoop(ring, float(k + 0.5), np.tile([0.0, 0.0, 1.0], (sides, 1))))
    return nest


@pytest.mark.parametrize("reverse", [False, True])
def test_mirror_image_nest_gets_the_mirrored_winding(reverse):
    """A nest that is the x-mirror image of another (its loops run either way round) is joined by
    mirroring the other's connected path, run backwards where its current runs against the
    mirrored loops: the winding is the exact mirror image and follows its own loops' current."""
    pitch = 0.1e-3
    a = _rings((2e-3, 0.5e-3), pitch)
    b = [design.contours.ContourLoop(lp.points * [-1.0, 1.0, 1.0], lp.level, lp.normals) for lp in a]
    if reverse:
        b = [design.contours.ContourLoop(np.roll(lp.points[::-1], 7, axis=0), lp.level, lp.normals) for lp in b]
    (pa, ja), (pb, jb) = connect_nests([a, b], pitch, 4 * pitch, np.zeros(3))
    assert np.array_equal(pa, design.contours.connect(a, pitch, 4 * pitch, np.zeros(3))[0])
    mirrored = pa * [-1.0, 1.0, 1.0]
    assert np.array_equal(pb, mirrored[::-1] if reverse else mirrored)  # exact: no round-off
    assert np.array_equal(jb, np.sort(len(pa) - 1 - ja) if reverse else ja)
    # the path runs round b's outer loop in that loop's own current direction
    outer = b[0].points
    i = int(np.argmin(np.linalg.norm(outer - pb[jb[0] + 2], axis=1)))
    step = pb[jb[0] + 3] - pb[jb[0] + 2]
    assert step @ (outer[(i + 1) % len(outer)] - outer[i]) > 0


def test_nests_that_are_no_mirror_images_are_connected_each_on_its_own():
    """A nest moved 1 um off the mirror image of another is connected by ``contours.connect``."""
    pitch = 0.1e-3
    a = _rings((2e-3, 0.5e-3), pitch)
    b = _rings((-2e-3 - 1e-6, 0.5e-3), pitch)
    paths = connect_nests([a, b], pitch, 4 * pitch, np.zeros(3))
    for (path, junc), nest in zip(paths, (a, b)):
        own, own_junc = design.contours.connect(nest, pitch, 4 * pitch, np.zeros(3))
        assert np.array_equal(path, own) and np.array_equal(junc, own_junc)


def test_symmetric_design_has_mirror_image_windings(gx):
    """Gx's four windings are exact mirror images of the first (one orbit of the coil's mirror
    symmetries: its cut, jog, return and leads included)."""
    w0 = gx.coil.windings[0].points
    assert len(winding_orbits(gx.coil)) == 1
    for w in gx.coil.windings[1:]:
        assert any(np.array_equal(w.points, w0 * t) or np.array_equal(w.points, (w0 * t)[::-1])
                   for t in ([-1, 1, 1], [1, -1, 1], [1, 1, -1], [-1, -1, 1], [-1, 1, -1], [1, -1, -1],
                             [-1, -1, -1]))


def _design_with(coupling_rows: bool, n: int):
    """The coarse cylinder's Gz (n = 1) or Z2 shim (n = 2) with the designer's cached operators
    built with the face coupling filled from the rotation (the default) or evaluated row by row."""
    surface = design.cylinder(A, LENGTH, resolution=2 * np.pi * A / 24)
    if coupling_rows:
        gradient_module._OPERATORS[surface] = StreamFunctionOperators(surface, rotation_symmetry=False)
    ops = design.surface_operators(surface)
    assert ops.rotation_symmetry is not coupling_rows and ops.rotation is not None
    if n == 1:
        return design.gradient_coil(surface, "z", DSV, 0.05, turns=6, wire_diameter=0.3e-3, **FAST)
    return design.harmonic_coil(surface, 2, 0, DSV, 0.05, turns=4, wire_diameter=0.2e-3, refine=2, n_targets=800,
                                allow_violations=True)


@pytest.mark.slow
@pytest.mark.parametrize("n", [1, 2])
def test_rotational_face_coupling_gives_the_designs_of_the_row_by_row_evaluation(n):
    """The designer's operators fill the face coupling from one face per orbit of the cylinder's
    rotation, a matrix equal to the row-by-row one to ~1e-14 but exactly invariant under the
    rotation. The wires must not hinge on that: the same windings (each with as many points, to
    0.1 um; measured 1.3e-8 m for the Gz, whose level optimisation responds continuously to the
    round-off) and figures to 1e-6 (measured <= 1.4e-8 for eta, L and the wire length, 5e-7 for
    the dense deviation search), the tolerances of the BLAS thread-count test. The order of the
    windings may differ: two mirror-image loops equally near their parent are ordered by their
    distances, which tie to round-off (``contours.nests``). The Z2 shim is the case whose contour
    topology once flipped on the filled matrix (deviation 4.53 % -> 5.29 %) before contour cuts
    broke ties by fixed directions."""
    filled, rows = _design_with(False, n), _design_with(True, n)
    assert len(filled.coil.windings) == len(rows.coil.windings)
    unmatched = list(rows.coil.windings)
    for a in filled.coil.windings:
        gaps = [np.abs(a.points - b.points).max() if b.points.shape == a.points.shape else np.inf for b in unmatched]
        assert min(gaps) < 1e-7
        unmatched.pop(int(np.argmin(gaps)))
    for name in ("efficiency", "inductance", "max_deviation", "wire_length"):
        assert getattr(filled, name) == pytest.approx(getattr(rows, name), rel=1e-6, abs=0), name


def test_mirror_image_windings_do_not_depend_on_the_order_of_the_nests():
    """Which nest of an orbit is connected (and the others mirrored from) follows the nests'
    positions, not their order, which for mirror images can hinge on round-off."""
    pitch = 0.1e-3
    a = _rings((2e-3, 0.5e-3), pitch)
    b = [design.contours.ContourLoop(lp.points * [-1.0, 1.0, 1.0], lp.level, lp.normals) for lp in a]
    ab = connect_nests([a, b], pitch, 4 * pitch, np.zeros(3))
    ba = connect_nests([b, a], pitch, 4 * pitch, np.zeros(3))
    for (p, j), (q, k) in zip(ab, ba[::-1]):
        assert np.array_equal(p, q) and np.array_equal(j, k)


def _brute_min_spacing(paths, junctions, reach):
    """``_min_spacing`` by its definition, every pair of samples and of pieces tried (no k-d tree,
    no symmetry): pairs 1.5 ``reach`` apart or nearer."""
    parts = [gradient_module._wire_samples(v, j, reach) for v, j in zip(paths, junctions)]
    p, arc, skip, a, b, parc, plen, near = (np.concatenate([part[m] for part in parts]) for m in range(8))
    ids = np.concatenate([np.full(len(part[0]), n) for n, part in enumerate(parts)])
    pid = np.concatenate([np.full(len(part[3]), n) for n, part in enumerate(parts)])
    i, j = np.triu_indices(len(p), 1)
    dist = np.sqrt(((p[i] - p[j]) ** 2).sum(axis=1))
    valid = ~((ids[i] == ids[j]) & (np.abs(arc[i] - arc[j]) < 2 * reach)) & ~skip[i] & ~skip[j]
    sampled = dist[valid & (dist <= 1.5 * reach)].min()
    mid = 0.5 * (a + b)
    i, j = np.triu_indices(len(a), 1)
    keep = (np.sqrt(((mid[i] - mid[j]) ** 2).sum(axis=1)) <= 1.5 * reach) & (near[i] | near[j])
    i, j = i[keep], j[keep]
    later = (pid[i] == pid[j]) & (parc[i] > parc[j])
    i, j = np.where(later, j, i), np.where(later, i, j)
    c = np.where(pid[i] == pid[j], 2 * reach - (parc[j] - parc[i]), -np.inf)
    exact = design.contours._segment_distances_apart(a[i], b[i], a[j], b[j], c, plen[i], plen[j])
    return min(float(sampled), float(exact.min()))


@pytest.mark.parametrize("junctions_at", ["joins", "ends"])
@pytest.mark.parametrize("change", ["none", "one ulp", "reversed"])
def test_spacing_of_mirror_image_windings_is_the_minimum_over_all_pairs(monkeypatch, change, junctions_at):
    """Four windings, exact images of one under the x and y mirrors: the spacing measured from
    the first winding's pairs alone (and the samples' pairs only as near as the pieces' least
    distance) is the minimum over all pairs, to the last bit. One point moved by one ulp, or one
    image run backwards (its samples are then not the mirrored ones), and the windings are no
    exact images of the first: more pairs are measured, with the same result. With the junctions
    at the joins the least distance is a pair of pieces', with junctions at the ends only a pair
    of samples'."""
    pitch = 0.2e-3
    signs = ([1.0, 1.0, 1.0], [-1.0, 1.0, 1.0], [1.0, -1.0, 1.0], [-1.0, -1.0, 1.0])
    nest = _rings((1.15e-3, 1.15e-3), pitch)
    nests = [[design.contours.ContourLoop(lp.points * t, lp.level, lp.normals) for lp in nest] for t in signs]
    paths, junctions = (list(x) for x in zip(*connect_nests(nests, pitch, 4 * pitch, np.zeros(3))))
    assert all(np.array_equal(path, paths[0] * t) for path, t in zip(paths, signs))
    if change == "one ulp":
        paths[3] = paths[3].copy()
        paths[3][20, 0] = np.nextafter(paths[3][20, 0], 1.0)
    elif change == "reversed":
        paths[1], junctions[1] = paths[1][::-1], np.sort(len(paths[1]) - 1 - junctions[1])
    if junctions_at == "ends":
        junctions = [np.array([0, len(path) - 1]) for path in paths]
    found = []
    spacing_from = gradient_module._spacing_from
    monkeypatch.setattr(gradient_module, "_spacing_from", lambda *a: found.append(spacing_from(*a)) or found[-1])
    windings = [type("W", (), {"points": path}) for path in paths]
    assert gradient_module._min_spacing(windings, junctions, pitch) == _brute_min_spacing(paths, junctions, pitch)
    assert found[0] is not None  # not the plain search of all pairs
    rep = gradient_module._exact_images(paths, junctions)[0]
    assert rep.tolist() == {"none": [0, 0, 0, 0], "one ulp": [0, 1, 2, 3], "reversed": [0, 1, 2, 3]}[change]
    assert _brute_min_spacing(paths, junctions, pitch) < 1.5 * pitch  # the searched range
