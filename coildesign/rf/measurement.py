"""Measured RF coils: resonance, loaded and unloaded Q and coupling from VNA data.

``fit_measurement(touchstone_or_network)`` fits the reflection (or transmission) of a resonator
near its resonance with scikit-rf's ``skrf.qfactor.Qfactor`` (the NLQFIT6 least-squares
fit of A. P. Gregory, "Q-factor Measurement by using a Vector Network Analyser", National
Physical Laboratory Report MAT 58 (2021), after D. Kajfez, "Q Factor Measurements Using MATLAB"
(Artech House, 2011)): the loaded resonance f_L and loaded Q_L, and from the diameter d of the
Q-circle the unloaded Q_0 = Q_L (1 + beta) with the coupling coefficient beta = d / (2 - d)
for a reflection resonator (MAT 58, eqs. 31-33; beta = 1 is critical coupling, beta < 1
under-coupled, beta > 1 over-coupled). ``MeasurementFit.compare(prediction)`` tabulates the
measurement against a ``MatchResult`` (whose swept network is fitted the same way) or a
``CoilCircuit`` (f = its frequency, Q_0 = omega L / (R_c + R_s), beta = 1 when matched).

SI units: hertz; Q and beta are dimensionless.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from coildesign import _validation as check
from coildesign._text import table
from coildesign.rf.circuit import CoilCircuit
from coildesign.rf.matching import MatchResult

__all__ = ["MeasurementFit", "RES_TYPES", "fit_measurement"]

RES_TYPES = ("reflection", "reflection_method2", "transmission", "absorption")


@dataclass(frozen=True, eq=False)
class MeasurementFit:
    """A resonance fitted to measured (or simulated) S-parameters.

    ``resonance_frequency`` f_L [Hz]; ``q_loaded`` Q_L; ``q_unloaded`` Q_0; ``coupling`` beta
    (reflection: d / (2 - d); transmission: from Q_0 = Q_L / (1 - |S21(f_L)|)); ``bandwidth``
    f_L / Q_L [Hz]; ``network`` the one-port fitted; ``fitted`` the fitted model over its
    frequencies; ``res_type`` as in ``skrf.qfactor.Qfactor``.
    """

    resonance_frequency: float
    q_loaded: float
    q_unloaded: float
    coupling: float
    bandwidth: float
    res_type: str
    network: object
    fitted: object

    @property
    def q_external(self) -> float:
        """Q_e = Q_0 / beta (the coupling's own Q; 1/Q_L = 1/Q_0 + 1/Q_e)."""
        return self.q_unloaded / self.coupling if self.coupling > 0 else float("inf")

    def as_dict(self) -> dict:
        """The scalar results (Hz, dimensionless)."""
        return {k: v for k, v in asdict(self).items() if k not in ("network", "fitted")}

    def compare(self, prediction: MatchResult | CoilCircuit | MeasurementFit) -> str:
        """A table of this measurement against ``prediction``: a ``MatchResult`` (its swept
        network fitted the same way), a ``CoilCircuit`` (resonance at its frequency, Q_0 =
        omega L / (R_c + R_s), critically coupled) or another ``MeasurementFit``."""
        if isinstance(prediction, MatchResult):
            pred = fit_measurement(prediction.network, res_type=self.res_type)
            values = (pred.resonance_frequency, pred.q_loaded, pred.q_unloaded, pred.coupling)
            what = f"matched {prediction.topology}"
        elif isinstance(prediction, MeasurementFit):
            values = (prediction.resonance_frequency, prediction.q_loaded, prediction.q_unloaded, prediction.coupling)
            what = "other fit"
        elif isinstance(prediction, CoilCircuit):
            q0 = prediction.q_loaded  # with the sample in place: omega L / (R_c + R_s)
            values = (prediction.frequency, 0.5 * q0, q0, 1.0)
            what = f"circuit {prediction.name} (critically coupled)"
        else:
            check._fail("prediction", "a MatchResult, CoilCircuit or MeasurementFit", prediction, TypeError)
        measured = (self.resonance_frequency, self.q_loaded, self.q_unloaded, self.coupling)
        names = ("resonance [MHz]", "loaded Q", "unloaded Q", "coupling beta")
        scale = (1e-6, 1.0, 1.0, 1.0)
        rows = [("quantity", f"measured / predicted ({what}) / ratio")]
        for name, m, p, s in zip(names, measured, values, scale):
            rows.append((name, f"{m * s:.6g} / {p * s:.6g} / {m / p if p else float('nan'):.4g}"))
        return table(rows, "Measurement against prediction")


def _network(data: object, port: tuple[int, int] | None):
    import skrf

    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        if not path.is_file():
            check._fail("touchstone_or_network", "an existing Touchstone file or a skrf.Network", str(data))
        net = skrf.Network(str(path))
    elif isinstance(data, skrf.Network):
        net = data
    else:
        check._fail("touchstone_or_network", "a Touchstone file path or a skrf.Network", data, TypeError)
    if port is None:
        port = (0, 0)
    i, j = (check.positive_int("port", p, minimum=0, maximum=net.nports - 1) for p in port)
    one = net if net.nports == 1 else skrf.Network(frequency=net.frequency, s=net.s[:, i, j], z0=net.z0[:, i],
                                                     name=f"{net.name} S{i + 1}{j + 1}")
    if not np.isfinite(one.s).all() or len(one.f) < 8:
        check._fail("touchstone_or_network", "at least 8 finite S-parameter points", f"{len(one.f)} points")
    return one


def fit_measurement(touchstone_or_network, *, res_type: str = "reflection", port: tuple[int, int] | None = None,
                    span: float | None = None, q_guess: float | None = None) -> MeasurementFit:
    """Resonance, loaded and unloaded Q and coupling of a measured resonator (module docstring).

    ``touchstone_or_network``: a Touchstone file (``.s1p``, ``.s2p``, ...) or a
    ``skrf.Network``; ``port``: the (i, j) S-parameter of a multiport (default S11; use (1, 0)
    with ``res_type="transmission"``); ``res_type`` one of ``RES_TYPES``; ``span`` [Hz]: fit
    only within +-span/2 of the resonance (the |S| extremum; default: all points, which should
    cover a few bandwidths around one resonance); ``q_guess``: a start value of Q_L.
    """
    from skrf.qfactor import Qfactor

    kind = check.choice("res_type", res_type, RES_TYPES)
    net = _network(touchstone_or_network, port)
    if span is not None:
        width = check.positive("span", span)
        mag = np.abs(net.s[:, 0, 0])
        centre = net.f[int(np.argmax(mag) if kind in ("transmission",) else np.argmin(mag))]
        keep = np.abs(net.f - centre) <= 0.5 * width
        if keep.sum() < 8:
            check._fail("span", "wide enough to keep at least 8 points around the resonance [Hz]", span)
        net = net[keep]
    q0 = None if q_guess is None else check.positive("q_guess", q_guess)
    qf = Qfactor(net, kind, Q_L0=q0)
    res = qf.fit()
    if not (np.isfinite(res.Q_L) and np.isfinite(res.f_L) and res.Q_L > 0):
        raise ValueError(f"The resonance fit did not converge (Q_L = {res.Q_L}, f_L = {res.f_L}); give span= around "
                         "one resonance or q_guess=.")
    q_unloaded = float(qf.Q_unloaded(res))
    q_loaded = float(res.Q_L)
    coupling = q_unloaded / q_loaded - 1.0 if kind != "absorption" else float("nan")
    return MeasurementFit(float(res.f_L), q_loaded, q_unloaded, float(coupling), float(res.f_L) / q_loaded, kind,
                          net, qf.fitted_network(res))
