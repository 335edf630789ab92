"""Siemens .grad export read back by gradunwarp (PyPI 1.2.3, a test dependency)."""

import re

import numpy as np
import pytest

from coildesign.analysis import geometric_distortion
from coildesign.export import to_gradunwarp
from coildesign.geometries import gradient_set

gu_coeffs = pytest.importorskip("gradunwarp.core.coeffs", reason="gradunwarp is in the test extra")
gu_resample = pytest.importorskip("gradunwarp.core.unwarp_resample")

R0 = 3e-3
GRADUNWARP_X_OFFSET = 1e-7  # [m]: gradunwarp's cart2sph adds 1e-4 mm to x to avoid r = 0


@pytest.fixture(scope="module")
def coil_set():
    return gradient_set(5e-3)


@pytest.fixture(scope="module")
def grid():
    u = np.linspace(-R0, R0, 9)
    pts = np.stack(np.meshgrid(u, u, u, indexing="ij"), axis=-1).reshape(-1, 3)
    return pts[np.linalg.norm(pts, axis=1) <= R0]


def _gradunwarp_map(path, pts):
    coeffs = gu_coeffs.get_coefficients("siemens", str(path))
    assert coeffs.R0_m == R0
    mm = pts * 1e3
    dv, _ = gu_resample.eval_spherical_harmonics(coeffs, "siemens", (mm[:, 0], mm[:, 1], mm[:, 2]))
    return np.column_stack([dv.x, dv.y, dv.z]) * 1e-3


@pytest.mark.parametrize("include_linear", [False, True])
def test_gradunwarp_reproduces_geometric_distortion(tmp_path, coil_set, grid, include_linear):
    """gradunwarp's evaluation of the file equals coildesign's displacement s' - s (default,
    linear terms omitted as in Siemens files) or encoded position s' (linear terms written)
    at 1e-3 of the largest displacement (the tolerance asked for is 1 %; measured 6e-5 for x,
    set by the degree-20 truncation on the R0 sphere at R0/a = 0.6)."""
    path = to_gradunwarp(coil_set, tmp_path / "set.grad", R0, order=20, include_linear=include_linear,
                         quadrature_degree=36)
    got = _gradunwarp_map(path, grid)
    q = grid + np.array([GRADUNWARP_X_OFFSET, 0.0, 0.0])
    for i, ax in enumerate("xyz"):
        dist = geometric_distortion(coil_set[ax], q, ax)
        ref = dist.encoded if include_linear else dist.displacement
        disp = np.abs(dist.displacement).max()
        assert disp > 1e-4  # a real test: displacements of 0.1-0.3 mm at the R0 sphere
        assert np.abs(got[:, i] - ref).max() <= 1e-3 * disp


def test_file_grammar(tmp_path, coil_set):
    """Lines as gradunwarp's reader parses them: fixed-point values, R0 with a decimal point,
    no nominal linear terms by default."""
    path = to_gradunwarp(coil_set, tmp_path / "g.grad", R0, order=8, quadrature_degree=30, decimals=6)
    text = path.read_text()
    coef = re.compile(r"^\s*\d+ [AB]\(\s*\d+,\s*\d+\)\s+-?\d+\.\d{6}\s+[xyz]$")
    lines = [ln for ln in text.splitlines() if re.search(r"[AB]\(\s*\d+,\s*\d+\)\s+-?\d", ln)]
    assert lines and all(coef.match(ln) for ln in lines)
    assert re.search(r"^ 0\.003 m = R0", text, re.M)
    assert "e-" not in "".join(lines)
    for nominal in (r"A\( 1, 1\).*x$", r"B\( 1, 1\).*y$", r"A\( 1, 0\).*z$"):
        assert not any(re.search(nominal, ln) for ln in lines)
    assert not list(tmp_path.glob(".g.grad.*"))  # atomic write leaves no temporary file


def test_bad_inputs(tmp_path, coil_set):
    with pytest.raises(TypeError, match="coils"):
        to_gradunwarp([coil_set.x, coil_set.y], tmp_path / "a.grad", R0)
    with pytest.raises(ValueError, match="radius"):
        to_gradunwarp(coil_set, tmp_path / "a.grad", 0.0)
    with pytest.raises(ValueError, match="coils"):
        to_gradunwarp({"x": coil_set.x, "y": coil_set.y}, tmp_path / "a.grad", R0)
