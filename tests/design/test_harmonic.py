"""Shim coils by target field (coildesign.design.harmonic): the wires are judged independently.

Each design's wires are fitted with ``analysis.spherical_harmonics`` (its own quadrature, degree
n + 40) and their Bz is evaluated on a dense set of the DSV against the closed-form Schmidt
harmonic (Winch et al., Geophys. J. Int. 160, 487 (2005), eq. 3): Z2 = z^2 - (x^2 + y^2)/2
with max |Z2| = R^2 over the DSV, XY = sqrt(3) x y with max sqrt(3)/2 R^2. Coarse meshes keep
these fast.
"""

import numpy as np
import pytest

from coildesign import design
from coildesign.analysis.gradient import DENSE_TOLERANCE
from coildesign.analysis.regions import Region
from coildesign.analysis.spherical_harmonics import spherical_harmonics
from coildesign.fields import field

A, LENGTH, DSV = 5e-3, 20e-3, 2.5e-3
EPS = 0.05
CLOSED = {(2, 0): (lambda p: p[:, 2] ** 2 - (p[:, 0] ** 2 + p[:, 1] ** 2) / 2, 1.0),
          (2, -2): (lambda p: np.sqrt(3) * p[:, 0] * p[:, 1], np.sqrt(3) / 2)}
CASES = {
    "cylinder-Z2": ("cylinder", 2, 0), "cylinder-XY": ("cylinder", 2, -2),
    "biplanar-Z2": ("biplanar", 2, 0), "biplanar-XY": ("biplanar", 2, -2),
}
# four refinement rounds: with three the biplanar XY wires (4 levels) stop at 5.01 % (the lowest level
# beside the saddle at the plate's centre adds ~2 points to the continuous solution's 3.2 %), the fourth
# brings them to 4.81 %; the cylinder's Z2 wires go 11.1, 17.1, 5.67 and 3.89 % (measured)
SURFACES = {"cylinder": (lambda: design.cylinder(A, LENGTH, resolution=2 * np.pi * A / 24), DSV, 0.2e-3),
            "biplanar": (lambda: design.biplanar(3e-3, 8e-3, 8e-3, resolution=8e-3 / 16), 0.8e-3, 0.05e-3)}
FAST = {"n_targets": 800, "allow_violations": True}
REFINE = 3


@pytest.fixture(scope="module", params=list(CASES))
def shim(request):
    kind, n, m = CASES[request.param]
    make, radius, wire = SURFACES[kind]
    res = design.harmonic_coil(make(), n, m, radius, EPS, turns=4, wire_diameter=wire, refine=REFINE,
                               **FAST)
    return res, radius, (n, m)


@pytest.mark.slow
def test_shim_wires_give_their_harmonic_within_the_bound(shim):
    """The target coefficient of the wires' own fit is the reported efficiency; every other
    term up to degree 4 is bounded by the error field (in the 4 pi normalisation a coefficient
    is the mean of the field times a unit-RMS harmonic, so |a| <= max |Bz - c h|); the
    deviation from the pure harmonic on a dense set is within the bound and the reported
    maximum is the true one to 0.01 percentage points."""
    res, radius, (n, m) = shim
    assert not any("field deviation" in v for v in res.violations)
    fit = spherical_harmonics(res.coil, radius, 4, "schmidt")
    coefficient = (fit.A if m >= 0 else fit.B)[n, abs(m)] / radius**n
    assert res.efficiency > 0
    assert coefficient == pytest.approx(res.efficiency, rel=1e-6, abs=0)
    h, peak = CLOSED[(n, m)]
    bound = res.max_deviation * coefficient * peak * radius**n  # the largest error field [T/A]
    full = fit.to("full")
    for k in range(5):
        for j in range(k + 1):
            for part, values in ((0, full.A), (1, full.B)):
                if (k, j) == (n, abs(m)) and part == (m < 0) or (part and j == 0):
                    continue
                assert abs(values[k, j]) <= bound * (1 + 1e-6), (k, j, part)
    pts = Region("sphere", radius).sample(21, n_surface=30_000)
    bz = field(res.coil, pts)[:, 2]
    deviation = np.abs(bz - coefficient * h(pts)) / (coefficient * peak * radius**n)
    assert deviation.max() <= EPS * (1 + 1e-6)
    assert deviation.max() <= res.max_deviation + DENSE_TOLERANCE  # the dense check's stated convergence
    assert deviation.max() >= res.max_deviation - 1e-4
    assert res.name == {(2, 0): "Z2", (2, -2): "XY"}[(n, m)] and res.coil.name == res.name
    assert res.max_gradient_deviation is None and res.axis is None
    assert "mT/(m^2 A)" in res.table()


@pytest.mark.slow
def test_gradient_coil_is_the_degree_one_harmonic():
    surface = SURFACES["cylinder"][0]()
    options = {"turns": 4, "wire_diameter": 0.2e-3, "n_targets": 600, "refine": 1, "allow_violations": True,
               "deviation": "pointwise"}
    for axis, (n, m) in (("x", (1, 1)), ("y", (1, -1)), ("z", (1, 0))):
        g = design.gradient_coil(surface, axis, DSV, EPS, **options)
        h = design.harmonic_coil(surface, n, m, DSV, EPS, **options)
        assert np.allclose(h.stream_function, g.stream_function, rtol=0,
                           atol=1e-12 * np.abs(g.stream_function).max())
        for key in ("efficiency", "inductance", "resistance", "max_deviation", "max_gradient_deviation"):
            assert getattr(h, key) == pytest.approx(getattr(g, key), rel=1e-12, abs=0), key
        assert h.name == g.name == f"G{axis}" and h.axis == axis
        assert len(h.coil.windings) == len(g.coil.windings)


def test_bad_degree_and_order_are_refused_naming_them():
    surface = SURFACES["cylinder"][0]()
    with pytest.raises(ValueError, match="Input n must be"):
        design.harmonic_coil(surface, 0, 0, DSV)
    with pytest.raises(ValueError, match="Input m must be"):
        design.harmonic_coil(surface, 2, 3, DSV)
    with pytest.raises(ValueError, match="Input m must be"):
        design.harmonic_coil(surface, 2, -3, DSV)
    with pytest.raises(ValueError, match="normalization"):
        design.harmonic_coil(surface, 2, 0, DSV, normalization="orthonormal")
    with pytest.raises(ValueError, match="dsv_radius"):
        design.harmonic_coil(surface, 2, 0, 2 * A)
