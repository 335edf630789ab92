"""Probe design files (TOML): schema, defaults and validation with precise messages.

A design file has these tables (SI units; every key optional unless marked):

[probe]     name (str), b0 [T] (0.5-30) or frequency [Hz] (1e6-2e9), nucleus ("1H", ...),
            temperature [K] (1-500)
[rf_coil]   generator (required: solenoid | saddle | loop | helmholtz_pair | planar_spiral |
            birdcage) and that generator's keyword arguments, e.g. radius, length, turns,
            wire_diameter for a solenoid
[sample]    shape (cylinder: a capillary coaxial with the RF coil), radius [m], length [m],
            concentration [mol/m^3] of the nucleus (default: 1H in water, 110.7e3 mol/m^3),
            conductivity [S/m] (default 0: pure water; ~1.6 for physiological saline)
[gradient]  generator (gradient_set | maxwell_pair | golay | biplanar | anti_helmholtz |
            target_field) and its keyword arguments (target_field: radius, length, turns,
            wire_diameter, resolution, objective: a three-axis set designed by
            ``coildesign.design.target_field_set`` for ``deviation`` over ``dsv_radius``);
            v_max [V], i_max [A] of the amplifier; dsv_radius [m];
            deviation (fraction, default 0.05) for the largest-DSV search;
            cooling ("still air" | "forced air" | "water-cooled plate": the heat path of the
            lumped thermal model, ``analysis.thermal.COOLING``) and temperature_limit [K] (the
            coil-temperature interlock) for the sequence's heating
[imaging]   fov [m], matrix (int), t2star [s], t2 [s], diffusion [m^2/s]; the 2-D
            sequence whose drive, heating and forces the run reports
            (``analysis.drive_waveforms``): sequence ("gradient_echo" | "spin_echo"),
            bandwidth [Hz] (full receiver bandwidth, 1/dwell), slice_thickness [m],
            rf_duration [s] and time_bandwidth [1] of its RF pulses, tr [s] (not set: the
            shortest repetition its lobes allow), slew_rate [T/(m s)] (not set: the largest
            slew rate every gradient channel's amplifier holds at any current up to i_max,
            min eta (v_max - R i_max) / L)
[outputs]   vtk, plots, report (bool)

Errors name the file, the table and key, the value received and the allowed range; an unknown
key (of a table, or a keyword the generator does not take) names the closest allowed keys
("did you mean 'wire_diameter'?"). A coil dimension of a generator is in metres: a radius
(``radius``, ``shield_radius``, ``half_gap``: the coil extends over twice it) or length above
``PLAUSIBLE_EXTENT`` (0.5 m, the plausibility bound of the geometries) is refused as millimetres
typed as metres.

Tables (and keys of given tables) that the file leaves out come from the embedded demo design;
``validate_design`` records them under the key ``"from_defaults"`` (table -> "all" or the
list of keys), which ``workflow.run_design`` prints and writes to its report.
``validate_design`` and ``load_design`` return a frozen ``ProbeDesign``: one dataclass per
table (``ProbeTable``, ``CoilTable``, ``SampleTable``, ``GradientTable``, ``ImagingTable``,
``OutputsTable``; their fields are the keys of ``SCHEMA``), and ``ProbeDesign.as_dict()``
gives the validated design back as the nested dict of the TOML tables. The probe's name
(the title of the report) follows the file: without ``[probe] name`` it is the file's name.

Beyond each value's own range, a design must be physically consistent: the sample must fit inside a
volume RF coil (solenoid, saddle, birdcage: sample radius below the coil's inner radius) and
the linearity sphere inside the gradient coil (``dsv_radius`` below its radius or half gap);
an empty design file is an error (``coildesign demo`` runs the embedded defaults).
"""

from __future__ import annotations

import copy
import inspect
import numbers
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from coildesign import design as _design
from coildesign import geometries
from coildesign._text import did_you_mean
from coildesign.analysis.drive_waveforms import SEQUENCES
from coildesign.analysis.thermal import COOLING
from coildesign.rf.nuclei import NUCLEI

RF_GENERATORS = ("solenoid", "saddle", "loop", "helmholtz_pair", "planar_spiral", "birdcage")
GRADIENT_GENERATORS = ("gradient_set", "maxwell_pair", "golay", "biplanar", "anti_helmholtz", "target_field")

# table -> key -> (kind, low, high) ; kind: "float", "int", "str", "bool"
SCHEMA: dict[str, dict[str, tuple]] = {
    "probe": {"name": ("str",), "b0": ("float", 0.05, 30.0), "frequency": ("float", 1e6, 2e9),
              "nucleus": ("str",), "temperature": ("float", 1.0, 500.0)},
    "sample": {"shape": ("str", ("cylinder",)), "radius": ("float", 1e-7, 0.1),
               "length": ("float", 1e-7, 0.2), "size": ("float", 1e-7, 0.2),
               "concentration": ("float", 0.0, 2e5), "conductivity": ("float", 0.0, 100.0)},
    "imaging": {"fov": ("float", 1e-6, 0.2), "matrix": ("int", 4, 8192), "t2star": ("float", 1e-6, 100.0),
                "t2": ("float", 1e-6, 100.0), "diffusion": ("float", 0.0, 1e-6),
                "sequence": ("str", SEQUENCES), "bandwidth": ("float", 100.0, 1e8),
                "slice_thickness": ("float", 1e-7, 0.2), "rf_duration": ("float", 1e-6, 0.1),
                "time_bandwidth": ("float", 1.0, 100.0), "tr": ("float", 1e-6, 100.0),
                "slew_rate": ("float", 1.0, 1e9)},
    "outputs": {"vtk": ("bool",), "plots": ("bool",), "report": ("bool",)},
    "gradient_drive": {"v_max": ("float", 1e-3, 1e4), "i_max": ("float", 1e-3, 1e4),
                       "dsv_radius": ("float", 1e-6, 0.5), "deviation": ("float", 1e-6, 0.5),
                       "cooling": ("str", tuple(COOLING)), "temperature_limit": ("float", 1.0, 1000.0)},
}

DEFAULT_DESIGN: dict = {
    "probe": {"name": "600 MHz microcoil probe (demo)", "b0": 14.1, "nucleus": "1H", "temperature": 293.15},
    "rf_coil": {"generator": "solenoid", "radius": 0.5e-3, "length": 1.0e-3, "turns": 5, "wire_diameter": 0.1e-3},
    "sample": {"shape": "cylinder", "radius": 0.4e-3, "length": 1.0e-3, "concentration": 110.7e3,
               "conductivity": 0.0},
    "gradient": {"generator": "gradient_set", "radius": 5e-3, "turns": [10, 10, 10], "wire_diameter": 0.3e-3,
                 "v_max": 50.0, "i_max": 10.0,
                 "dsv_radius": 1.5e-3, "deviation": 0.05, "cooling": "water-cooled plate", "temperature_limit": 333.15},
    "imaging": {"fov": 1.0e-3, "matrix": 128, "t2star": 20e-3, "t2": 50e-3, "diffusion": 2.3e-9,
                "sequence": "gradient_echo", "bandwidth": 50e3, "slice_thickness": 0.2e-3, "rf_duration": 1e-3,
                "time_bandwidth": 4.0},
    "outputs": {"vtk": True, "plots": True, "report": True},
}


class DesignError(ValueError):
    """A design file or dict that does not satisfy the schema."""


PLAUSIBLE_EXTENT = 0.5  # [m] the extent above which coildesign._validation.plausible_length warns
RADIUS_KEYS = ("radius", "shield_radius", "half_gap")  # the coil extends over twice these
LENGTH_KEYS = ("length", "wire_diameter", "outer_diameter", "inner_diameter", "trace_width", "spacing",
               "thickness", "leg_width", "ring_width", "separation", "size", "insulation", "leads")
# keys of [rf_coil] / [gradient] that are not generator keyword arguments
TABLE_KEYS = {"rf_coil": ("generator",), "gradient": ("generator", *SCHEMA["gradient_drive"])}
# target_field: dsv_radius and deviation are drive keys, passed as the design's targets
_NOT_FROM_FILE = {"target_field": ("dsv_radius", "max_deviation")}


def generator_function(name: str):
    """The function that builds the coil of a [rf_coil] / [gradient] ``generator``."""
    return _design.target_field_set if name == "target_field" else getattr(geometries, name)


def generator_keys(table: str, name: str) -> tuple[str, ...]:
    """Keys allowed in ``[table]`` for the generator ``name``: its keyword arguments plus the
    table's own keys (``TABLE_KEYS``)."""
    params = inspect.signature(generator_function(name)).parameters
    own = tuple(k for k in params if k not in _NOT_FROM_FILE.get(name, ()))
    return TABLE_KEYS[table] + own


def _mm_hint(key: str, value: float) -> str:
    return f"{key} is in metres: did you pass millimetres (e.g. {value:g}e-3 for {value:g} mm)?"


def _check_generator_table(where: str, table: str, values: dict) -> None:
    """Unknown keys (with the closest allowed ones) and coil dimensions typed in millimetres."""
    gen = values["generator"]
    allowed = generator_keys(table, gen)
    for k in values:
        if k not in allowed:
            raise DesignError(f"{where} unknown key {k!r} for generator {gen}{did_you_mean(k, allowed)}; allowed: "
                              f"{', '.join(allowed)}")
    for k, v in values.items():
        if k not in RADIUS_KEYS + LENGTH_KEYS or isinstance(v, bool) or not isinstance(v, numbers.Real):
            continue
        extent = 2.0 * v if k in RADIUS_KEYS else float(v)
        # values above 10 m are refused by the generator itself, with the same hint
        if PLAUSIBLE_EXTENT < extent and v <= 10.0:
            size = f"a coil diameter of {extent:g} m" if k in RADIUS_KEYS else f"{extent:g} m"
            raise DesignError(f"{where} {k} = {v!r}: {size} is implausible for an MR microscopy probe (at most "
                              f"{PLAUSIBLE_EXTENT:g} m); {_mm_hint(k, v)}")


def default_design() -> dict:
    """A deep copy of the embedded demo design."""
    return copy.deepcopy(DEFAULT_DESIGN)


@dataclass(frozen=True)
class ProbeTable:
    """``[probe]``: the probe's ``name``, its field ``b0`` [T] or its Larmor ``frequency`` [Hz]
    (one of the two, the other None), the observed ``nucleus`` and the ``temperature`` [K]."""

    name: str
    nucleus: str
    temperature: float
    b0: float | None = None
    frequency: float | None = None


@dataclass(frozen=True)
class CoilTable:
    """``[rf_coil]``: the coil ``generator`` (a name of ``RF_GENERATORS``) and its keyword
    arguments ``params`` (SI units)."""

    generator: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SampleTable:
    """``[sample]``: a cylinder of ``radius`` and ``length`` [m] (``size`` [m] when given),
    ``concentration`` [mol/m^3] of the nucleus and ``conductivity`` [S/m]."""

    shape: str
    radius: float
    length: float
    concentration: float
    conductivity: float
    size: float | None = None


@dataclass(frozen=True)
class GradientTable:
    """``[gradient]``: the coil ``generator`` (a name of ``GRADIENT_GENERATORS``) and its
    keyword arguments ``params``; the amplifier's ``v_max`` [V] and ``i_max`` [A], the
    linearity sphere's ``dsv_radius`` [m], the ``deviation`` [1] of the largest-DSV search, the
    ``cooling`` of the thermal model and the coil's ``temperature_limit`` [K]."""

    generator: str
    v_max: float
    i_max: float
    dsv_radius: float
    deviation: float
    params: dict = field(default_factory=dict)
    cooling: str = DEFAULT_DESIGN["gradient"]["cooling"]
    temperature_limit: float = DEFAULT_DESIGN["gradient"]["temperature_limit"]


@dataclass(frozen=True)
class ImagingTable:
    """``[imaging]``: field of view ``fov`` [m], ``matrix`` (samples), ``t2star`` and ``t2``
    [s], ``diffusion`` coefficient [m^2/s]; the sequence of the drive section: ``sequence``
    ("gradient_echo" or "spin_echo"), receiver ``bandwidth`` [Hz], ``slice_thickness`` [m],
    ``rf_duration`` [s], ``time_bandwidth`` [1], ``tr`` [s] and ``slew_rate`` [T/(m s)] (None:
    derived, module doc)."""

    fov: float
    matrix: int
    t2star: float
    t2: float
    diffusion: float
    sequence: str = DEFAULT_DESIGN["imaging"]["sequence"]
    bandwidth: float = DEFAULT_DESIGN["imaging"]["bandwidth"]
    slice_thickness: float = DEFAULT_DESIGN["imaging"]["slice_thickness"]
    rf_duration: float = DEFAULT_DESIGN["imaging"]["rf_duration"]
    time_bandwidth: float = DEFAULT_DESIGN["imaging"]["time_bandwidth"]
    tr: float | None = None
    slew_rate: float | None = None


@dataclass(frozen=True)
class OutputsTable:
    """``[outputs]``: which files a run writes (``vtk``, ``plots``, ``report``)."""

    vtk: bool
    plots: bool
    report: bool


# table -> its dataclass (schema tables: fields = SCHEMA keys; coil tables: generator + params)
TABLE_TYPES = {"probe": ProbeTable, "rf_coil": CoilTable, "sample": SampleTable, "gradient": GradientTable,
               "imaging": ImagingTable, "outputs": OutputsTable}


def _optional_keys(table) -> tuple[str, ...]:
    return tuple(f.name for f in fields(table) if f.default is None)


@dataclass(frozen=True)
class ProbeDesign:
    """A validated design (``validate_design``): one frozen table per TOML table and
    ``from_defaults``, the tables (``"all"``) and keys the design took from the demo design."""

    probe: ProbeTable
    rf_coil: CoilTable
    sample: SampleTable
    gradient: GradientTable
    imaging: ImagingTable
    outputs: OutputsTable
    from_defaults: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, design: dict) -> ProbeDesign:
        """The typed form of a complete validated design dict (``as_dict`` output)."""
        tables = {}
        for name, kind in TABLE_TYPES.items():
            values = dict(design[name])
            if kind in (CoilTable, GradientTable):
                own = {f.name for f in fields(kind)} - {"params"}
                tables[name] = kind(**{k: values.pop(k) for k in own}, params=values)
            else:
                tables[name] = kind(**values)
        return cls(**tables, from_defaults=copy.deepcopy(design.get("from_defaults", {})))

    def as_dict(self) -> dict:
        """The nested dict of the TOML tables (with ``from_defaults``); ``validate_design``
        of it gives this design back."""
        out = {}
        for name in TABLE_TYPES:
            table = getattr(self, name)
            values = {f.name: getattr(table, f.name) for f in fields(table) if f.name != "params"}
            values = {k: v for k, v in values.items() if not (v is None and k in _optional_keys(type(table)))}
            out[name] = {**values, **copy.deepcopy(getattr(table, "params", {}))}
        out["from_defaults"] = copy.deepcopy(self.from_defaults)
        return out


def _check_value(where: str, key: str, value, rule: tuple) -> None:
    kind = rule[0]
    if kind == "bool":
        if not isinstance(value, bool):
            raise DesignError(f"{where} {key} = {value!r}: must be true or false")
    elif kind == "str":
        if not isinstance(value, str):
            raise DesignError(f"{where} {key} = {value!r}: must be a string")
        if len(rule) > 1 and value not in rule[1]:
            raise DesignError(f"{where} {key} = {value!r}: must be one of {', '.join(rule[1])}")
    else:
        ok = isinstance(value, numbers.Integral) if kind == "int" else isinstance(value, numbers.Real)
        if isinstance(value, bool) or not ok:
            raise DesignError(f"{where} {key} = {value!r}: must be {'an integer' if kind == 'int' else 'a number'}")
        if not rule[1] <= value <= rule[2]:
            hint = (f"; {_mm_hint(key, value)}" if key in RADIUS_KEYS + LENGTH_KEYS + ("dsv_radius", "fov")
                    and rule[1] <= 1e-3 * value <= rule[2] else "")
            raise DesignError(f"{where} {key} = {value!r}: must be in the range [{rule[1]:g}, {rule[2]:g}]{hint}")


def validate_design(design: dict | ProbeDesign, source: str = "design") -> ProbeDesign:
    """Check ``design`` (a dict of tables, or a ``ProbeDesign``) against the schema and fill
    defaults; returns a new ``ProbeDesign``.

    Generator keyword arguments are checked by the generators themselves when the coil is
    built; their messages are prefixed with the file and table by ``workflow``.
    """
    if isinstance(design, ProbeDesign):
        design = design.as_dict()
    if not isinstance(design, dict):
        raise DesignError(f"{source}: must be a table of tables")
    known = {"probe", "rf_coil", "sample", "gradient", "imaging", "outputs"}
    design = dict(design)
    earlier = _earlier_defaults(design.pop("from_defaults", {}), source)
    for table in design:
        if table not in known:
            raise DesignError(f"{source}: unknown table [{table}]{did_you_mean(table, sorted(known))}; allowed: "
                              f"{', '.join(sorted(known))}")
    out = default_design()
    for table, values in design.items():
        if not isinstance(values, dict):
            raise DesignError(f"{source}: [{table}] must be a table")
        where = f"{source}: [{table}]"
        if table in ("rf_coil", "gradient"):
            allowed = RF_GENERATORS if table == "rf_coil" else GRADIENT_GENERATORS
            gen = values.get("generator")
            if gen not in allowed:
                raise DesignError(f"{where} generator = {gen!r}: must be one of {', '.join(allowed)}"
                                  f"{did_you_mean(gen, allowed) if isinstance(gen, str) else ''}")
            _check_generator_table(where, table, values)
            if table == "gradient":
                for k, v in values.items():
                    if k in SCHEMA["gradient_drive"]:
                        _check_value(where, k, v, SCHEMA["gradient_drive"][k])
                drive = {k: out["gradient"][k] for k in SCHEMA["gradient_drive"]}
                drive.update({k: v for k, v in values.items() if k in SCHEMA["gradient_drive"]})
                out[table] = {**drive, **values}
            else:
                out[table] = dict(values)
            continue
        for k, v in values.items():
            if k not in SCHEMA[table]:
                raise DesignError(f"{where} unknown key {k!r}{did_you_mean(k, SCHEMA[table])}; allowed: "
                                  f"{', '.join(SCHEMA[table])}")
            _check_value(where, k, v, SCHEMA[table][k])
        out[table].update(values)
    probe = design.get("probe", {})
    if "b0" in probe and "frequency" in probe:
        raise DesignError(f"{source}: [probe] give b0 or frequency, not both")
    if "frequency" in probe:
        out["probe"].pop("b0", None)
    nuc = out["probe"].get("nucleus", "1H")
    if nuc not in NUCLEI:
        raise DesignError(f"{source}: [probe] nucleus = {nuc!r}: must be one of {', '.join(NUCLEI)}"
                          f"{did_you_mean(nuc, NUCLEI) if isinstance(nuc, str) else ''}")
    if "name" not in probe:
        out["probe"]["name"] = _name_from_source(source)
    _check_consistency(out, source)
    out["from_defaults"] = _merge_defaults(earlier, _defaults_used(design))
    return ProbeDesign.from_dict(out)


def _name_from_source(source: str) -> str:
    """The probe name of a design without ``[probe] name``: the file's name without its suffix
    (the source of a dict is not a file: "probe design")."""
    return Path(source).stem if source.lower().endswith(".toml") else "probe design"


def _defaults_used(design: dict) -> dict[str, str | list[str]]:
    """Tables of the embedded defaults that ``design`` leaves out ("all"), and keys of the
    tables it gives that come from the defaults (schema tables and the gradient's drive keys;
    a generator's own keyword defaults are the generator's, not the demo's)."""
    used: dict[str, str | list[str]] = {}
    for table, values in DEFAULT_DESIGN.items():
        given = design.get(table)
        if given is None and table != "probe":  # the probe's name is the design's (_name_from_source)
            used[table] = "all"
            continue
        given = given or {}
        if table == "rf_coil":
            continue
        keys = SCHEMA["gradient_drive"] if table == "gradient" else values
        missing = [k for k in keys if k not in given and k != "name"]
        if table == "probe" and ("frequency" in given or "b0" in given):
            missing = [k for k in missing if k != "b0"]
        if missing:
            used[table] = missing
    return used


def _earlier_defaults(value, source: str) -> dict[str, str | list[str]]:
    """The ``from_defaults`` record of a design validated before (``validate_design`` output)."""
    if not isinstance(value, dict) or not all(
            k in DEFAULT_DESIGN and (v == "all" or isinstance(v, list)) for k, v in value.items()):
        raise DesignError(f"{source}: from_defaults = {value!r}: is the record validate_design writes (table -> "
                          "'all' or a list of keys); leave it out of design files")
    return value


def _merge_defaults(first: dict, second: dict) -> dict[str, str | list[str]]:
    """Union of two ``from_defaults`` records (a design validated twice keeps the first record)."""
    out = dict(first)
    for table, keys in second.items():
        if table not in out:
            out[table] = keys
        elif out[table] != "all" and keys != "all":
            out[table] = list(dict.fromkeys([*out[table], *keys]))
    return out


VOLUME_RF_COILS = ("solenoid", "saddle", "birdcage")


def _number(table: dict, key: str) -> float | None:
    v = table.get(key)
    return float(v) if isinstance(v, numbers.Real) and not isinstance(v, bool) else None


def _check_consistency(design: dict, source: str) -> None:
    """Refuse physically inconsistent combinations of otherwise valid values (module doc)."""
    rf, sample, grad = design["rf_coil"], design["sample"], design["gradient"]
    radius = _number(rf, "radius")
    for table, spec in (("rf_coil", rf), ("gradient", grad)):  # the generators' own dimensions first
        for key in ("radius", "length", "wire_diameter", "half_gap", "size"):
            v = _number(spec, key)
            if v is not None and not v > 0:
                raise DesignError(f"{source}: [{table}] {key} = {spec[key]!r}: must be > 0 (metres)")
    if rf.get("generator") in VOLUME_RF_COILS and radius is not None:
        bore = radius - 0.5 * (_number(rf, "wire_diameter") or 0.0)
        if sample["radius"] >= bore:
            raise DesignError(f"{source}: [sample] radius = {sample['radius']!r}: must be smaller than the inner "
                              f"radius of the {rf['generator']} RF coil ({bore:g} m), or the sample does not fit "
                              "inside it")
    ambient = design["probe"].get("temperature", DEFAULT_DESIGN["probe"]["temperature"])
    if grad["temperature_limit"] <= ambient:
        raise DesignError(f"{source}: [gradient] temperature_limit = {grad['temperature_limit']!r}: must be above the "
                          f"probe's temperature ({ambient:g} K, [probe] temperature), the ambient of the thermal model")
    g_bore = _number(grad, "half_gap") if grad.get("generator") == "biplanar" else _number(grad, "radius")
    if g_bore is not None and grad["dsv_radius"] >= g_bore:
        raise DesignError(f"{source}: [gradient] dsv_radius = {grad['dsv_radius']!r}: must be smaller than the "
                          f"gradient coil's {'half gap' if grad.get('generator') == 'biplanar' else 'radius'} "
                          f"({g_bore:g} m): the linearity sphere must lie inside the coil")


def load_design(path: str | Path) -> ProbeDesign:
    """Read and validate a TOML design file."""
    p = Path(path)
    if p.is_dir():
        raise DesignError(f"{p}: is a folder, not a design file (give a .toml file; see examples/*.toml)")
    try:
        with p.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise DesignError(f"{p}: no such file") from None
    except PermissionError:
        raise DesignError(f"{p}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise DesignError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise DesignError(f"{p}: not UTF-8 text (invalid byte at position {exc.start}); TOML files are UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise DesignError(f"{p}: not valid TOML ({exc})") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise DesignError(f"{p}: nested too deeply to read (arrays or inline tables inside each other thousands of "
                          "levels deep); a design file needs at most a few levels") from None
    if not raw:
        raise DesignError(f"{p}: the design file is empty; give at least one table (see examples/*.toml), or run "
                          "'coildesign demo' for the embedded defaults")
    if "from_defaults" in raw:
        raise DesignError(f"{p}: from_defaults is not a design table (it is the record of the defaults a run used)")
    return validate_design(raw, str(p))
