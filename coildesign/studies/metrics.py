"""The metrics of the built-in study functions, with units, and name checks with suggestions.

``MICROCOIL`` and ``GRADIENT`` map each metric that ``studies.microcoil`` and
``studies.gradient`` return to its meaning and unit (the key names the unit where it has one);
``known_metrics(func)`` returns the table of a built-in study function (None for other
functions, whose metrics are known only once a design has run). ``check_metric`` refuses a
name that is not a metric, suggesting the closest names ("did you mean 'snr'?"); ``describe``
formats a table for help texts. This module imports nothing heavy, so that the command line
can list the metrics without loading the RF analysis.
"""

from __future__ import annotations

from collections.abc import Iterable

from coildesign import _validation as check

MICROCOIL = {
    "coil_inner_diameter_m": "inner diameter of the winding [m]",
    "mean_radius_m": "mean winding radius a = (ID + d)/2 [m]",
    "length_m": "coil length N p [m]",
    "pitch_over_wire_diameter": "pitch / wire diameter [1]",
    "length_over_diameter": "coil length / (2 a) [1]",
    "sample_volume_m3": "volume of the sample in the coil [m^3]",
    "b1_centre_T_per_A": "B1 per ampere at the centre [T/A]",
    "b1_mean_T_per_A": "B1 per ampere averaged over the sample [T/A]",
    "inductance_H": "inductance [H]",
    "ac_resistance_ohm": "AC resistance with skin and proximity effect at the frequency [ohm]",
    "sample_resistance_ohm": "eddy-current loss of the sample as a series resistance [ohm]",
    "self_capacitance_F": "Medhurst self-capacitance [F]",
    "self_resonance_Hz": "self-resonant frequency [Hz]",
    "srf_ratio": "self-resonant frequency / Larmor frequency [1]",
    "unloaded_q": "unloaded quality factor omega L / R [1]",
    "tune_capacitance_F": "tuning capacitor of the matching network [F]",
    "match_capacitance_F": "matching capacitor of the matching network [F]",
    "s11_dB": "reflection of the matched coil at the frequency [dB]",
    "loaded_q": "loaded quality factor f / bandwidth [1]",
    "bandwidth_Hz": "band with |S11|^2 <= 1/2 of the matched coil [Hz]",
    "signal_V": "peak signal voltage of the sample [V]",
    "noise_V": "rms noise voltage in the noise bandwidth [V]",
    "snr": "signal-to-noise ratio, single scan, in the noise bandwidth [1]",
    "snr_1hz": "SNR in a 1 Hz bandwidth [Hz^(1/2)]",
    "snr_per_volume_1hz": "SNR in 1 Hz per sample volume [Hz^(1/2) m^-3]",
    "lod_nmol_s05": "limit of detection 3 n / SNR_1Hz [nmol s^(1/2)]",
    "conductor_length_m": "length of the wire [m]",
    "wire_gap_m": "gap between adjacent turns p - d [m]",
}

GRADIENT = {
    "efficiency_T_per_m_A": "gradient efficiency eta [T/(m A)]",
    "inductance_H": "inductance L [H]",
    "resistance_ohm": "DC resistance R at the temperature [ohm]",
    "max_gradient_T_per_m": "gradient at the amplifier's i_max [T/m]",
    "slew_rate_T_per_m_s": "slew rate eta v_max / L [T/(m s)]",
    "rise_time_s": "rise time to the maximum gradient [s]",
    "eta2_over_l": "eta^2 / L [T^2/(m^2 H)]",
    "eta2_over_r": "eta^2 / R [T^2/(m^2 ohm)]",
    "max_field_deviation": "maximum of |B/(G s) - 1| over the DSV [1]",
    "rms_field_deviation": "RMS of B/(G s) - 1 over the DSV [1]",
    "max_gradient_deviation": "maximum of |dB/ds / G - 1| over the DSV [1]",
    "rms_gradient_deviation": "RMS of dB/ds / G - 1 over the DSV [1]",
    "conductor_length_m": "length of the wire [m]",
}

_KNOWN = {"coildesign.studies.rf_study.microcoil": MICROCOIL,
          "coildesign.studies.gradient_study.gradient": GRADIENT}


def known_metrics(func: object) -> dict[str, str] | None:
    """The metric table of a built-in study function, None for any other callable."""
    name = f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"
    return _KNOWN.get(name)


def check_metric(name: str, value: object, metrics: Iterable[str]) -> str:
    """Return ``value`` after checking it is one of ``metrics`` (ValueError naming ``name``,
    the valid names and the closest ones otherwise)."""
    return check.one_of_names(name, value, metrics, "a metric")


def describe(table: dict[str, str], indent: str = "  ") -> str:
    """``name: meaning [unit]`` lines of a metric table (help texts)."""
    width = max(map(len, table))
    return "\n".join(f"{indent}{k:<{width}}  {v}" for k, v in table.items())
