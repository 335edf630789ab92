"""Fuzz suite over the public API.

Property: every public function, given one malformed or extreme argument at a time (NaN,
+-inf, 0, negatives, huge and tiny numbers, integers beyond the float range, wrong types,
complex and string arrays, wrong shapes, points on wires, vertices and axes), either raises
a ValueError/TypeError or returns a result whose numbers are all finite, within a per-call
time limit (no hang). The same property holds for the studies (sweep, optimize, the built-in
study functions), the exports (STL, point lists, gradunwarp, CoSimPy), the sequences (pypulseq
gradient echo, sequence PSF) and the target-field design callables with small inputs.

The pytest run is bounded (``FUZZ_EXAMPLES`` hypothesis examples, 60 by default); set
``HYPOTHESIS_PROFILE=fuzz`` for a large run (2000 examples). The exhaustive tally over every
(function, argument, bad value) case, used for the figures in the issue, is::

    python tests/test_api_fuzz.py            # from the root of a checkout: counts per outcome
"""

from __future__ import annotations

import dataclasses
import math
import os
import resource
import signal
import sys
import tempfile
import time
import warnings
from collections import Counter

import numpy as np
import pytest

if __name__ == "__main__":  # the tally measures the checkout it is run from
    sys.path.insert(0, os.getcwd())

import coildesign as cd  # noqa: E402
from coildesign import analysis, design, export, geometries, rf, studies  # noqa: E402  # noqa: E402
from coildesign.analysis import handbook  # noqa: E402
from coildesign.analysis.sequence_psf import gradient_echo_sequence, sequence_psf  # noqa: E402
from coildesign.fields.fieldmap import field_map  # noqa: E402
from coildesign.rf import (  # noqa: E402
    birdcage_modes,
    peec,
    sensitivity,  # noqa: E402
)
from coildesign.rf import sample as sample_module  # noqa: E402
from coildesign.rf import snr as snr_module  # noqa: E402
from coildesign.studies import design_points  # noqa: E402
from tests._study_functions import mixed_quadratic, square  # noqa: E402

LARGE = os.environ.get("HYPOTHESIS_PROFILE") == "fuzz"
FUZZ_EXAMPLES = 2000 if LARGE else 60
CALL_SECONDS = 20.0  # a call slower than this counts as a hang
# the work and memory limits are user settings (default 1e10 pair equivalents, ~1 min, and half
# the available memory): each fuzzed call runs with them lowered so that "refuse or finish" is
# decided within CALL_SECONDS without crowding a shared machine
FUZZ_LIMITS = {"COILDESIGN_MAX_PAIRS": "3e8", "COILDESIGN_MAX_MEMORY": "1G"}  # memory: spare the shared machine

NAN, INF = float("nan"), float("inf")
# bad values per argument kind; an argument's own valid value is always tried too
REALS = [NAN, INF, -INF, 0.0, -1e-3, 5e-324, 1e-300, 1e300, 10**400, -(10**400), 2**63, True, "1e-3", None,
         1 + 1j, [1e-3]]
INTS = [0, -1, 2**63, 10**400, 1.5, NAN, "3", None, True, 10**7]
ENUMS = ["bogus", None, 3, ["x"], ""]
VECTORS = [[NAN, 0, 0], [1e300, 1e300, 1e300], [0, 0, 0], np.array([1 + 1j, 0, 0]), np.array(["1", "0", "0"]),
           [1, 2], None, "xyz", [10**400, 0, 0]]
BOOLS = ["yes", None, 1.5]


def _coils():
    sol = geometries.solenoid(0.5e-3, 1e-3, 5, wire_diameter=1e-4, points_per_turn=16)
    return {
        "solenoid": sol,
        "loop": cd.Coil.from_loop(1e-3, wire_diameter=1e-4),
        "maxwell": geometries.maxwell_pair(5e-3, wire_diameter=2e-4),
        "golay": geometries.golay(5e-3, points_per_arc=16),
        "strip": cd.Coil.from_polyline([[0, 0, 0], [1e-3, 0, 0], [1e-3, 1e-3, 0]],
                                       cross_section=cd.RectangularStrip(2e-4, 3e-5)),
    }


COILS = _coils()
COIL_BAD = [None, "coil", 1.0, [COILS["loop"]], np.zeros(3)]
_verts = COILS["solenoid"].windings[0].vertices
POINTS = [np.array([[NAN, 0, 0]]), np.array([[INF, 0, 0]]), np.ones((2, 3)) * (1 + 1j), np.array([["1", "2", "3"]]),
          np.ones((3, 3, 3)), np.zeros((0, 3)), [[1, 2]], "abc", None, np.array([[1e160, 0, 0]]),
          [[10**400, 0, 0]], _verts[:20], (_verts[:-1] + _verts[1:])[:20] / 2, np.array([[0, 0, 1e-3], [0, 0, 0]]),
          np.array([[1e-3, 0, 0], [-1e-5, 0, 0], [0, 0, 0]])]

FUZZ_DIR = tempfile.mkdtemp(prefix="coildesign-fuzz-")
_A_FILE = os.path.join(FUZZ_DIR, "a_file")
with open(_A_FILE, "w") as _fh:
    _fh.write("x")
PATHS = [None, 3, "", b"x.stl", FUZZ_DIR, os.path.join(_A_FILE, "x.stl"), os.path.join(FUZZ_DIR, "x.wrong"), 1.5]
PARAMETERS = [None, {}, {"x": []}, {"x": [1.0, 1.0]}, {"x": "abc"}, {"1x": [1.0]}, {"x": (1.0, 0.0)},
              {"x": [NAN, INF]}, {"x": list(range(3))}, [("x", [1.0])], {"x": [[1.0], 2.0]}]
NAMES = ["F", "", None, 3, ["f"], "x"]

KINDS = {"real": REALS, "int": INTS, "enum": ENUMS, "vector": VECTORS, "bool": BOOLS, "coil": COIL_BAD,
         "points": POINTS, "path": PATHS, "parameters": PARAMETERS, "name": NAMES}


@dataclasses.dataclass(frozen=True)
class Spec:
    """A public function with valid keyword arguments and the kind of each fuzzed argument."""

    name: str
    fn: object
    valid: dict
    kinds: dict

    def call(self, **override):
        return self.fn(**{**self.valid, **override})


def _spec(label, fn, valid, **kinds):
    return Spec(label, fn, valid, kinds)


C = COILS
P1 = np.array([[1e-4, 2e-4, 3e-4]])
CAPILLARY = rf.Cylinder(0.3e-3, 1e-3, axis=(0, 0, 1))
SPECS = [
    # fields
    _spec("field", cd.field, dict(coil=C["solenoid"], points=P1, current=1.0), coil="coil", points="points",
          current="real"),
    _spec("field[strip]", cd.field, dict(coil=C["strip"], points=P1), points="points"),
    _spec("vector_potential", cd.vector_potential, dict(coil=C["solenoid"], points=P1), coil="coil", points="points",
          current="real"),
    _spec("vector_potential[strip]", cd.vector_potential, dict(coil=C["strip"], points=P1), points="points"),
    _spec("vector_potential[loop]", cd.vector_potential, dict(coil=C["loop"], points=P1), points="points"),
    _spec("field_jacobian", cd.field_jacobian, dict(coil=C["solenoid"], points=P1), coil="coil", points="points",
          current="real"),
    _spec("field_jacobian[loop]", cd.field_jacobian, dict(coil=C["loop"], points=P1), points="points"),
    _spec("field_map", field_map, dict(coil=C["loop"], size=1e-3, n=5), coil="coil", size="real", n="int",
          center="vector", current="real"),
    # coil construction
    _spec("Coil.from_loop", cd.Coil.from_loop, dict(radius=1e-3), radius="real", center="vector", normal="vector",
          wire_diameter="real"),
    _spec("Coil.from_polyline", cd.Coil.from_polyline, dict(points=[[0, 0, 0], [1e-3, 0, 0]]), points="points",
          wire_diameter="real", closed="bool"),
    _spec("Coil.rotate", C["loop"].rotate, dict(angle=30.0), angle="real", axis="vector", center="vector"),
    _spec("Coil.scaled", C["loop"].scaled, dict(factor=2.0), factor="real"),
    _spec("Coil.translate", C["loop"].translate, dict(offset=(0, 0, 1e-3)), offset="vector"),
    # geometries
    _spec("loop", geometries.loop, dict(radius=1e-3), radius="real", wire_diameter="real", center="vector",
          normal="vector"),
    _spec("solenoid", geometries.solenoid, dict(radius=0.5e-3, length=1e-3, turns=5, wire_diameter=1e-4,
                                                points_per_turn=16),
          radius="real", length="real", turns="real", wire_diameter="real", points_per_turn="int", layers="int",
          leads="real"),
    _spec("saddle", geometries.saddle, dict(radius=1e-3, length=2e-3, points_per_arc=8), radius="real",
          length="real", turns="int", arc_angle="real", points_per_arc="int"),
    _spec("helmholtz_pair", geometries.helmholtz_pair, dict(radius=1e-3), radius="real", turns="int",
          separation="real", wire_diameter="real"),
    _spec("maxwell_pair", geometries.maxwell_pair, dict(radius=1e-3), radius="real", turns="int",
          separation="real", wire_diameter="real"),
    _spec("anti_helmholtz", geometries.anti_helmholtz, dict(radius=1e-3), radius="real", separation="real"),
    _spec("golay", geometries.golay, dict(radius=1e-3, points_per_arc=8), radius="real", turns="int", axis="enum",
          arc_angle="real", points_per_arc="int", length_ratio="real"),
    _spec("biplanar", geometries.biplanar, dict(half_gap=1e-3, size=4e-3), half_gap="real", size="real",
          turns="int", axis="enum"),
    _spec("birdcage", geometries.birdcage, dict(legs=8, radius=2e-3, length=4e-3, points_per_segment=4),
          legs="int", radius="real", length="real", topology="enum", phase="real", points_per_segment="int"),
    _spec("planar_spiral", geometries.planar_spiral, dict(turns=3, outer_diameter=2e-3, trace_width=1e-4,
                                                          spacing=1e-4, points_per_turn=16),
          turns="int", outer_diameter="real", trace_width="real", spacing="real", shape="enum"),
    _spec("rectangular_loop", geometries.rectangular_loop, dict(width=1e-3, height=2e-3), width="real",
          height="real", wire_diameter="real"),
    _spec("gradient_set", geometries.gradient_set, dict(radius=5e-3, points_per_arc=8), radius="real",
          stagger="real", points_per_arc="int", z_generator="enum"),
    # gradient analysis
    _spec("gradient_efficiency", analysis.gradient_efficiency, dict(coil=C["maxwell"], axis="z"), coil="coil",
          axis="enum", center="vector", b0_direction="vector"),
    _spec("linearity", analysis.linearity, dict(coil=C["maxwell"], radius=1e-3, n=5), coil="coil", radius="real",
          n="int", region="enum", exclude="real", center="vector"),
    _spec("largest_dsv", analysis.largest_dsv, dict(coil=C["maxwell"], deviation=0.05, n=5, rtol=1e-2),
          coil="coil", deviation="real", rtol="real", n="int", measure="enum", max_radius="real"),
    _spec("deviation_map", analysis.deviation_map, dict(coil=C["maxwell"], plane="xz", extent=1e-3, n=11),
          coil="coil", plane="enum", extent="real", n="int", measure="enum", offset="real"),
    _spec("deviation_map[xy]", analysis.deviation_map, dict(coil=C["maxwell"], plane="xy", extent=1e-3, n=11,
                                                            offset=2e-4),
          offset="real"),  # offset 0 (in REALS) is the null plane of this z gradient: refused
    _spec("deviations", analysis.deviations, dict(coil=C["golay"], points=P1), coil="coil", points="points"),
    _spec("gradient_performance", analysis.gradient_performance, dict(coil=C["maxwell"]), coil="coil",
          v_max="real", i_max="real", temperature="real"),
    _spec("dc_resistance", analysis.dc_resistance, dict(coil=C["solenoid"]), coil="coil", temperature="real"),
    _spec("inductance", analysis.inductance, dict(coil=C["loop"]), coil="coil", internal="bool", order="int",
          loop_points="int"),
    _spec("mutual_inductance", analysis.mutual_inductance,
          dict(coil_a=C["loop"], coil_b=C["loop"].translate((0, 0, 1e-3))), coil_a="coil", coil_b="coil",
          order="int", loop_points="int"),
    _spec("lorentz_forces", analysis.lorentz_forces, dict(coil=C["golay"]), coil="coil", current="real",
          origin="vector"),
    _spec("point_spread_function", analysis.point_spread_function, dict(gradient=1.0, fov=1e-3, n_samples=64),
          gradient="real", fov="real", n_samples="int", t2star="real", diffusion="real", position="real"),
    _spec("resolution_limits", analysis.resolution_limits, dict(gradient=1.0, t2star=20e-3), gradient="real",
          t2star="real", t2="real", diffusion="real", fov="real", n_samples="int", definition="enum"),
    _spec("gradient_for_resolution", analysis.gradient_for_resolution, dict(resolution=1e-5, t2star=20e-3),
          resolution="real", t2star="real", diffusion="real", gamma="real", definition="enum"),
    _spec("geometric_distortion", analysis.geometric_distortion, dict(coil=C["golay"], points=P1), coil="coil",
          points="points"),
    # RF
    _spec("ac_resistance", rf.ac_resistance, dict(coil=C["solenoid"], frequency=600e6), coil="coil",
          frequency="real", temperature="real", proximity="enum"),
    _spec("proximity_factor", rf.proximity_factor, dict(length_over_diameter=1.0, pitch_over_wire_diameter=2.0),
          length_over_diameter="real", pitch_over_wire_diameter="real"),
    _spec("self_capacitance", rf.self_capacitance, dict(coil=C["solenoid"]), coil="coil",
          substrate_permittivity="real"),
    _spec("self_resonant_frequency", rf.self_resonant_frequency, dict(inductance=1e-8, capacitance=1e-13),
          inductance="real", capacitance="real"),
    _spec("skin_depth", rf.skin_depth, dict(frequency=600e6), frequency="real", resistivity="real",
          permeability="real"),
    _spec("unloaded_q", rf.unloaded_q, dict(inductance=1e-8, resistance=0.1, frequency=600e6), inductance="real",
          resistance="real", frequency="real"),
    _spec("match_capacitors", rf.match_capacitors, dict(resistance=0.1, inductance=1e-8, frequency=600e6,
                                                        n_points=11),
          resistance="real", inductance="real", frequency="real", z0="real", c_self="real", network="enum"),
    _spec("resistivity_at", cd.MATERIALS["copper"].resistivity_at, dict(temperature=293.15), temperature="real"),
    _spec("larmor_frequency", rf.nucleus("1H").larmor_frequency, dict(b0=14.1), b0="real"),
    _spec("nucleus", rf.nucleus, dict(name="1H"), name="enum"),
    _spec("noise_voltage", snr_module.noise_voltage, dict(coil_resistance=0.1, bandwidth=1e4),
          coil_resistance="real", bandwidth="real", temperature_coil="real", noise_figure_db="real"),
    _spec("curie_magnetization", snr_module.curie_magnetization, dict(nucleus="1H", concentration=110e3, b0=14.1),
          concentration="real", b0="real", temperature="real"),
    _spec("limit_of_detection", snr_module.limit_of_detection, dict(moles=1e-9, snr_per_sqrt_hz=100.0),
          moles="real", snr_per_sqrt_hz="real", threshold="real"),
    _spec("transverse_b1", sensitivity.transverse_b1, dict(coil=C["solenoid"], points=P1), coil="coil",
          points="points", b0_direction="vector"),
    _spec("sample_b1", sensitivity.sample_b1, dict(coil=C["solenoid"], sample=CAPILLARY),
          coil="coil", b0_direction="vector", within="real"),
    _spec("magnetic_loss_resistance", sample_module.magnetic_loss_resistance,
          dict(coil=C["solenoid"], sample=CAPILLARY, frequency=6e8, conductivity=1.0), coil="coil",
          frequency="real", conductivity="real", degree="int"),
    _spec("cylinder_in_solenoid_loss", sample_module.cylinder_in_solenoid_loss,
          dict(turns_per_length=5e3, radius=3e-4, length=1e-3, frequency=6e8, conductivity=1.6),
          turns_per_length="real", radius="real", length="real", frequency="real", conductivity="real"),
    _spec("dielectric_loss_resistance", sample_module.dielectric_loss_resistance,
          dict(inductance=1e-8, stray_capacitance=1e-13, frequency=6e8, loss_tangent=0.01), inductance="real",
          stray_capacitance="real", frequency="real", loss_tangent="real"),
    _spec("water", sample_module.water, dict(), temperature="real"),
    _spec("saline", sample_module.saline, dict(), salinity="real", temperature="real"),
    _spec("ladder_modes", birdcage_modes.ladder_modes,
          dict(n_legs=8, leg_inductance=1e-8, ring_inductance=1e-9, capacitance=1e-12), n_legs="int",
          leg_inductance="real", ring_inductance="real", capacitance="real", topology="enum"),
    _spec("capacitance_for_frequency", birdcage_modes.capacitance_for_frequency,
          dict(n_legs=8, leg_inductance=1e-8, ring_inductance=1e-9, frequency=3e8), n_legs="int",
          leg_inductance="real", ring_inductance="real", frequency="real", mode="int"),
    _spec("filament_impedance", peec.filament_impedance,
          dict(cross_section=cd.RoundWire(1e-4), length=1e-3, frequency=6e8, n_filaments=20), length="real",
          frequency="real", n_filaments="int", temperature="real"),
    # handbook formulas
    _spec("rosa_solenoid_inductance", handbook.rosa_solenoid_inductance,
          dict(radius=1e-3, pitch=2e-4, turns=5, wire_diameter=1e-4), radius="real", pitch="real", turns="int",
          wire_diameter="real"),
    _spec("mohan_wheeler_inductance", handbook.mohan_wheeler_inductance,
          dict(turns=3, outer_diameter=2e-3, inner_diameter=1e-3), turns="real", outer_diameter="real",
          inner_diameter="real", shape="enum"),
    _spec("rectangle_loop_inductance", handbook.rectangle_loop_inductance,
          dict(width=1e-3, height=2e-3, wire_radius=5e-5), width="real", height="real", wire_radius="real"),
    _spec("wheeler_inductance", handbook.wheeler_inductance, dict(radius=1e-3, length=2e-3, turns=5),
          radius="real", length="real", turns="real"),
    _spec("nagaoka_coefficient", handbook.nagaoka_coefficient, dict(diameter_over_length=1.0),
          diameter_over_length="real"),
    _spec("loop_inductance", handbook.loop_inductance, dict(radius=1e-3, wire_radius=1e-5), radius="real",
          wire_radius="real"),
    _spec("straight_wire_inductance", handbook.straight_wire_inductance, dict(length=1e-3, wire_radius=1e-5),
          length="real", wire_radius="real"),
    _spec("maxwell_mutual_inductance", handbook.maxwell_mutual_inductance,
          dict(radius_1=1e-3, radius_2=2e-3, distance=1e-3), radius_1="real", radius_2="real", distance="real"),
    # studies
    _spec("design_points", design_points, dict(parameters={"x": [1.0, 2.0]}), parameters="parameters",
          method="enum", samples="int", seed="int"),
    _spec("design_points[lhs]", design_points, dict(parameters={"x": (0.0, 1.0)}, method="lhs", samples=4),
          parameters="parameters", samples="int", seed="int"),
    _spec("sweep", studies.sweep, dict(func=square, parameters={"x": [1.0, 2.0]}, progress=False),
          parameters="parameters", method="enum", samples="int", backend="enum", workers="int", batch_size="int",
          seed="int", progress="bool", checkpoint="path"),
    _spec("sweep[random]", studies.sweep, dict(func=square, parameters={"x": (0.0, 1.0)}, method="random", samples=3,
                                               progress=False), samples="int", seed="int"),
    _spec("optimize", studies.optimize, dict(func=mixed_quadratic, bounds={"n": (0, 4), "x": (-1.0, 1.0)},
                                             objective="f", integers=("n",), maxiter=2, popsize=3, polish=False),
          objective="name", maxiter="int", popsize="int", tol="real", seed="int", maximize="bool", polish="bool",
          polish_evaluations="int", bounds="parameters", backend="enum", workers="int"),
    _spec("microcoil", studies.microcoil, dict(turns=4, wire_diameter=5e-5, pitch=1e-4), turns="int",
          wire_diameter="real", pitch="real", capillary_outer_diameter="real", capillary_inner_diameter="real",
          sample_length="real", frequency="real", temperature="real", bandwidth="real", z0="real", model="enum",
          network="enum", medium="enum", nucleus="enum", material="enum"),
    _spec("gradient_study", studies.gradient, dict(generator="maxwell_pair", dsv_radius=1e-3, radius=3e-3,
                                                   wire_diameter=2e-4, n=5),
          generator="enum", dsv_radius="real", radius="real", wire_diameter="real", v_max="real", i_max="real",
          temperature="real", n="int"),
    # exports
    _spec("to_stl", export.to_stl, dict(coil=C["solenoid"], path=os.path.join(FUZZ_DIR, "w.stl")), coil="coil",
          path="path", sides="int", loop_segments="int", wire_diameter="real", scale="real"),
    _spec("to_stl[loop]", export.to_stl, dict(coil=C["loop"], path=os.path.join(FUZZ_DIR, "l.stl")), sides="int",
          loop_segments="int"),
    _spec("to_csv", export.to_csv, dict(coil=C["maxwell"], path=os.path.join(FUZZ_DIR, "w.csv")), coil="coil",
          path="path", loop_segments="int"),
    _spec("to_npz", export.to_npz, dict(coil=C["maxwell"], path=os.path.join(FUZZ_DIR, "w.npz")), coil="coil",
          path="path", loop_segments="int"),
    _spec("read_csv", export.read_csv, dict(path=os.path.join(FUZZ_DIR, "w.csv")), path="path"),
    # scanner clients: gradunwarp, CoSimPy, pypulseq
    _spec("to_gradunwarp", export.to_gradunwarp, dict(coils=geometries.gradient_set(5e-3, points_per_arc=8),
                                                     path=os.path.join(FUZZ_DIR, "g.grad"), radius=2e-3, order=3),
          path="path", radius="real", order="int", decimals="int", center="vector", include_linear="bool"),
    _spec("to_cosimpy", export.to_cosimpy, dict(coils=C["solenoid"], frequencies=[4e8], grid=P1), coils="coil",
          grid="points", z0="real", temperature="real", resistance="real", c_self="real", e_field="bool"),
    _spec("gradient_echo_sequence", gradient_echo_sequence, dict(fov=1e-2, n_readout=16, dwell=1e-4),
          fov="real", n_readout="int", n_phase="int", n_partition="int", dwell="real", rise_time="real",
          rf_duration="real", flip_angle="real"),
    _spec("sequence_psf", sequence_psf,
          dict(coil=None, sequence=None, points=P1, oversample=2), coil="coil", points="points", t2star="real",
          t2="real", diffusion="real", oversample="int", sequence="path"),
    # target-field design (small inputs)
    _spec("design.cylinder", design.cylinder, dict(radius=5e-3, length=2e-2, resolution=2.5e-3), radius="real",
          length="real", resolution="real", center="real"),
    _spec("design.biplanar", design.biplanar, dict(gap=4e-3, width=1e-2, resolution=2.5e-3), gap="real",
          width="real", height="real", resolution="real", shape="enum"),
    _spec("design.mesh", design.mesh, dict(vertices=[[0, 0, 0], [1e-3, 0, 0], [0, 1e-3, 0]], faces=[[0, 1, 2]]),
          vertices="points"),
    _spec("design.gradient_coil", design.gradient_coil,
          dict(surface=design.cylinder(5e-3, 2e-2, resolution=2.5e-3), axis="z", dsv_radius=2e-3, max_deviation=0.1,
               turns=4, n_targets=200, modes=8),  # a bound 4 turns on this coarse mesh can keep
          axis="enum", dsv_radius="real", max_deviation="real", turns="int", modes="int", n_targets="int"),
]


def _sequence():
    """A small gradient-echo sequence for the sequence_psf spec (pypulseq is a test extra)."""
    try:
        return gradient_echo_sequence(1e-2, 16, dwell=1e-4)
    except ImportError:  # pragma: no cover - depends on the environment
        return None


_SEQ = _sequence()
SPECS = [dataclasses.replace(s, valid={**s.valid, "sequence": _SEQ}) if s.name == "sequence_psf" else s
         for s in SPECS if not (s.name in ("sequence_psf", "gradient_echo_sequence", "to_gradunwarp", "to_cosimpy")
                                and _SEQ is None)]
export.to_csv(C["maxwell"], os.path.join(FUZZ_DIR, "w.csv"))  # the file read_csv reads


def cases():
    """Every (spec, argument, value) of the exhaustive tally, valid calls first."""
    out = [(s, None, None) for s in SPECS]
    for s in SPECS:
        for arg, kind in s.kinds.items():
            out += [(s, arg, v) for v in KINDS[kind]]
    return out


class Hang(Exception):
    """A call exceeded ``CALL_SECONDS``."""


def _alarm(signum, frame):
    raise Hang


def _all_finite(obj, depth=0) -> bool:
    if depth > 6:
        return True
    if isinstance(obj, (bool, str, bytes, type(None))):
        return True
    if isinstance(obj, (float, int, np.number)):
        return bool(np.isfinite(obj)) if not isinstance(obj, int) else True
    if isinstance(obj, complex):
        return math.isfinite(obj.real) and math.isfinite(obj.imag)
    if isinstance(obj, np.ndarray):
        return obj.dtype.kind not in "fc" or bool(np.isfinite(obj).all())
    if isinstance(obj, dict):
        return all(_all_finite(v, depth + 1) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(_all_finite(v, depth + 1) for v in obj[:10_000])
    if dataclasses.is_dataclass(obj):
        return all(_all_finite(getattr(obj, f.name), depth + 1) for f in dataclasses.fields(obj))
    return True


def outcome(spec: Spec, arg: str | None, value) -> str:
    """'ok', 'refused', 'nonfinite', 'hang' or 'wrong:<ExceptionType>' for one call."""
    old = signal.signal(signal.SIGALRM, _alarm)
    saved = {k: os.environ.get(k) for k in FUZZ_LIMITS}
    os.environ.update(FUZZ_LIMITS)
    signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = spec.call() if arg is None else spec.call(**{arg: value})
    except Hang:
        return "hang"
    except (ValueError, TypeError):
        return "refused"
    except Exception as exc:  # noqa: BLE001 - the tally classifies every other exception
        return f"wrong:{type(exc).__name__}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k)
            else:
                os.environ[k] = v
    return "ok" if _all_finite(result) else "nonfinite"


if __name__ != "__main__":
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    CASES = cases()

    def _draw_value(kind):
        extra = {"real": st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**330), 10**330)),
                 "int": st.integers(-(2**70), 2**70),
                 "points": st.lists(st.lists(st.floats(-1e-2, 1e-2), min_size=3, max_size=3), min_size=1,
                                    max_size=4)}
        return st.one_of(st.sampled_from(KINDS[kind]), extra[kind]) if kind in extra else st.sampled_from(KINDS[kind])

    @st.composite
    def fuzz_case(draw):
        spec = draw(st.sampled_from(SPECS))
        arg = draw(st.sampled_from(sorted(spec.kinds)))
        return spec, arg, draw(_draw_value(spec.kinds[arg]))

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=not LARGE,
              suppress_health_check=list(HealthCheck))
    @given(fuzz_case())
    def test_public_functions_refuse_cleanly_or_return_finite(case):
        spec, arg, value = case
        assert outcome(spec, arg, value) in ("ok", "refused"), (spec.name, arg, value)

    @pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
    def test_valid_calls_are_finite(spec):
        assert outcome(spec, None, None) == "ok"


def tally(memory_limit: float = 3e9) -> Counter:
    """Run every case of ``cases()`` and count outcomes (address space capped so an
    oversized allocation fails instead of swapping)."""
    resource.setrlimit(resource.RLIMIT_AS, (int(memory_limit), int(memory_limit)))
    counts: Counter = Counter()
    bad = []
    for spec, arg, value in cases():
        t0 = time.perf_counter()
        res = outcome(spec, arg, value)
        counts[res.split(":")[0] if res.startswith("wrong") else res] += 1
        if res not in ("ok", "refused"):
            bad.append(f"{res:22s} {spec.name}({arg}={value!r:.60})  [{time.perf_counter() - t0:.1f} s]")
    print("\n".join(bad))
    return counts


if __name__ == "__main__":
    c = tally()
    print(dict(c), "total", sum(c.values()))
