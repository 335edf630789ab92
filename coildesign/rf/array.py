"""Arrays of RF coils: coupling (impedance) matrix, N-port networks, noise-optimal SNR, decoupling.

Coupling
    ``coupling(coils, frequency, sample=...)``: the N x N impedance matrix Z = R + j omega L
    [ohm] of N coils (each coil's two terminals are one port): self inductances L_ii (each
    coil's ``CoilCircuit``), mutual inductances L_ij (``analysis.inductance.mutual_inductance``,
    Neumann), conductor resistances on the diagonal (``ac_resistance``; the conductors' mutual
    resistance through the proximity effect between different coils is neglected) and the
    sample-mediated resistances R_ij = sigma omega^2 int (A_i + grad psi_i) . (A_j + grad psi_j)
    dV (the power the induced fields E_i = -j omega (A_i + grad psi_i) of two coils dissipate
    together: P = (1/2) Re sum_ij I_i^* I_j R_ij; ``rf.sample.induced_potential``; W. A.
    Edelstein et al., J. Magn. Reson. 67, 1 (1986) and P. B. Roemer et al., Magn. Reson. Med.
    16, 192 (1990), whose noise resistance matrix this is). The thermal noise voltages of the
    ports are correlated with covariance Psi = 4 k Delta f Re Z_T (Nyquist theorem for a
    multiport, H. A. Haus, "Representation of Noise in Linear Twoports", Proc. IRE 48, 69
    (1960); with the conductor part at T_c and the sample part at T_s: Re Z_T = T_c R_c + T_s R_s).
Networks
    ``array_network(coils, frequencies, sample=..., matched=...)``: the N-port ``skrf.Network``
    of the array, S = (Z - Z0)(Z + Z0)^-1 (real reference Z0, Pozar, "Microwave Engineering",
    4th ed., eq. 4.44), with each coil's C_self across its port and, ``matched=True``, each
    port's own matching network (designed for that coil alone by ``rf.match``, so the coupling
    shows as mismatch and transmission). A ladder element at port i adds its impedance to Z_ii
    (series) or its admittance to Y_ii = (Z^-1)_ii (shunt): exact for a multiport. Z symmetric
    with Re Z positive semi-definite makes the network reciprocal (S = S^T) and passive
    (eigenvalues of S^H S <= 1). ``isolation_db(network)``: -20 log10 |S_ij| [dB].
SNR
    ``array_snr(coils, sample, points, b0=...)``: Roemer et al. (1990) noise-optimal combination:
    with the channels' signal phasors s_i proportional to the receive fields 2 B1-_i(r)
    (``rf.sensitivity``; |2 B1-| = |B_perp| for one coil driven by a real current) and the noise
    covariance Psi, SNR^2 = s^H Psi^-1 s (weights w = Psi^-1 s), each channel alone
    |s_i| / sqrt(Psi_ii) (``rf.snr`` conventions: peak signal / rms noise of a voxel, single
    scan, noise bandwidth ``bandwidth``).
Decoupling
    ``decoupling_overlap(coil_a, coil_b, direction)``: the displacement of ``coil_b`` along
    ``direction`` at which the mutual inductance first vanishes (the critical overlap of
    neighbouring surface coils, Roemer et al. 1990); ``preamplifier_decoupling``: the
    attenuation of the current in a coil whose matching network presents a low preamplifier
    input impedance (Roemer et al. 1990); ``capacitive_decoupling``: a capacitor shared by the
    loops of each coupled pair that cancels their mutual reactance at the design frequency
    (below).

Capacitive decoupling (the common-capacitor scheme: R. F. Lee, R. O. Giaquinto and C. J.
Hardy, "Coupling and decoupling theory and its application to the MRI phased array", Magn.
Reson. Med. 48, 203 (2002), which also treats overlap and inductive decoupling of neighbours).
Derivation in loop (mesh) currents: the array's loop-impedance matrix
is Z = R + j omega L. A capacitor C_ij in a branch that belongs to both loop i and loop j (a
shared rung, the two loop currents through it in the same sense, s_ij = +1, or opposite,
s_ij = -1) adds its impedance 1/(j omega C_ij) to both self impedances Z_ii and Z_jj and
s_ij/(j omega C_ij) to the mutual impedance Z_ij = Z_ji (Kirchhoff's voltage law round each
loop: the voltage across the shared branch is (I_i + s_ij I_j)/(j omega C_ij)). The mutual
reactance then is omega L_ij - s_ij/(omega C_ij), zero at omega_0 for s_ij = sign(L_ij) and

    C_ij = 1 / (omega_0^2 |L_ij|).

The capacitors are lossless and the added matrix is symmetric, so the decoupled network stays
reciprocal and passive; what remains between the ports at omega_0 is the sample-mediated
mutual resistance R_ij (a capacitor cannot cancel it: Lee et al. 2002), and away from omega_0
the mutual reactance grows again as omega L_ij - s_ij/(omega C_ij). The shared capacitors add
the series reactance -sum_j 1/(omega C_ij) to each coil, which its own tuning absorbs: the
matched decoupled network designs each port's match for the coil with the effective
inductance L_ii - sum_j 1/(omega_0^2 C_ij) at omega_0 (exact there).

SI units: henry, ohm, farad, hertz, kelvin, metres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.constants import Boltzmann
from scipy.optimize import brentq

from coildesign import _validation as check
from coildesign.analysis.inductance import mutual_inductance
from coildesign.coil import Coil
from coildesign.rf import nuclei as _nuclei
from coildesign.rf.circuit import CoilCircuit
from coildesign.rf.matching import MatchResult, match
from coildesign.rf.network import frequency_axis
from coildesign.rf.sample import Sample, _sample, induced_potential
from coildesign.rf.sensitivity import b1_map
from coildesign.rf.snr import curie_magnetization, default_concentration

__all__ = [
    "ArraySNR",
    "CapacitiveDecoupling",
    "Coupling",
    "array_network",
    "array_snr",
    "capacitive_decoupling",
    "coupling",
    "decoupling_overlap",
    "isolation_db",
    "preamplifier_decoupling",
]


def _coils(coils: object) -> list[Coil]:
    try:
        cs = list(coils)  # type: ignore[arg-type]
    except TypeError:
        check._fail("coils", "a sequence of coildesign Coil", coils, TypeError)
    if len(cs) < 1:
        check._fail("coils", "a non-empty sequence of coildesign Coil", coils)
    for i, c in enumerate(cs):
        if not isinstance(c, Coil):
            check._fail(f"coils[{i}]", "a coildesign Coil", c, TypeError)
    return cs


@dataclass(frozen=True, eq=False)
class Coupling:
    """Coupling of N coils at ``frequency`` [Hz] (module docstring).

    ``inductance`` (N, N) [H]; ``conductor_resistance`` (N,) [ohm] at ``temperature`` [K];
    ``sample_resistance`` (N, N) [ohm] (zeros without a sample); ``c_self`` (N,) [F];
    ``circuits``: each coil's ``CoilCircuit`` (its own sample loss included).
    """

    frequency: float
    inductance: np.ndarray
    conductor_resistance: np.ndarray
    sample_resistance: np.ndarray
    c_self: np.ndarray
    temperature: float
    circuits: tuple[CoilCircuit, ...]

    @property
    def resistance(self) -> np.ndarray:
        """R (N, N) [ohm]: conductor resistances on the diagonal plus the sample's matrix."""
        return np.diag(self.conductor_resistance) + self.sample_resistance

    @property
    def impedance(self) -> np.ndarray:
        """Z = R + j omega L (N, N) complex [ohm] (the coils' terminals, C_self not included)."""
        return self.resistance + 2j * np.pi * self.frequency * self.inductance

    @property
    def coupling_coefficient(self) -> np.ndarray:
        """k_ij = L_ij / sqrt(L_ii L_jj) (N, N) [-]."""
        d = np.sqrt(np.diag(self.inductance))
        return self.inductance / np.outer(d, d)

    @property
    def noise_correlation(self) -> np.ndarray:
        """rho_ij = R_ij / sqrt(R_ii R_jj) (N, N) [-] (equal temperatures)."""
        r = self.resistance
        d = np.sqrt(np.diag(r))
        return r / np.outer(d, d)

    def noise_covariance(self, bandwidth: float = 1.0, temperature_sample: float | None = None,
                         noise_factor: float = 1.0) -> np.ndarray:
        """Psi = F 4 k Delta f (T_c R_c + T_s R_s) (N, N) [V^2] in ``bandwidth`` Delta f [Hz]
        (T_s default: the conductor temperature; F = ``noise_factor``)."""
        ts = self.temperature if temperature_sample is None else check.positive("temperature_sample",
                                                                              temperature_sample)
        df = check.positive("bandwidth", bandwidth)
        return noise_factor * 4.0 * Boltzmann * df * (self.temperature * np.diag(self.conductor_resistance)
                                                       + ts * self.sample_resistance)

    def impedance_at(self, frequencies) -> np.ndarray:
        """Z(f) (F, N, N) [ohm] over ``frequencies`` [Hz]: R_c(f) of each coil, the sample's
        matrix scaled as sigma_eff(f) omega^2 (like each coil's own sample loss), j omega L."""
        f = np.atleast_1d(np.asarray(frequencies, dtype=float))
        n = len(self.circuits)
        z = np.zeros((len(f), n, n), dtype=complex)
        scale = np.ones(len(f))
        diag_s = np.diag(self.sample_resistance)
        if diag_s.any():
            k = int(np.argmax(diag_s))
            scale = self.circuits[k].sample_resistance_at(f) / self.circuits[k].sample_resistance
        for i, c in enumerate(self.circuits):
            z[:, i, i] += c.conductor_resistance_at(f)
        z += scale[:, None, None] * self.sample_resistance + 2j * np.pi * f[:, None, None] * self.inductance
        return z


def coupling(coils: Sequence[Coil], frequency: float, *, sample: Sample | None = None,
             conductivity: float | None = None, temperature: float = 293.15, n=None) -> Coupling:
    """The coupling of ``coils`` at ``frequency`` [Hz] (module docstring): ``.impedance`` is the
    N x N complex impedance matrix [ohm]. With a ``sample`` (``conductivity`` [S/m] or its
    medium's), the sample-mediated resistance matrix from the coils' induced fields at its
    quadrature points (``n``); conductors at ``temperature`` [K]."""
    cs = _coils(coils)
    f0 = check.positive("frequency", frequency)
    t = check.positive("temperature", temperature)
    m = len(cs)
    gram = np.zeros((m, m))
    if sample is not None:
        smp = _sample(sample)
        fields = [induced_potential(c, smp, n=n) for c in cs]
        w = fields[0][1]
        gram = np.array([[float(np.sum(w * np.einsum("ij,ij->i", fa[2], fb[2]))) for fb in fields] for fa in fields])
    circuits = tuple(CoilCircuit.from_coil(c, f0, sample=sample, temperature=t, conductivity=conductivity, n=n,
                                           loss_integral=None if sample is None else gram[i, i])
                     for i, c in enumerate(cs))
    ind = np.diag([c.inductance for c in circuits]).astype(float)
    for i in range(m):
        for j in range(i + 1, m):
            ind[i, j] = ind[j, i] = mutual_inductance(cs[i], cs[j])
    rs = np.zeros((m, m))
    k = int(np.argmax(np.diag(gram)))
    if gram[k, k] > 0:  # sigma omega^2 from the coils' own losses (R_s,ii = sigma omega^2 G_ii)
        rs = circuits[k].sample_resistance / gram[k, k] * gram
    return Coupling(f0, ind, np.array([c.conductor_resistance for c in circuits]), rs,
                    np.array([c.c_self for c in circuits]), t, circuits)


def _s_from_z(z: np.ndarray, z0: float) -> np.ndarray:
    """S = (Z - Z0 I)(Z + Z0 I)^-1 (F, N, N) for a real reference Z0 [ohm] (Pozar eq. 4.44)."""
    eye = np.eye(z.shape[-1])
    return np.linalg.solve((z + z0 * eye).transpose(0, 2, 1), (z - z0 * eye).transpose(0, 2, 1)).transpose(0, 2, 1)


def _with_port_element(z: np.ndarray, port: int, z_e: np.ndarray, position: str) -> np.ndarray:
    """Z (F, N, N) with an element of impedance ``z_e`` (F,) added at ``port``: in series
    (Z_ii += z_e) or across it (Y_ii += 1 / z_e, Y = Z^-1)."""
    if position == "series":
        out = z.copy()
        out[:, port, port] += z_e
        return out
    y = np.linalg.inv(z)
    y[:, port, port] += 1.0 / z_e
    return np.linalg.inv(y)


def _coupling_at_centre(coils, freq, sample, conductivity, temperature) -> Coupling:
    """``coils`` if it is a ``Coupling`` already computed, else their ``coupling`` at the median
    frequency of ``freq``."""
    if isinstance(coils, Coupling):
        return coils
    return coupling(coils, float(np.median(freq.f)), sample=sample, conductivity=conductivity,
                    temperature=temperature)


def array_network(coils: Sequence[Coil] | Coupling, frequencies, *, sample: Sample | None = None,
                  matched: bool = False, z0: float = 50.0, topology: str = "auto",
                  conductivity: float | None = None, temperature: float = 293.15, name: str = "coil array"):
    """The array as an N-port ``skrf.Network`` over ``frequencies`` [Hz] (module docstring),
    reference ``z0`` [ohm]. ``coils`` may be a ``Coupling`` already computed (at the centre
    frequency). ``matched``: each port gets its coil's own matching network of ``topology``,
    designed at the median frequency with its sample loss (``rf.match``); the designs are in
    ``network.matches`` (a tuple of ``MatchResult``)."""
    freq = frequency_axis(frequencies)
    z0v = check.positive("z0", z0)
    cp = _coupling_at_centre(coils, freq, sample, conductivity, temperature)
    return _ports_network(freq, cp.impedance_at(freq.f), cp, cp.circuits, matched, z0v, topology, name)


def _ports_network(freq, z: np.ndarray, cp: Coupling, circuits, matched: bool, z0v: float, topology: str,
                   name: str):
    """The N-port ``skrf.Network`` of the loop impedances ``z`` (F, N, N) [ohm] over ``freq``:
    each coil's C_self across its port and, ``matched``, the match of ``circuits[i]`` at port i
    (``array_network``)."""
    import skrf

    f = freq.f
    omega = 2.0 * np.pi * f
    for i, cs in enumerate(cp.c_self):
        if cs > 0.0:
            z = _with_port_element(z, i, 1.0 / (1j * omega * cs), "shunt")
    matches: tuple[MatchResult, ...] = ()
    if matched:
        matches = tuple(match(c, z0=z0v, topology=topology, n_points=11) for c in circuits)
        for i, m in enumerate(matches):
            for e in reversed(m.elements):  # from the coil outwards
                z = _with_port_element(z, i, e.impedance(omega), e.position)
    net = skrf.Network(frequency=freq, s=_s_from_z(z, z0v), z0=z0v, name=name)
    net.matches = matches
    return net


@dataclass(frozen=True, eq=False)
class CapacitiveDecoupling:
    """A common-capacitor decoupling network (module docstring, "Capacitive decoupling").

    ``capacitors``: {(i, j): C_ij [F]} for each decoupled pair i < j; ``orientation``:
    {(i, j): s_ij} (+1: both loop currents run through the shared capacitor in the same sense,
    -1: opposite; s_ij = sign(L_ij)); ``frequency``: the design frequency [Hz]; ``coupling``:
    the array's ``Coupling`` there; ``network``: the decoupled N-port ``skrf.Network`` (each
    port matched when asked, designs in ``network.matches``); ``before``: the same network
    without the capacitors (``array_network``), for comparison.
    """

    capacitors: dict
    orientation: dict
    frequency: float
    coupling: Coupling
    network: object
    before: object

    def added_impedance(self, frequencies) -> np.ndarray:
        """The shared capacitors' part of the loop-impedance matrix (F, N, N) [ohm] at
        ``frequencies`` [Hz]: 1/(j omega C_ij) on Z_ii and Z_jj, s_ij/(j omega C_ij) on Z_ij."""
        f = np.atleast_1d(np.asarray(frequencies, dtype=float))
        n = len(self.coupling.circuits)
        z = np.zeros((len(f), n, n), dtype=complex)
        for (i, j), c in self.capacitors.items():
            zc = 1.0 / (2j * np.pi * f * c)
            z[:, i, i] += zc
            z[:, j, j] += zc
            z[:, i, j] += self.orientation[(i, j)] * zc
            z[:, j, i] += self.orientation[(i, j)] * zc
        return z

    def impedance_at(self, frequencies) -> np.ndarray:
        """Decoupled loop-impedance matrix Z(f) + the capacitors' part (F, N, N) [ohm]."""
        return self.coupling.impedance_at(frequencies) + self.added_impedance(frequencies)

    def effective_inductance(self) -> np.ndarray:
        """L_ii - sum_j 1/(omega_0^2 C_ij) (N,) [H]: each coil with its shared capacitors at the
        design frequency (what its own match is designed for)."""
        w2 = (2.0 * np.pi * self.frequency) ** 2
        eff = np.diag(self.coupling.inductance).astype(float).copy()
        for (i, j), c in self.capacitors.items():
            eff[i] -= 1.0 / (w2 * c)
            eff[j] -= 1.0 / (w2 * c)
        return eff


def capacitive_decoupling(coils: Sequence[Coil] | Coupling, frequencies, *, pairs=None, sample: Sample | None = None,
                          matched: bool = False, z0: float = 50.0, topology: str = "auto",
                          conductivity: float | None = None, temperature: float = 293.15,
                          name: str = "decoupled coil array") -> CapacitiveDecoupling:
    """Common-capacitor decoupling of an array (module docstring): for each pair (i, j) in
    ``pairs`` (default: every pair with a non-zero mutual inductance) the shared capacitor
    C_ij = 1/(omega_0^2 |L_ij|) [F] that cancels their mutual reactance at the design frequency
    f_0 = the median of ``frequencies`` [Hz] (or the ``Coupling``'s frequency when ``coils`` is
    one), and the decoupled N-port over ``frequencies`` (options as ``array_network``).

    Raises ValueError when a pair has no mutual inductance to cancel, or when the shared
    capacitors' reactance exceeds a coil's own (L_ii - sum_j 1/(omega_0^2 C_ij) <= 0: that
    coil could not be tuned; decouple fewer pairs or use overlap decoupling,
    ``decoupling_overlap``).
    """
    freq = frequency_axis(frequencies)
    z0v = check.positive("z0", z0)
    cp = _coupling_at_centre(coils, freq, sample, conductivity, temperature)
    n = len(cp.circuits)
    ind = cp.inductance
    if pairs is None:
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if ind[i, j] != 0.0]
    chosen = []
    for pair in pairs:
        try:
            i, j = sorted(int(k) for k in pair)
        except (TypeError, ValueError):
            check._fail("pairs", f"pairs (i, j) of port indices in 0 .. {n - 1}", pairs, TypeError)
        if not (0 <= i < j < n):
            check._fail("pairs", f"pairs (i, j) of two different port indices in 0 .. {n - 1}", pairs)
        if ind[i, j] == 0.0:
            check._fail("pairs", f"pairs with a mutual inductance to cancel (L_{i}{j} = 0)", pairs)
        chosen.append((i, j))
    w0 = 2.0 * np.pi * cp.frequency
    caps = {p: 1.0 / (w0 * w0 * abs(float(ind[p]))) for p in chosen}
    signs = {p: int(np.sign(ind[p])) for p in chosen}
    result = CapacitiveDecoupling(caps, signs, cp.frequency, cp, None, None)
    eff = result.effective_inductance()
    if np.any(eff <= 0.0):
        k = int(np.argmin(eff))
        check._fail("pairs", f"decoupled pairs whose shared capacitors leave coil {k} inductive at "
                    f"{cp.frequency:.6g} Hz (L_eff = {eff[k]:.4g} H)", pairs)
    circuits = tuple(replace(c, inductance=float(eff[i])).with_notes(
        f"L_eff = L - sum 1/(omega0^2 C) of its shared decoupling capacitors at {cp.frequency:.6g} Hz")
        for i, c in enumerate(cp.circuits))
    network = _ports_network(freq, result.impedance_at(freq.f), cp, circuits, matched, z0v, topology, name)
    before = _ports_network(freq, cp.impedance_at(freq.f), cp, cp.circuits, matched, z0v, topology, name)
    return replace(result, network=network, before=before)


def isolation_db(network) -> np.ndarray:
    """-20 log10 |S_ij| [dB] (F, N, N) of an N-port ``skrf.Network`` (or S array (F, N, N)):
    the isolation between ports i != j (the diagonal is the return loss)."""
    s = np.asarray(getattr(network, "s", network))
    with np.errstate(divide="ignore"):
        return -20.0 * np.log10(np.abs(s))


def preamplifier_decoupling(match_result: MatchResult, preamp_impedance: complex, frequency=None) -> np.ndarray:
    """Current suppression [dB] that a preamplifier of input impedance ``preamp_impedance``
    [ohm] adds to a coil behind ``match_result``'s network, relative to a ``z0`` termination:
    the current an EMF induced in the coil (e.g. by a neighbour) drives round the loop
    R + j omega L + (C_self || Z_s(Z_term)) falls by 20 log10 |loop(Z_p)| / |loop(Z0)|, with
    Z_s(Z_term) the impedance the network presents to the coil when its line port is
    terminated by Z_term (Roemer et al., Magn. Reson. Med. 16, 192 (1990): a low-impedance
    preamplifier behind a matching network turns the tuning capacitor into a parallel resonance
    that blocks the coil current, and with it the current induced by a neighbour). Positive
    values mean less current; at ``frequency`` [Hz] (default the design frequency)."""
    if not isinstance(match_result, MatchResult) or match_result.circuit is None:
        check._fail("match_result", "a MatchResult of rf.match", match_result, TypeError)
    zp = complex(preamp_impedance)
    if not np.isfinite(zp) or zp.real < 0:
        check._fail("preamp_impedance", "a finite impedance with Re >= 0 [ohm]", preamp_impedance)
    f = np.atleast_1d(np.asarray(match_result.frequency if frequency is None else frequency, dtype=float))
    omega = 2.0 * np.pi * f
    c = match_result.circuit
    branch = c.resistance_at(f) + 1j * omega * c.inductance

    def source(z_term: complex) -> np.ndarray:
        """Impedance seen from the coil into the network terminated at the line by z_term."""
        z = np.full(f.shape, z_term, dtype=complex)
        for e in match_result.elements:  # line side first: walk towards the coil
            ze = e.impedance(omega)
            z = z + ze if e.position == "series" else z * ze / (z + ze)  # parallel; a short (z = 0) stays 0
        return z

    def loop(z_term: complex) -> np.ndarray:
        z = source(z_term)
        if c.c_self > 0.0:
            z = z / (1.0 + 1j * omega * c.c_self * z)
        return branch + z

    with np.errstate(divide="ignore"):
        return 20.0 * np.log10(np.abs(loop(zp)) / np.abs(loop(match_result.z0)))


@dataclass(frozen=True, eq=False)
class ArraySNR:
    """Noise-optimal (Roemer) combined and per-channel SNR of a voxel at ``points`` (M, 3) [m].

    ``combined`` (M,), ``channels`` (N, M): peak signal / rms noise of a voxel of
    ``voxel_volume`` [m^3] in ``bandwidth`` [Hz], single scan; ``weights`` (N, M) complex: the
    optimal combination weights Psi^-1 s (normalised to unit norm); ``noise_covariance`` (N, N)
    [V^2]; ``coupling`` the coils' ``Coupling``.
    """

    points: np.ndarray
    combined: np.ndarray
    channels: np.ndarray
    weights: np.ndarray
    noise_covariance: np.ndarray
    frequency: float
    voxel_volume: float
    bandwidth: float
    coupling: Coupling

    @property
    def gain_over_best_channel(self) -> np.ndarray:
        """combined / max over channels (M,) [-]."""
        return self.combined / self.channels.max(axis=0)


def array_snr(coils: Sequence[Coil], sample: Sample, points, *, b0: float, nucleus: str = "1H",
              concentration: float | None = None, temperature: float = 293.15, temperature_sample: float = 293.15,
              bandwidth: float = 10e3, voxel_volume: float = 1e-12, noise_figure_db: float = 0.0,
              b0_direction=(0.0, 0.0, 1.0), conductivity: float | None = None, n=None) -> ArraySNR:
    """Noise-optimal combined SNR and each channel's at ``points`` (M, 3) [m] (module
    docstring; Roemer et al., MRM 16, 192 (1990): SNR^2 = s^H Psi^-1 s). ``b0`` [T] along
    ``b0_direction``; ``nucleus`` and ``concentration`` [mol/m^3] (default 1H of water) give
    the Curie magnetisation M0 (``rf.snr.curie_magnetization`` at ``temperature_sample`` [K]);
    the signal of channel i is omega M0 V 2 B1-_i (V = ``voxel_volume`` [m^3]); the noise
    covariance is that of ``coupling(coils, f, sample=sample)`` with the conductors at
    ``temperature`` [K] and the sample at ``temperature_sample``, times the noise factor
    10^(``noise_figure_db``/10), in ``bandwidth`` [Hz]. A sample without a medium or
    ``conductivity`` contributes no noise."""
    cs = _coils(coils)
    smp = _sample(sample)
    pts = check.points3("points", points)
    nuc = _nuclei.nucleus(nucleus)
    field_ = check.magnetic_field_strength("b0", b0)
    f0 = nuc.larmor_frequency(field_)
    concentration = default_concentration(nuc, concentration)
    vox = check.positive("voxel_volume", voxel_volume)
    df = check.positive("bandwidth", bandwidth)
    nf = 10.0 ** (check.in_range("noise_figure_db", noise_figure_db, 0.0, 100.0) / 10.0)
    lossy = conductivity is not None or smp.medium is not None
    cp = coupling(cs, f0, sample=smp if lossy else None, conductivity=conductivity, temperature=temperature, n=n)
    psi = cp.noise_covariance(df, temperature_sample, nf)
    m0 = curie_magnetization(nuc, concentration, field_, temperature_sample)
    s = np.array([2.0 * b1_map(c, pts, b0_direction=b0_direction).b1_minus for c in cs])  # (N, M) [T/A]
    s = 2.0 * np.pi * f0 * m0 * vox * s  # EMF phasors [V]
    w = np.linalg.solve(psi, s)  # Psi^-1 s
    combined = np.sqrt(np.maximum(np.real(np.einsum("nm,nm->m", np.conj(s), w)), 0.0))
    channels = np.abs(s) / np.sqrt(np.diag(psi))[:, None]
    norm = np.linalg.norm(w, axis=0)
    return ArraySNR(pts, combined, channels, w / np.where(norm > 0, norm, 1.0), psi, f0, vox, df, cp)


def decoupling_overlap(coil_a: Coil, coil_b: Coil, direction, *, max_distance: float | None = None,
                       steps: int = 64) -> float:
    """Distance [m] to move ``coil_b`` along the unit vector ``direction`` from where it is so
    that its mutual inductance with ``coil_a`` (``analysis.inductance.mutual_inductance``)
    vanishes: the first zero of M(s), bracketed on ``steps`` equal steps up to
    ``max_distance`` [m] (default: 4 x the larger coil's extent) and refined by Brent's method.
    Two coplanar circular loops of diameter D reach it at a centre distance of about 0.75 D
    (thin wire; ``validation``). ValueError when M does not change sign in the range."""
    for name, c in (("coil_a", coil_a), ("coil_b", coil_b)):
        if not isinstance(c, Coil):
            check._fail(name, "a coildesign Coil", c, TypeError)
    u = check.unit_vector("direction", direction)
    k = check.positive_int("steps", steps, minimum=2, maximum=100000)
    extent = max(float(np.ptp(np.vstack(c.paths(64)), axis=0).max()) for c in (coil_a, coil_b))
    top = 4.0 * extent if max_distance is None else check.positive("max_distance", max_distance)

    def m(s: float) -> float:
        return mutual_inductance(coil_a, coil_b.translate(s * u))

    grid = np.linspace(0.0, top, k + 1)
    try:
        previous = m(0.0)
    except ValueError:  # coil_b is a copy of coil_a: start from the first step (M is large there)
        grid = grid[1:]
        previous = m(float(grid[0]))
    if previous == 0.0:
        return float(grid[0])
    for s0, s1 in zip(grid[:-1], grid[1:]):
        current = m(float(s1))
        if current == 0.0:
            return float(s1)
        if np.sign(current) != np.sign(previous):
            return float(brentq(m, float(s0), float(s1), xtol=1e-12 * extent, rtol=1e-12))
        previous = current
    check._fail("direction", f"a direction along which the mutual inductance changes sign within {top:.4g} m "
                "(give max_distance)", direction)
    return float("nan")  # pragma: no cover - _fail raises
