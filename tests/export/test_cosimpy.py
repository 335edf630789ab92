"""CoSimPy export (cosimpy 2.0, a test dependency): S-matrix, field maps, matched B1 per sqrt(W)."""

import numpy as np
import pytest

from coildesign.analysis import inductance, mutual_inductance
from coildesign.export.cosimpy import to_cosimpy
from coildesign.fields import field
from coildesign.geometries import loop, solenoid
from coildesign.rf import match

cosimpy = pytest.importorskip("cosimpy", reason="cosimpy is in the test extra")

F0 = 400e6
FREQS = np.linspace(390e6, 410e6, 21)  # F0 is FREQS[10]


@pytest.fixture(scope="module")
def transverse_solenoid():
    """A 6-turn, 1 mm diameter solenoid with its axis along x (transverse to B0 = z)."""
    return solenoid(0.5e-3, 1.5e-3, 6, wire_diameter=0.1e-3).rotate(90.0, (0.0, 1.0, 0.0))


def test_matched_b1_per_sqrt_watt(transverse_solenoid):
    """Connect coildesign's series-match/parallel-tune capacitors in CoSimPy (PI network:
    shunt C_t at the coil, series C_m towards the line): S11 = 0 at F0 and the centre field is
    |B per A| / sqrt(R) RMS per sqrt(W) (all accepted power in R), i.e. peak
    B1+ = sqrt(2/R) |B per A| / 2 for a field transverse to B0."""
    coil = transverse_solenoid
    m = match(coil, F0)
    grid = (np.array([-1e-4, 0.0, 1e-4]), np.array([0.0]), np.array([0.0, 2e-4]))
    rf = to_cosimpy(coil, FREQS, grid)
    shunt = cosimpy.S_Matrix.sMatrixRCseries(0.0, m.capacitors["tune"], FREQS)
    series = cosimpy.S_Matrix.sMatrixRCseries(0.0, m.capacitors["match"], FREQS)
    matched = rf.singlePortConnRFcoil([cosimpy.S_Matrix.sMatrixPInetwork(shunt, None, series)], True)
    assert abs(matched.s_matrix.S[10, 0, 0]) < 1e-9
    centre = 1  # Fortran order: ix = 1, iy = 0, iz = 0
    b_per_amp = np.linalg.norm(field(coil, np.zeros((1, 3)))[0])
    b_rms = np.linalg.norm(matched.em_field.b_field[10, 0, :, centre])
    assert b_rms == pytest.approx(b_per_amp / np.sqrt(m.resistance), rel=1e-9, abs=0)
    b1_plus = abs(matched.em_field.compSensitivities()[10, 0, 0, centre])
    assert b1_plus == pytest.approx(np.sqrt(2.0 / m.resistance) * b_per_amp / 2, rel=1e-9, abs=0)


def test_single_port_s11_closed_form(transverse_solenoid):
    r, c = 0.3, 0.0
    rf = to_cosimpy(transverse_solenoid, FREQS, np.zeros((1, 3)), resistance=r, c_self=c, e_field=False)
    z = r + 2j * np.pi * FREQS * inductance(transverse_solenoid)
    assert np.allclose(rf.s_matrix.S[:, 0, 0], (z - 50) / (z + 50), rtol=1e-12, atol=0)
    assert rf.em_field.e_field is None


def test_coupled_ports_and_field_convention():
    """Two coaxial loops: CoSimPy's Z matrix has Z12 = j omega M (Neumann mutual inductance),
    S is reciprocal and passive, and each port's field is the superposition of the loop fields
    with CoSimPy's own port currents for 1 W incident (compVI), on a Fortran-ordered grid."""
    a = loop(1e-3, wire_diameter=0.1e-3)
    b = loop(1e-3, wire_diameter=0.1e-3, center=(0.0, 0.0, 1e-3))
    xs, ys, zs = np.array([0.0, 2e-4]), np.array([-1e-4, 0.0, 1e-4]), np.array([0.2e-3, 0.4e-3, 0.6e-3, 0.8e-3])
    rf = to_cosimpy([a, b], FREQS, (xs, ys, zs), resistance=[0.2, 0.25], c_self=0.0)
    z = rf.s_matrix.getZMatrix()
    m = mutual_inductance(a, b)
    assert np.allclose(z[:, 0, 1], 2j * np.pi * FREQS * m, rtol=1e-9, atol=0)
    assert np.allclose(z[:, 0, 0], 0.2 + 2j * np.pi * FREQS * inductance(a), rtol=1e-9, atol=0)
    s = rf.s_matrix.S
    assert np.allclose(s, s.transpose(0, 2, 1), rtol=0, atol=1e-12)
    assert (np.linalg.eigvalsh(np.eye(2) - s.conj().transpose(0, 2, 1) @ s) > -1e-12).all()
    _, i_port = rf.s_matrix.compVI()
    grid = np.stack(np.meshgrid(xs, ys, zs, indexing="ij"), axis=-1)
    for ix, iy, iz in ((0, 0, 0), (1, 2, 3), (0, 1, 2)):
        idx = ix + len(xs) * (iy + len(ys) * iz)
        p = grid[ix, iy, iz][None]
        for port in (0, 1):
            expect = i_port[5, 0, port] * field(a, p)[0] + i_port[5, 1, port] * field(b, p)[0]
            assert np.allclose(rf.em_field.b_field[5, port, :, idx], expect, rtol=1e-10, atol=0)
    assert rf.em_field.e_field.shape == (len(FREQS), 2, 3, xs.size * ys.size * zs.size)


def test_bad_inputs(transverse_solenoid):
    with pytest.raises(TypeError, match="coils"):
        to_cosimpy([], FREQS, np.zeros((1, 3)))
    with pytest.raises(ValueError, match="frequencies"):
        to_cosimpy(transverse_solenoid, [-1.0], np.zeros((1, 3)))
    with pytest.raises(ValueError, match="resistance"):
        to_cosimpy(transverse_solenoid, FREQS, np.zeros((1, 3)), resistance=[1.0, 2.0])
