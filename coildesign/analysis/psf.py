"""Point-spread function, geometric distortion and resolution limits of MR microscopy.

Readout model (frequency encoding along s with gradient G [T/m], nucleus gyromagnetic ratio
gamma [rad/(s T)], gamma_bar = gamma / 2 pi): N samples at dwell dt = 1 / (gamma_bar G FOV),
k_n = gamma_bar G t_n [1/m] with t_n = (n - N/2) dt (echo at n = N/2), acquisition time
T_acq = N dt. The sampled signal of a point spin at image position x0 is

    S_n = w(t_n) exp(-D b(t_n)) exp(-2 pi i k_n x0)

- Sampling alone gives the Dirichlet (periodic sinc) kernel: nominal resolution FOV/N (first
  zero); its FWHM is 1.2067 FOV/N (Haacke et al., Magnetic Resonance Imaging, 1999, ch. 12).
- T2* decay w(t) = exp(-|t|/T2*) (echo="spin": symmetric about the echo) or exp(-t/T2*)
  (echo="gradient", normalised at the echo): for long readouts a Lorentzian of FWHM
  2 / (gamma G T2*) [m] (Callaghan, Principles of NMR Microscopy, 1991, sec. 4.2).
- Diffusion during the gradient-echo trajectory (prephaser of length T_acq/2 at -G, then the
  readout at +G): b(t) = (2 pi)^2 int_0^t k(t')^2 dt', which for this trajectory is
  b = (2 pi)^2 [k_max^2 T_acq / 6 + T_acq (k^3 + k_max^3) / (6 k_max)] at the sample of
  wavenumber k (derived by integrating the piecewise-linear k(t); Stejskal & Tanner,
  J. Chem. Phys. 42, 288 (1965) for the attenuation exp(-D b); McFarland, Magn. Reson.
  Imaging 10, 269 (1992) for its effect on the PSF).
- The three effects are combined numerically: the PSF is |DFT| of the weighted samples,
  zero-padded ``oversample`` times; the FWHM and peak shift are measured on it.

Diffusion-limited resolution has several definitions; ``resolution_limits`` names the one
reported: "cube_root" (D/(gamma G))^(1/3), "two" (2D/(gamma G))^(1/3), "four_pi"
(4 pi D/(gamma G))^(1/3) (the distance over which diffusion during the time needed to
dephase across one resolution element equals that element, up to the constant; Callaghan
1991 sec. 4.3; Ahn & Cho, Med. Phys. 16, 22 (1989)), plus the RMS displacement during the
acquisition, sqrt(2 D T_acq) (Einstein, 1-D).

Gradient non-linearity: with nominal gradient G along s, a spin at r appears at
s' = Bz(r) / G; the displacement is s' - s, and the local stretch (Jacobian) d s'/d s =
(dBz/ds) / G changes pixel size in object space and intensity by its inverse (Doran et al.,
Phys. Med. Biol. 50, 1343 (2005)).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.constants import physical_constants

from coildesign import _validation as check
from coildesign._files import save_figure
from coildesign._text import table
from coildesign.analysis.gradient import _size, encoding_axis, gradient_efficiency
from coildesign.coil import Coil
from coildesign.fields import field, field_jacobian

GAMMA_1H = physical_constants["proton gyromag. ratio"][0]  # [rad/(s T)], CODATA
WATER_DIFFUSION_25C = 2.299e-9  # [m^2/s], Holz, Heil & Sacco, PCCP 2, 4740 (2000), Table 1
DIRICHLET_FWHM = 1.2067  # FWHM of the sampling kernel in units of FOV/N (large N limit)
DIFFUSION_DEFINITIONS = {"cube_root": 1.0, "two": 2.0, "four_pi": 4.0 * np.pi}


@dataclass(frozen=True)
class PointSpread:
    """A 1-D point-spread profile and its measures (positions in metres)."""

    x: np.ndarray  # [m] image coordinate
    profile: np.ndarray  # normalised magnitude, max 1
    fwhm: float  # [m] in image space
    shift: float  # [m] peak position minus true position (image space)
    nominal: float  # [m] FOV / N
    stretch: float  # local gradient / nominal gradient (1 for a linear coil)

    @property
    def fwhm_object(self) -> float:
        """FWHM referred to object space [m]: image FWHM divided by the local stretch."""
        return self.fwhm / self.stretch

    def plot(self, path: str | None = None, ax=None):
        """Plot the profile (matplotlib); save to ``path`` when given. Returns the axes."""
        import matplotlib

        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.2))
        ax.plot(self.x * 1e6, self.profile)
        ax.axhline(0.5, color="0.6", lw=0.8, ls="--")
        ax.set_xlabel("image position [um]")
        ax.set_ylabel("|PSF| (normalised)")
        ax.set_title(f"FWHM {self.fwhm * 1e6:.3g} um, shift {self.shift * 1e6:.3g} um")
        if path is not None:
            save_figure(ax.figure, path)
        return ax


def _fwhm(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(FWHM, peak position) of a sampled single-peaked profile by linear interpolation."""
    i = int(np.argmax(y))
    half = 0.5 * y[i]
    left = i
    while left > 0 and y[left] > half:
        left -= 1
    right = i
    while right < len(y) - 1 and y[right] > half:
        right += 1
    if y[left] > half or y[right] > half:
        check._fail("fov", "large enough to contain the PSF's half-maximum points", float(x[-1] - x[0]))
    xl = x[left] + (half - y[left]) * (x[left + 1] - x[left]) / (y[left + 1] - y[left])
    xr = x[right - 1] + (half - y[right - 1]) * (x[right] - x[right - 1]) / (y[right] - y[right - 1])
    if 0 < i < len(y) - 1:  # parabolic peak interpolation
        denom = y[i - 1] - 2 * y[i] + y[i + 1]
        peak = x[i] + (0.5 * (y[i - 1] - y[i + 1]) / denom if denom != 0 else 0.0) * (x[1] - x[0])
    else:
        peak = x[i]
    return float(xr - xl), float(peak)


def point_spread_function(
    gradient: float,
    fov: float,
    n_samples: int,
    *,
    t2star: float = np.inf,
    diffusion: float = 0.0,
    gamma: float = GAMMA_1H,
    position: float = 0.0,
    stretch: float = 1.0,
    echo: str = "spin",
    oversample: int = 32,
) -> PointSpread:
    """Readout PSF of a point spin at image ``position`` [m] (see module doc).

    ``gradient`` [T/m], ``fov`` [m], ``n_samples``, ``t2star`` [s], ``diffusion`` [m^2/s],
    ``gamma`` [rad/(s T)], ``stretch``: local/nominal gradient at the spin (for object-space
    width), ``echo``: "spin" or "gradient" T2* weighting, ``oversample``: zero-padding factor.
    """
    g = check.positive("gradient", gradient)
    fov = check.positive("fov", fov)
    n = check.positive_int("n_samples", n_samples, minimum=4)
    t2s = check.positive_or_inf("t2star", t2star)
    d = check.positive("diffusion", diffusion, allow_zero=True)
    gam = check.positive("gamma", gamma)
    x0 = check.finite("position", position)
    stretch = check.positive("stretch", stretch)
    check.choice("echo", echo, ("spin", "gradient"))
    os_ = check.positive_int("oversample", oversample, minimum=1)
    check.memory("n_samples", n_samples, 160.0 * n * os_, "use fewer samples or a smaller oversample")
    g, fov, d, gam = (np.float64(v) for v in (g, fov, d, gam))  # numpy floats: overflow gives inf, checked below
    gbar = gam / (2 * np.pi)
    dt = 1.0 / (gbar * g * fov)
    t = (np.arange(n) - n // 2) * dt
    k = gbar * g * t
    t_acq = n * dt
    kmax = gbar * g * t_acq / 2
    w = np.exp(-np.abs(t) / t2s) if echo == "spin" else np.exp(-t / t2s)
    b = (2 * np.pi) ** 2 * (kmax**2 * t_acq / 6 + t_acq * (k**3 + kmax**3) / (6 * kmax))
    s = w * np.exp(-d * b) * np.exp(-2j * np.pi * k * x0)
    m = n * os_
    x = (np.arange(m) - m // 2) * fov / m
    spec = np.zeros(m, complex)
    spec[:n] = s
    # image(x) = sum_n S_n exp(+2 pi i k_n x), k_n = (n - n//2)/FOV; x on the padded grid
    img = np.fft.fftshift(np.fft.ifft(np.roll(spec, -(n // 2)))) * m
    prof = np.abs(img)
    prof /= prof.max()
    fw, peak = _fwhm(x, prof)
    check.result("point-spread function", np.array([fw, peak, prof.max(), x[0]]), gradient=gradient, fov=fov,
                 diffusion=diffusion)
    return PointSpread(x, prof, fw, peak - x0, fov / n, stretch)


@dataclass(frozen=True)
class Distortion:
    """Geometric distortion of frequency encoding along one gradient coil's axis."""

    points: np.ndarray  # (M, 3) [m] true positions
    encoded: np.ndarray  # (M,) [m] apparent coordinate s' = Bz / G
    displacement: np.ndarray  # (M,) [m] s' - s
    stretch: np.ndarray  # (M,) d s'/d s: local/nominal gradient; intensity scales as 1/stretch


GRADIENT_FLOOR = 1e-9  # |eta| below this fraction of the coil's isocentre field scale is no gradient (rounding)


def geometric_distortion(coil: Coil, points: np.ndarray, axis=None) -> Distortion:
    """Apparent positions, displacements and local stretch at ``points`` [m] for readout
    with ``coil`` (nominal gradient = its isocentre efficiency; any current)."""
    s_hat = encoding_axis(coil, axis)
    eta = gradient_efficiency(coil, s_hat)
    pts = check.points3("points", points)
    # no gradient along the axis (e.g. a Helmholtz pair, a transverse coil read along z): the
    # encoded positions Bz/eta would be infinite or rounding noise
    iso = np.zeros((1, 3))
    scale = (float(np.linalg.norm(field_jacobian(coil, iso)[0]))
             + float(np.linalg.norm(field(coil, iso)[0])) / _size(coil))
    if not abs(eta) > GRADIENT_FLOOR * scale:
        name, value = ("coil", coil.name) if axis is None else ("axis", axis)
        check._fail(name, f"such that the coil has a gradient along the encoding axis {s_hat.round(12).tolist()} (its "
                    f"isocentre efficiency there is {eta:.3g} T/(m A), {abs(eta) / scale if scale else 0.0:.2g} of its "
                    "field scale); give the axis of the coil's gradient", value)
    bz = field(coil, pts)[:, 2]
    jac = field_jacobian(coil, pts)
    enc = bz / eta
    return Distortion(pts, enc, enc - pts @ s_hat, jac[:, 2, :] @ s_hat / eta)


def coil_point_spread(coil: Coil, point, gradient: float, fov: float, n_samples: int, *, axis=None,
                      **kwargs) -> PointSpread:
    """PSF of a spin at ``point`` [m] read out with ``coil`` at nominal ``gradient`` [T/m]:
    includes the non-linearity shift (Bz/G - s) and the local stretch at that point."""
    p = check.vector3("point", point)
    fov_ = check.positive("fov", fov)
    dist = geometric_distortion(coil, p[None, :], axis)
    s_true = float(p @ encoding_axis(coil, axis))
    encoded, stretch = float(dist.encoded[0]), float(dist.stretch[0])
    # a gradient design that is not usable at the point is named as such, not as a bad fov or stretch
    if not stretch > 0:
        check._fail("coil", f"a gradient whose local gradient at point {p.tolist()} m has the sign of the nominal one "
                    f"(local/nominal = {stretch:.3g}: the encoding folds over there, the design is not usable at this "
                    "point)", coil.name)
    if not abs(encoded) < 0.5 * fov_:
        check._fail("coil", f"a gradient that encodes point {p.tolist()} m inside the field of view +-{0.5 * fov_:g} m "
                    f"(it appears at {encoded:.4g} m, displaced by {encoded - s_true:.3g} m: the gradient is too "
                    "non-linear there, or enlarge fov)", coil.name)
    psf = point_spread_function(gradient, fov, n_samples, position=encoded, stretch=stretch, **kwargs)
    return PointSpread(psf.x, psf.profile, psf.fwhm, encoded + psf.shift - s_true, psf.nominal, psf.stretch)


@dataclass(frozen=True)
class ResolutionLimits:
    """Resolution limits [m] of frequency encoding with ``gradient`` [T/m]."""

    gradient: float
    digital: float | None  # FOV/N
    t2star_limit: float  # 2 / (gamma G T2*)
    t2_limit: float | None  # 2 / (gamma G T2)
    diffusion_limit: float  # (c D / (gamma G))^(1/3)
    diffusion_definition: str
    rms_displacement: float | None  # sqrt(2 D T_acq)
    acquisition_time: float | None  # [s]
    dominant: str

    def as_dict(self) -> dict:
        """Plain dict (metres, seconds, T/m)."""
        return asdict(self)

    def rows(self) -> list[tuple[str, str]]:
        """(name, value with unit) of each limit: the rows of ``__str__`` and of the probe
        summary's resolution table."""
        def um(v):
            return "-" if v is None else f"{v * 1e6:.4g} um"

        return [("gradient", f"{self.gradient:.4g} T/m"), ("digital FOV/N", um(self.digital)),
                ("T2* limit 2/(gamma G T2*)", um(self.t2star_limit)), ("T2 limit 2/(gamma G T2)", um(self.t2_limit)),
                (f"diffusion limit ({self.diffusion_definition})", um(self.diffusion_limit)),
                ("rms displacement sqrt(2 D T_acq)", um(self.rms_displacement)), ("dominant", self.dominant)]

    def __str__(self) -> str:
        return table(self.rows())


def resolution_limits(
    gradient: float,
    *,
    t2star: float,
    t2: float | None = None,
    diffusion: float = WATER_DIFFUSION_25C,
    gamma: float = GAMMA_1H,
    fov: float | None = None,
    n_samples: int | None = None,
    definition: str = "cube_root",
) -> ResolutionLimits:
    """Digital, T2*, T2 and diffusion limits of resolution at ``gradient`` [T/m] and which one
    dominates (see module doc for the definitions)."""
    g = check.positive("gradient", gradient)
    t2s = check.positive("t2star", t2star)
    gam = check.positive("gamma", gamma)
    d = check.positive("diffusion", diffusion, allow_zero=True)
    check.choice("definition", definition, tuple(DIFFUSION_DEFINITIONS))
    g, t2s, gam, d = (np.float64(v) for v in (g, t2s, gam, d))  # numpy floats: overflow gives inf, checked below
    digital = t_acq = rms = None
    fov = None if fov is None else check.positive("fov", fov)
    n = None if n_samples is None else check.positive_int("n_samples", n_samples)
    if (fov is None) != (n is None):
        name, other = ("n_samples", "fov") if n is None else ("fov", "n_samples")
        check._fail(name, f"given together with {other} (both or neither: the digital resolution is fov / n_samples)",
                    None)
    if fov is not None and n is not None:
        digital = fov / n
        t_acq = n / (gam / (2 * np.pi) * g * fov)
        rms = float(np.sqrt(2 * d * t_acq))
    lims = {
        "T2*": 2.0 / (gam * g * t2s),
        "diffusion": (DIFFUSION_DEFINITIONS[definition] * d / (gam * g)) ** (1 / 3),
    }
    t2_lim = None
    if t2 is not None:
        t2_lim = 2.0 / (gam * g * check.positive("t2", t2))
    if digital is not None:
        lims["digital"] = digital
    dominant = max(lims, key=lims.get)
    check.result("resolution limits", np.array([*lims.values(), t2_lim or 0.0, rms or 0.0, t_acq or 0.0]),
                 gradient=gradient, t2star=t2star, diffusion=diffusion)
    return ResolutionLimits(g, digital, lims["T2*"], t2_lim, lims["diffusion"], definition, rms, t_acq, dominant)


def gradient_for_resolution(
    resolution: float,
    *,
    t2star: float,
    diffusion: float = WATER_DIFFUSION_25C,
    gamma: float = GAMMA_1H,
    definition: str = "cube_root",
) -> float:
    """Smallest gradient [T/m] for which both the T2* and diffusion limits are at most
    ``resolution`` [m]: max(2/(gamma T2* dx), c D/(gamma dx^3))."""
    dx = check.positive("resolution", resolution)
    t2s = check.positive("t2star", t2star)
    gam = check.positive("gamma", gamma)
    d = check.positive("diffusion", diffusion, allow_zero=True)
    check.choice("definition", definition, tuple(DIFFUSION_DEFINITIONS))
    dx, t2s, gam = np.float64(dx), np.float64(t2s), np.float64(gam)  # overflow gives inf, checked below
    with np.errstate(all="ignore"):
        g = max(2.0 / (gam * t2s * dx), DIFFUSION_DEFINITIONS[definition] * d / (gam * dx**3))
    return float(check.result("gradient", g, resolution=resolution, t2star=t2star, gamma=gamma))
