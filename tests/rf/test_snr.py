"""Nuclear data, Curie magnetisation, sample losses, reciprocity SNR and limit of detection."""

import numpy as np
import pytest
from scipy import constants
from scipy.constants import Avogadro, Boltzmann, epsilon_0, hbar, mu_0

import coildesign as cd
from coildesign import rf
from coildesign.analysis.performance import dc_resistance
from coildesign.geometries import solenoid
from coildesign.rf import ac_resistance, nuclei
from coildesign.rf import sample as sm
from coildesign.rf import sensitivity as se
from coildesign.rf import snr as rs
from tests.conftest import approx, helix

RHO_CU = 1.678e-8  # [ohm m] copper at 20 degC



def helix_wire_length(radius, length, turns):
    return turns * np.hypot(2 * np.pi * radius, length / turns)


# ---------------------------------------------------------------------------- nuclear data
def test_nuclear_data_harris_2001():
    """Harris et al., Pure Appl. Chem. 73, 1795 (2001), Table 1."""
    table = {"1H": (26.7522128, 0.5, 99.9885), "2H": (4.10662791, 1, 0.0115), "13C": (6.728284, 0.5, 1.07),
             "15N": (-2.71261804, 0.5, 0.368), "19F": (25.18148, 0.5, 100), "23Na": (7.0808493, 1.5, 100),
             "31P": (10.8394, 0.5, 100)}
    for name, (gamma, spin, abundance) in table.items():
        nuc = nuclei.nucleus(name)
        assert nuc.gamma == approx(gamma * 1e7, rel=1e-15)
        assert nuc.spin == spin and nuc.abundance == approx(abundance / 100, rel=1e-15)
    assert nuclei.NUCLEI["1H"].gamma == approx(constants.physical_constants["proton gyromag. ratio"][0],
                                                      rel=1e-6)
    assert nuclei.larmor_frequency("1H", 14.09196) == approx(600.0e6, rel=1e-6)  # bare proton
    assert nuclei.nucleus("15N").larmor_frequency(14.09196) == approx(60.8e6, rel=1e-3)
    assert nuclei.nucleus("31P").field_for_frequency(nuclei.nucleus("31P").larmor_frequency(9.4)) == \
        approx(9.4, rel=1e-14)
    assert nuclei.nucleus(nuclei.NUCLEI["13C"]) is nuclei.NUCLEI["13C"]
    with pytest.raises(ValueError, match="Input nucleus"):
        nuclei.nucleus("1h")
    with pytest.raises(TypeError, match="Input nucleus"):
        nuclei.nucleus(1)


def test_curie_magnetization_by_hand():
    """M0 = N gamma^2 hbar^2 I(I+1) B0 / (3 k T) (Abragam) for water protons at 14.1 T and for
    23Na (I = 3/2) in 150 mM saline."""
    n = 110.7e3 * Avogadro * 0.999885
    hand = n * (26.7522128e7) ** 2 * hbar**2 * 0.75 * 14.1 / (3 * Boltzmann * 293.15)
    assert rs.curie_magnetization("1H", 110.7e3, 14.1, 293.15) == approx(hand, rel=1e-14)
    assert rs.curie_magnetization("1H", None, 14.1, 293.15, spin_density=n) == approx(hand, rel=1e-14)
    assert 0.045 < hand < 0.047  # A/m
    na = 150.0 * Avogadro * (7.0808493e7) ** 2 * hbar**2 * 3.75 * 9.4 / (3 * Boltzmann * 310.0)
    assert rs.curie_magnetization("23Na", 150.0, 9.4, 310.0) == approx(na, rel=1e-14)
    enriched = rs.curie_magnetization("13C", 100.0, 9.4, abundance=0.99)
    assert enriched == approx(rs.curie_magnetization("13C", 100.0, 9.4) * 0.99 / 0.0107, rel=1e-13)
    with pytest.raises(ValueError, match="Input concentration"):
        rs.curie_magnetization("1H", n, 14.1, 293.15)  # a spin density passed as a concentration
    with pytest.raises(ValueError, match="Input concentration"):
        rs.curie_magnetization("1H", 1.0, 14.1, spin_density=n)
    with pytest.raises(ValueError, match="Input b0"):
        rs.curie_magnetization("1H", 1.0, -1.0)


# ---------------------------------------------------------------------------- media
def test_water_and_saline_dielectric_models():
    """Kaatze (1989) pure water at 25 degC: eps_s = 78.4, tau = 8.27 ps; Klein & Swift (1977)
    9 g/kg saline at 25 degC: sigma = 1.539 S/m; the Debye loss at 600 MHz by hand."""
    w = sm.water(298.15)
    assert w.eps_static == approx(78.36, rel=1e-3) and w.tau == approx(8.27e-12, rel=2e-3)
    assert w.eps_inf == approx(5.085, rel=1e-12)
    wt = 2 * np.pi * 600e6 * w.tau
    eps2 = (w.eps_static - w.eps_inf) * wt / (1 + wt**2)
    assert w.dipolar_loss_factor(600e6) == approx(eps2, rel=1e-14)
    assert w.effective_conductivity(600e6) == approx(w.conductivity + 2 * np.pi * 600e6 * epsilon_0 * eps2,
                                                             rel=1e-14)
    assert 0.07 < w.effective_conductivity(600e6) < 0.08  # S/m: dipolar loss dominates pure water
    eps = w.relative_permittivity(600e6)
    assert -eps.imag / eps.real == approx(w.loss_tangent(600e6), rel=1e-14)
    np.testing.assert_allclose(w.relative_permittivity(np.array([600e6])), [eps], rtol=1e-15)
    assert sm.water(273.15).eps_static == approx(87.9, rel=2e-3)  # Kaatze: 87.91 at 0 degC
    s = sm.saline(9.0, 298.15)
    assert s.conductivity == approx(9 * (0.18252 - 1.4619e-3 * 9 + 2.093e-5 * 81 - 1.282e-7 * 729), rel=1e-14)
    assert s.conductivity == approx(1.539, rel=1e-3)
    assert sm.saline(9.0, 293.15).conductivity < s.conductivity
    assert s.effective_conductivity(600e6) > s.conductivity
    with pytest.raises(ValueError, match="Input temperature"):
        sm.water(400.0)
    with pytest.raises(ValueError, match="Input frequency"):
        w.effective_conductivity(0.0)


# ---------------------------------------------------------------------------- sample losses
def _ring_solenoid(radius, length, turns):
    zs = -0.5 * length + (np.arange(turns) + 0.5) * length / turns
    return cd.Coil([cd.LoopWinding(radius, (0, 0, z), (0, 0, 1)) for z in zs])


def test_magnetic_loss_engine_vs_hoult_lauterbur_closed_form():
    """Cylinder (b = 0.5 mm, l = 2 mm, sigma = 1.6 S/m) coaxial in a 400-turn, 40 mm long,
    2 mm diameter solenoid at 600 MHz: sigma omega^2 int |A + grad psi|^2 dV equals
    pi sigma omega^2 mu0^2 n^2 b^4 l / 8 (Hoult & Lauterbur 1979), n = N / sqrt(L^2 + D^2)
    the centre field of the finite sheet. Rings: A is azimuthal, nothing to correct. Helix:
    its net axial current adds A_z, +11 % with the bare -j omega A; the charge (gradient)
    correction removes it."""
    closed = sm.cylinder_in_solenoid_loss(400 / np.hypot(40e-3, 2e-3), 0.5e-3, 2e-3, 600e6, 1.6)
    sample = sm.Cylinder(0.5e-3, 2e-3)
    rings = _ring_solenoid(1e-3, 40e-3, 400)
    assert sm.magnetic_loss_resistance(rings, sample, 600e6, 1.6) == approx(closed, rel=2e-5)
    assert sm.magnetic_loss_resistance(rings, sample, 600e6, 1.6, correction="none") == approx(closed, rel=2e-5)
    t = np.linspace(0, 2 * np.pi * 400, 400 * 32 + 1)
    coil = cd.Coil([cd.Winding(np.c_[1e-3 * np.cos(t), 1e-3 * np.sin(t), -20e-3 + 40e-3 * t / (2 * np.pi * 400)],
                               cross_section=cd.RoundWire(50e-6))])
    corrected = sm.magnetic_loss_resistance(coil, sample, 600e6, 1.6, n=6)
    bare = sm.magnetic_loss_resistance(coil, sample, 600e6, 1.6, correction="none", n=6)
    assert corrected == approx(closed, rel=2e-4)
    assert bare / closed - 1 == pytest.approx(0.11, abs=0.01)
    # closed form by hand: E_phi = omega mu0 n r / 2 per ampere
    n, w = 400 / np.hypot(40e-3, 2e-3), 2 * np.pi * 600e6
    hand = 1.6 * (w * mu_0 * n / 2) ** 2 * 2 * np.pi * 2e-3 * 0.5e-3**4 / 4
    assert closed == approx(hand, rel=1e-14)


def test_magnetic_loss_of_an_off_axis_sample_circulates_about_its_own_axis():
    """In a uniform B1 the eddy currents in a cylinder circulate about the cylinder's own axis
    (surface charges stop the solenoid-centred E from crossing its wall): an off-axis sample
    loses like a centred one. The bare -j omega A, centred on the solenoid axis, gives
    (b^2 + 2 c^2)/b^2 = 3 times that for c = b."""
    rings = _ring_solenoid(1e-3, 40e-3, 400)
    closed = sm.cylinder_in_solenoid_loss(400 / np.hypot(40e-3, 2e-3), 0.3e-3, 2e-3, 600e6, 1.6)
    off = sm.Cylinder(0.3e-3, 2e-3, center=(0.3e-3, 0, 0))
    assert sm.magnetic_loss_resistance(rings, off, 600e6, 1.6) == approx(closed, rel=2e-5)
    assert sm.magnetic_loss_resistance(rings, off, 600e6, 1.6, correction="none") == approx(3 * closed,
                                                                                                  rel=2e-5)


def test_magnetic_loss_uses_the_sample_medium_and_validates():
    rings = _ring_solenoid(1e-3, 40e-3, 400)
    saline = sm.saline(9.0, 293.15)
    sample = sm.Cylinder(0.5e-3, 2e-3, medium=saline)
    r = sm.magnetic_loss_resistance(rings, sample, 600e6, n=6)
    sigma = saline.effective_conductivity(600e6)
    assert r == approx(sm.magnetic_loss_resistance(rings, sample, 600e6, sigma, n=6), rel=1e-14)
    assert sm.magnetic_loss_resistance(rings, sample, 600e6, 0.0) == 0.0
    with pytest.raises(ValueError, match="Input conductivity"):
        sm.magnetic_loss_resistance(rings, sm.Cylinder(0.5e-3, 2e-3), 600e6)
    with pytest.raises(ValueError, match="Input correction"):
        sm.magnetic_loss_resistance(rings, sample, 600e6, correction="coulomb")


def test_dielectric_loss_estimate_by_hand():
    """Stray capacitance C_s through a lossy sample across the coil: R_e = omega^2 L^2 G /
    ((1 - omega^2 L C_s)^2 + (omega L G)^2), G = omega C_s tan_delta; small-omega limit
    omega^3 L^2 C_s tan_delta."""
    L, cs, f = 10e-9, 0.1e-12, 600e6
    w = 2 * np.pi * f
    water = sm.water(293.15)
    tan_d = water.loss_tangent(f)
    g = w * cs * tan_d
    hand = w**2 * L**2 * g / ((1 - w**2 * L * cs) ** 2 + (w * L * g) ** 2)
    assert sm.dielectric_loss_resistance(L, cs, f, water) == approx(hand, rel=1e-14)
    assert sm.dielectric_loss_resistance(L, cs, f, loss_tangent=tan_d) == approx(hand, rel=1e-14)
    low = sm.dielectric_loss_resistance(L, cs, 1e6, loss_tangent=0.03)
    assert low == approx((2 * np.pi * 1e6) ** 3 * L**2 * cs * 0.03, rel=1e-6)
    with pytest.raises(ValueError, match="Input loss_tangent"):
        sm.dielectric_loss_resistance(L, cs, f, water, loss_tangent=0.1)


# ---------------------------------------------------------------------------- SNR
def test_snr_of_a_long_solenoid_matches_closed_form():
    """Long solenoid, small centred capillary: B1/I = mu0 N / sqrt(L^2 + D^2) (uniform), so
    xi = omega0 M0 B1 V, v_n = sqrt(F 4 k T R df) (Hoult & Richards 1976)."""
    coil = helix(1e-3, 40e-3, 400, 50e-6, points_per_turn=32)
    capillary = sm.Cylinder(0.2e-3, 1e-3, axis=(1, 0, 0))
    res = rs.snr(coil, capillary, b0=14.1, resistance=2.0, bandwidth=5e3, noise_figure_db=1.0, n=6)
    m0 = 110.69e3 * Avogadro * 0.999885 * (26.7522128e7) ** 2 * hbar**2 * 0.75 * 14.1 / (3 * Boltzmann * 293.15)
    xi = 26.7522128e7 * 14.1 * m0 * mu_0 * 400 / np.hypot(40e-3, 2e-3) * np.pi * 0.2e-3**2 * 1e-3
    noise = np.sqrt(10**0.1 * 4 * Boltzmann * 293.15 * 2.0 * 5e3)
    assert res.magnetization == approx(m0, rel=1e-4)
    assert res.signal == approx(xi, rel=2e-3)
    assert res.noise == approx(noise, rel=1e-14)
    assert res.snr == approx(xi / noise, rel=2e-3)
    assert res.snr_1hz == approx(res.snr * np.sqrt(5e3), rel=1e-14)
    assert res.noise_density == approx(noise / np.sqrt(5e3), rel=1e-14)
    assert res.lod == approx(3 * res.moles / res.snr_1hz, rel=1e-14)
    assert res.moles == approx(110.69e3 * 0.999885 * np.pi * 0.2e-3**2 * 1e-3, rel=1e-4)
    assert res.lod_nmol == approx(res.lod * 1e9, rel=1e-15)
    assert res.sample_resistance == 0.0  # no medium given
    # the same by frequency, and the SNR per sqrt(Hz) does not depend on the bandwidth
    by_f = rs.snr(coil, capillary, frequency=res.frequency, resistance=2.0, bandwidth=20e3, noise_figure_db=1.0,
                  n=6)
    assert by_f.b0 == approx(14.1, rel=1e-14)
    assert by_f.snr_1hz == approx(res.snr_1hz, rel=1e-12) and by_f.snr == approx(res.snr / 2, rel=1e-12)
    assert "SNR (peak/rms, single scan)" in str(res) and res.as_dict()["signal"] == res.signal


def test_noise_adds_coil_and_sample_at_their_temperatures():
    """v_n = sqrt(F 4 k (T_c R_c + T_s R_s) df): a cold coil and a warm sample."""
    hand = np.sqrt(10**0.05 * 4 * Boltzmann * (77.0 * 0.5 + 310.0 * 0.2) * 1e4)
    assert rs.noise_voltage(0.5, 1e4, temperature_coil=77.0, sample_resistance=0.2, temperature_sample=310.0,
                            noise_figure_db=0.5) == approx(hand, rel=1e-14)
    coil = cd.Coil.from_loop(1e-3, normal=(1, 0, 0))
    drop = sm.Sphere(0.2e-3)
    res = rs.snr(coil, drop, b0=9.4, resistance=0.5, sample_resistance=0.2, temperature_coil=77.0,
                 temperature_sample=310.0, noise_figure_db=0.5, bandwidth=1e4, voxel_volume=(10e-6) ** 3)
    assert res.noise == approx(hand, rel=1e-14)
    assert res.magnetization == approx(rs.curie_magnetization("1H", rs.WATER_PROTON_CONCENTRATION, 9.4, 310.0),
                                              rel=1e-14)
    assert res.snr_voxel == approx(res.snr * 1e-15 / drop.volume, rel=1e-14)
    assert "SNR per voxel" in str(res)


def test_snr_computes_sample_loss_from_the_medium():
    coil = helix(0.5e-3, 1e-3, 5, 0.1e-3)
    capillary = sm.Cylinder(0.4e-3, 1e-3, axis=(1, 0, 0), medium=sm.saline(9.0, 293.15))
    res = rs.snr(coil, capillary, frequency=600e6, resistance=0.5, n=6)
    assert res.sample_resistance == approx(sm.magnetic_loss_resistance(coil, capillary, 600e6, n=6), rel=1e-14)
    assert 0 < res.sample_resistance < 0.05 * 0.5  # microcoils: coil noise dominates


def test_snr_reuses_a_given_sample_b1():
    """A B1 computed once (sample_b1) gives the same SNR as computing it inside snr, and the
    same summary as a second evaluation."""
    coil = helix(0.5e-3, 1e-3, 5, 0.1e-3)
    capillary = sm.Cylinder(0.4e-3, 1e-3, axis=(1, 0, 0))
    b1 = rf.sample_b1(coil, capillary, n=6, within=0.1)
    assert rs.snr(coil, capillary, frequency=600e6, resistance=0.5, n=6, b1=b1) == rs.snr(
        coil, capillary, frequency=600e6, resistance=0.5, n=6)
    assert rf.sample_b1(coil, capillary, within=0.1).homogeneity == rf.sample_b1(coil, capillary).homogeneity
    with pytest.raises(TypeError, match="Input b1"):
        rs.snr(coil, capillary, frequency=600e6, resistance=0.5, b1=1.0)


def test_snr_uses_the_impedance_module_when_no_resistance_is_given():
    geometries = pytest.importorskip("coildesign.geometries")
    impedance = pytest.importorskip("coildesign.rf.impedance")
    coil = geometries.solenoid(0.5e-3, 1e-3, 5, wire_diameter=0.1e-3).rotate(90.0, (0, 1, 0))
    capillary = sm.Cylinder(0.4e-3, 1e-3, axis=(1, 0, 0))
    res = rs.snr(coil, capillary, frequency=600e6, n=6)
    assert res.coil_resistance == approx(impedance.ac_resistance(coil, 600e6), rel=1e-14)


def test_snr_validates_inputs():
    coil = cd.Coil.from_loop(1e-3, normal=(1, 0, 0))
    drop = sm.Sphere(0.2e-3)
    with pytest.raises(ValueError, match="Input b0"):
        rs.snr(coil, drop, resistance=1.0)
    with pytest.raises(ValueError, match="Input b0"):
        rs.snr(coil, drop, b0=9.4, frequency=400e6, resistance=1.0)
    with pytest.raises(ValueError, match="Input resistance"):
        rs.snr(coil, drop, b0=9.4, resistance=0.0)
    with pytest.raises(ValueError, match="Input concentration"):
        rs.snr(coil, drop, b0=9.4, resistance=1.0, nucleus="13C")
    with pytest.raises(ValueError, match="Input nucleus"):
        rs.snr(coil, drop, b0=9.4, resistance=1.0, nucleus="H")
    with pytest.raises(ValueError, match="Input bandwidth"):
        rs.snr(coil, drop, b0=9.4, resistance=1.0, bandwidth=-1.0)
    with pytest.raises(TypeError, match="Input sample"):
        rs.snr(coil, "drop", b0=9.4, resistance=1.0)
    with pytest.raises(ValueError, match="Input moles"):
        rs.limit_of_detection(0.0, 1.0)


def _snr_per_volume(scale, resistance_model):
    """SNR per unit sample volume of a geometrically similar 5-turn solenoid (mean radius
    0.5 mm x scale, length 1 mm x scale, wire 0.1 mm x scale) around a capillary filling 80 %
    of its diameter, at 14.1 T; the coil resistance from ``resistance_model``."""
    a, length, d = 0.5e-3 * scale, 1e-3 * scale, 0.1e-3 * scale
    coil = helix(a, length, 5, d, points_per_turn=32)
    capillary = sm.Cylinder(0.4e-3 * scale, length, axis=(1, 0, 0))
    r = resistance_model(helix_wire_length(a, length, 5), d)
    return rs.snr(coil, capillary, b0=14.1, resistance=r, n=4).snr / capillary.volume


def test_snr_per_volume_scaling_laws():
    """Peck, Magin & Lauterbur, J. Magn. Reson. B 108, 114 (1995): for geometrically similar
    solenoids, SNR per unit sample volume ~ 1/d when the skin effect sets the resistance
    (R = rho l / (pi d delta), independent of scale) and ~ d^(-1/2) at DC (R = rho l / (pi d^2/4)
    ~ 1/d). Fitted over a decade of diameter (0.2-2 mm coil diameter)."""
    delta = np.sqrt(RHO_CU / (np.pi * 600e6 * mu_0))
    models = {"skin": (lambda lw, d: RHO_CU * lw / (np.pi * d * delta), -1.0),
              "dc": (lambda lw, d: RHO_CU * lw / (np.pi * d**2 / 4), -0.5)}
    scales = np.geomspace(0.2, 2.0, 5)
    for model, expected in models.values():
        values = [_snr_per_volume(s, model) for s in scales]
        slope, _ = np.polyfit(np.log(scales), np.log(values), 1)
        assert slope == pytest.approx(expected, abs=1e-6)


def test_end_to_end_1mm_microsolenoid_at_600MHz():
    """A 5-turn copper solenoid, 1 mm mean diameter, 1 mm long (pitch 0.2 mm), 0.1 mm wire,
    axis along x, B0 along z, around a 0.8 mm diameter, 1 mm long water column (glass wall
    ignored) at 600 MHz for 1H, 20 degC, 10 kHz noise bandwidth, 1 dB noise figure, coil
    resistance = skin effect only, rho l_w / (pi d delta) (no proximity factor).

    The hand calculation below uses its own Biot-Savart sum over a smooth helix and its own
    product Gauss rule in (r, phi, x) (Jacobian r, not the package's r^2 substitution)."""
    a, length, turns, d = 0.5e-3, 1e-3, 5, 0.1e-3
    b, f0, temp, df, nf_db = 0.4e-3, 600e6, 293.15, 10e3, 1.0
    coil = helix(a, length, turns, d)
    water = sm.water(temp)
    capillary = sm.Cylinder(b, length, axis=(1, 0, 0), medium=water)
    delta = np.sqrt(RHO_CU / (np.pi * f0 * mu_0))
    r_coil = RHO_CU * helix_wire_length(a, length, turns) / (np.pi * d * delta)
    res = rs.snr(coil, capillary, frequency=f0, resistance=r_coil, temperature_coil=temp, temperature_sample=temp,
                 noise_figure_db=nf_db, bandwidth=df, voxel_volume=(20e-6) ** 3)

    # --- hand: B1 at the centre vs the finite solenoid (current sheet) mu0 N / sqrt(L^2 + D^2)
    b1_centre = mu_0 * turns / np.hypot(length, 2 * a)
    assert np.hypot(*cd.field(coil, [0, 0, 0])[0, :2]) == approx(b1_centre, rel=1e-3)

    # --- hand: int |B_perp| dV with an independent Biot-Savart sum and quadrature
    m = 4000
    t = (np.arange(m) + 0.5) * 2 * np.pi * turns / m
    src = np.c_[-length / 2 + length * t / (2 * np.pi * turns), a * np.cos(t), a * np.sin(t)]
    dl = np.c_[np.full(m, length / (2 * np.pi * turns)), -a * np.sin(t), a * np.cos(t)] * (2 * np.pi * turns / m)
    xr, wr = np.polynomial.legendre.leggauss(12)
    r_nodes, r_w = b * (xr + 1) / 2, b / 2 * wr
    x_nodes, x_w = length / 2 * xr, length / 2 * wr
    phi = 2 * np.pi * np.arange(32) / 32
    rr, pp, xx = np.meshgrid(r_nodes, phi, x_nodes, indexing="ij")
    field_points = np.c_[xx.ravel(), (rr * np.cos(pp)).ravel(), (rr * np.sin(pp)).ravel()]
    vol_w = (r_w[:, None, None] * rr * (2 * np.pi / 32) * x_w[None, None, :]).ravel()
    bsum = np.zeros((len(field_points), 3))
    for k in range(0, m, 500):
        sep = field_points[:, None, :] - src[None, k:k + 500, :]
        bsum += mu_0 / (4 * np.pi) * np.sum(np.cross(dl[None, k:k + 500, :], sep)
                                            / np.sum(sep**2, axis=2)[..., None] ** 1.5, axis=1)
    integral = np.sum(vol_w * np.hypot(bsum[:, 0], bsum[:, 1]))
    volume = np.pi * b**2 * length
    assert vol_w.sum() == approx(volume, rel=1e-12)
    assert res.b1_mean == approx(integral / volume, rel=1e-3)  # 4e-4: the 64-gon turns, falls as 1/n^2

    # --- hand: magnetisation, EMF, noise, SNR, LOD
    gamma = 26.7522128e7
    b0 = 2 * np.pi * f0 / gamma
    spins = 2 * 997.05 / 18.01528e-3 * Avogadro * 0.999885
    m0 = spins * gamma**2 * hbar**2 * 0.5 * 1.5 * b0 / (3 * Boltzmann * temp)
    emf = 2 * np.pi * f0 * m0 * integral
    # sample loss: pure water, sigma_eff = omega eps0 eps'' (Debye, Kaatze at 20 degC), closed form with
    # n = N / sqrt(L^2 + D^2): ~0.25 mOhm (the engine gives 15 % less for this short coil), under 1e-3
    # of the coil's 0.32 ohm, so the hand noise agrees to ~1e-4
    eps_s, eps_inf = 10 ** (1.94404 - 1.991e-3 * 20), 5.77 - 2.74e-2 * 20
    tau = 3.745e-15 * (1 + 7e-5 * (20 - 27.5) ** 2) * np.exp(2295.7 / temp)
    w0 = 2 * np.pi * f0
    sigma = 5.5e-6 + w0 * epsilon_0 * (eps_s - eps_inf) * w0 * tau / (1 + (w0 * tau) ** 2)
    r_sample = np.pi * sigma * w0**2 * mu_0**2 * (turns / np.hypot(length, 2 * a)) ** 2 * b**4 * length / 8
    assert res.sample_resistance == approx(r_sample, rel=0.3)  # engine vs long-solenoid estimate
    noise = np.sqrt(10 ** (nf_db / 10) * 4 * Boltzmann * temp * (r_coil + r_sample) * df)
    snr = emf / noise
    moles = 2 * 997.05 / 18.01528e-3 * 0.999885 * volume
    lod = 3 * moles / (snr * np.sqrt(df))
    assert res.b0 == approx(b0, rel=1e-14)
    assert res.magnetization == approx(m0, rel=1e-12)
    assert res.signal == approx(emf, rel=1e-3)
    assert res.noise == approx(noise, rel=2e-4)
    r_total = r_coil + res.sample_resistance
    assert res.noise == approx(np.sqrt(10 ** (nf_db / 10) * 4 * Boltzmann * temp * r_total * df), rel=1e-13)
    assert res.snr == approx(snr, rel=1e-3)
    assert res.lod == approx(lod, rel=1e-3)
    assert res.snr_voxel == approx(snr * (20e-6) ** 3 / volume, rel=1e-3)
    # orders of magnitude, for the record: ~0.3 mV EMF, ~8 nV noise, SNR ~4e4, LOD ~0.03 nmol s^1/2
    assert 2e-4 < res.signal < 5e-4 and 1e4 < res.snr < 1e5 and 0.01 < res.lod_nmol < 0.1


def test_gradient_basis_and_its_moment_gram_matrix():
    """The projection's basis: component k of grad(x^a y^b z^c) is e_k x^(e - u_k) (checked
    against np.power term by term), and its Gram matrix from weighted moments equals g^T W g of
    the basis matrix to rounding, for every degree used in practice."""
    rng = np.random.default_rng(7)
    local, w = rng.uniform(-1, 1, (40, 3)), rng.uniform(0.1, 1.0, 40)
    for degree in (1, 2, 5, 7):
        powers = sm._powers(local, 2 * degree + 1)
        g = sm._gradient_basis(powers, degree)
        exps = sm._exponents(degree)
        assert len(exps) == (degree + 1) * (degree + 2) * (degree + 3) // 6 - 1
        for j, e in enumerate(exps):
            for k in range(3):
                low = np.array(e) - np.eye(3, dtype=int)[k]
                want = e[k] * np.prod(np.power(local, np.maximum(low, 0)), axis=1) if e[k] else 0.0
                np.testing.assert_allclose(g[k, j], want, rtol=1e-13, atol=1e-300)
        direct = np.einsum("kai,kbi,i->ab", g, g, w)
        gram = sm._gradient_gram(powers, w, degree)
        assert np.abs(gram - direct).max() <= 1e-14 * np.abs(direct).max()
        # the same products through the lower-degree monomials (the projection's fast path)
        monomials, index, factor = sm._derivative_table(degree)
        values = sm._monomial_values(powers, monomials)
        for j in range(len(exps)):
            for k in range(3):
                np.testing.assert_allclose(factor[j, k] * values[index[j, k]], g[k, j], rtol=1e-13, atol=1e-300)
        vectors = rng.normal(size=(3, len(local)))
        np.testing.assert_allclose(sm._basis_products(values, vectors, degree),
                                   sum(g[k] @ vectors[k] for k in range(3)), rtol=1e-12, atol=1e-12)


def test_magnetic_loss_least_squares_fallback_gives_the_same_loss(monkeypatch):
    """When the normal-equation solution fails the stationarity check the projection is redone
    by lstsq on the weighted basis matrix; both give the same minimum."""
    coil = cd.geometries.solenoid(0.55e-3, 0.9e-3, 6, wire_diameter=1e-4, points_per_turn=24)  # helix: A has a z part
    sample = sm.Cylinder(0.4e-3, 0.9e-3, center=(0.1e-3, 0.0, 0.0))
    normal = sm.magnetic_loss_resistance(coil, sample, 600e6, 1.6, n=5)
    bare = sm.magnetic_loss_resistance(coil, sample, 600e6, 1.6, n=5, correction="none")
    lstsq, calls = np.linalg.lstsq, []
    monkeypatch.setattr(sm.np.linalg, "solve", lambda m, rhs: np.zeros_like(rhs))
    monkeypatch.setattr(sm.np.linalg, "lstsq", lambda *a, **k: calls.append(1) or lstsq(*a, **k))
    fallback = sm.magnetic_loss_resistance(coil, sample, 600e6, 1.6, n=5)
    assert calls == [1]
    assert fallback == approx(normal, rel=1e-12)
    assert normal < 0.99 * bare  # the projection did remove something


def test_cylinder_quadrature_is_exact_for_volume_and_polynomials():
    cyl = rf.Cylinder(0.4e-3, 1e-3, center=(1e-4, 0, 0), axis=(1, 1, 0))
    pts, w = cyl.points()
    assert w.sum() == pytest.approx(np.pi * 0.16e-6 * 1e-3, rel=1e-13, abs=0)
    rel = pts - np.array([1e-4, 0, 0])
    ax = np.array([1, 1, 0]) / np.sqrt(2)
    z = rel @ ax
    r2 = np.einsum("ij,ij->i", rel, rel) - z**2
    assert np.sum(w * r2) == pytest.approx(np.pi * 0.4e-3**4 / 2 * 1e-3, rel=1e-12, abs=0)  # int r^2 dV
    assert np.sum(w * z**2) == pytest.approx(np.pi * 0.16e-6 * 1e-3**3 / 12, rel=1e-12, abs=0)


def test_curie_magnetization_of_water_by_hand():
    """M0 = N gamma^2 hbar^2 I(I+1) B0 / (3 k T) for 1H in water (110.7 mol/L of protons)."""
    n = 110.7e3 * Avogadro * 0.999885
    gamma = 26.7522128e7
    hand = n * gamma**2 * hbar**2 * 0.75 * 14.1 / (3 * Boltzmann * 293.15)
    assert rs.curie_magnetization("1H", None, 14.1, 293.15, spin_density=n) == pytest.approx(hand, rel=1e-14, abs=0)
    assert 0.045 < hand < 0.047  # A/m
    assert rf.nucleus("1H").larmor_frequency(14.1) == pytest.approx(600.3e6, rel=1e-3)


def test_snr_of_a_long_solenoid_matches_closed_form_by_reciprocity():
    """Long solenoid, small centred sample: B1/I = mu0 N / l (uniform), so
    xi = omega0 M0 mu0 (N/l) V and SNR = xi / sqrt(4 k T R df) (Hoult & Richards 1976)."""
    coil = solenoid(1e-3, 40e-3, 400, wire_diameter=50e-6).rotate(90, (0, 1, 0))
    sample = rf.Cylinder(0.2e-3, 1e-3, axis=(1, 0, 0))
    res = rs.snr(coil, sample, b0=14.1, resistance=2.0, bandwidth=5e3)
    m0 = rs.curie_magnetization("1H", None, 14.1, 293.15, spin_density=110.7e3 * Avogadro * 0.999885)
    omega = 26.7522128e7 * 14.1
    b1 = mu_0 * 400 / np.sqrt(40e-3**2 + 4e-6)  # finite-length current sheet at the centre
    xi = omega * m0 * b1 * sample.volume
    assert res.signal == pytest.approx(xi, rel=2e-3)
    assert res.snr == pytest.approx(xi / np.sqrt(4 * Boltzmann * 293.15 * 2.0 * 5e3), rel=2e-3)
    assert res.lod == pytest.approx(3 * res.moles / (res.snr * np.sqrt(5e3)), rel=1e-12, abs=0)
    sens = se.sample_b1(coil, sample, within=0.1).homogeneity
    assert sens.relative_std < 1e-3 and sens.fraction_within == 1.0


def test_snr_per_volume_scaling_laws_by_reciprocity():
    """Peck, Magin & Lauterbur (1995): for geometrically similar solenoids, SNR per unit
    sample volume scales as 1/d when skin effect dominates and as d^(-1/2) at DC."""
    d = np.array([0.5e-3, 1.5e-3, 5e-3])
    skin, dc = [], []
    for scale in d / 1e-3:
        coil = solenoid(0.5e-3, 1e-3, 5, wire_diameter=0.1e-3).rotate(90, (0, 1, 0)).scaled(scale)
        sample = rf.Cylinder(0.35e-3 * scale, 0.8e-3 * scale, axis=(1, 0, 0))
        for out, r in ((skin, ac_resistance(coil, 600e6, proximity=None)), (dc, dc_resistance(coil))):
            out.append(rs.snr(coil, sample, b0=14.1, resistance=r).snr / sample.volume)
    assert np.polyfit(np.log(d), np.log(skin), 1)[0] == pytest.approx(-1.0, abs=0.02)
    assert np.polyfit(np.log(d), np.log(dc), 1)[0] == pytest.approx(-0.5, abs=0.02)


def test_errors_name_parameters():
    with pytest.raises(ValueError, match="Input nucleus"):
        rf.nucleus("7Li")
    with pytest.raises(ValueError, match="Input radius"):
        rf.Cylinder(-1.0, 1e-3)
    with pytest.raises(ValueError, match="Input resistance"):
        rs.snr(cd.Coil.from_loop(1e-3), rf.Cylinder(1e-4, 1e-4), b0=14.1, resistance=0.0)


def test_magnetic_sample_loss_engine_vs_closed_form():
    """Saline cylinder coaxial in a long solenoid: the engine route sigma omega^2 int |A|^2 dV
    equals pi sigma omega^2 mu0^2 n^2 b^4 l / 8 (Hoult & Lauterbur 1979) to the end effects.
    Stacked rings: a helix also carries its net axial current, whose A_z adds an axial E
    (about +11 % here), which the ideal closed form leaves out."""
    coil = solenoid(1e-3, 40e-3, 400, wire_diameter=50e-6, stacked=True)
    sample = rf.Cylinder(0.5e-3, 2e-3)
    engine = rf.magnetic_loss_resistance(coil, sample, 600e6, 1.6)
    closed = rf.cylinder_in_solenoid_loss(400 / np.hypot(40e-3, 2e-3), 0.5e-3, 2e-3, 600e6, 1.6)
    assert engine == pytest.approx(closed, rel=5e-3)
    assert rf.magnetic_loss_resistance(coil, sample, 600e6, 0.0) == 0.0


def test_rotating_frame_components():
    """A linearly polarised transverse field splits equally into B1+ and B1- of magnitude
    |B_perp|/2 (Hoult 2000)."""
    coil = solenoid(0.5e-3, 1e-3, 5, wire_diameter=0.1e-3).rotate(90, (0, 1, 0))
    bp, bm = rf.rotating_frame_b1(coil, np.zeros((1, 3)))
    b_perp = np.hypot(*cd.field(coil, [0, 0, 0])[0, :2])
    assert abs(bp[0]) == pytest.approx(b_perp / 2, rel=1e-12, abs=0)
    assert abs(bm[0]) == pytest.approx(b_perp / 2, rel=1e-12, abs=0)


def test_stationarity_scale_from_one_moment_per_monomial():
    """The scale of the projection's stationarity check, max_j sum_k sum_i |d_k p_j(x_i)| sqrt(w_i),
    from one moment |values| @ sqrt(w) per monomial and the derivative table equals the products
    with the explicit gradient basis (``_gradient_basis``)."""
    pts, w = sm.Cylinder(0.4e-3, 1e-3, axis=(1.0, 0.0, 0.0)).points((6, 12, 8))
    degree = 5
    powers = sm._powers(pts / 0.5e-3, 2 * degree - 1)
    monomials, index, factor = sm._derivative_table(degree)
    moment = np.abs(sm._monomial_values(powers, monomials)) @ np.sqrt(w)
    scale = sum(factor[:, k] * moment[index[:, k]] for k in range(3))
    g = sm._gradient_basis(powers, degree)
    assert scale == approx(np.abs(g).sum(axis=0) @ np.sqrt(w), rel=1e-13)
