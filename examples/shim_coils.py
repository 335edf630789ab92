"""Second-order shim coils by target field: Z2, ZX, ZY, X2-Y2 and XY on a 10 mm bore.

Each coil's Bz is one Schmidt-normalised solid harmonic c h_nm over a DSV of radius 3 mm
(``coildesign.design.harmonic_coil``; the normalisation of ``coildesign.analysis.spherical_harmonics``),
within 5 % of the harmonic's largest field in the DSV. The table gives the wires' efficiency c
per ampere [mT/(m^2 A)], inductance, resistance, the dense maximum of the deviation and the
largest other term of the wires' own harmonic fit up to degree 4 (relative to the target term,
both as their largest field in the DSV). A design that misses a bound is printed with its
violations (``allow_violations=True``): at these settings two of Z2's contour levels graze a
nearly flat, slightly rippled stream function (round z = +-0.85 mm and on the crests of the
inner lobes at z = +-3.2 mm) and break into ~16 short loops each, closer than a wire pitch, whose
leads spoil the field (70 windings, 8.3 %); the design reports it instead of hiding it.

Run: python examples/shim_coils.py   (a few minutes on 2 cores)
"""


from coildesign import design
from coildesign.analysis.spherical_harmonics import spherical_harmonics
from coildesign.design.target import HarmonicTarget

RADIUS, LENGTH, DSV, WIRE, TURNS = 5e-3, 25e-3, 3e-3, 0.2e-3, 6
SHIMS = [(2, 0), (2, 1), (2, -1), (2, 2), (2, -2)]


def largest_other_term(res, n, m) -> float:
    """Largest |term| of the wires' fit (degrees 0-4, other than the target) relative to the target
    term, each as its largest field over the DSV sphere."""
    fit = spherical_harmonics(res.coil, DSV, 4)
    target = HarmonicTarget(n, m).scale(DSV) * res.efficiency
    other = 0.0
    for k in range(5):
        for j in range(-k, k + 1):
            if (k, j) == (n, m):
                continue
            value = (fit.A if j >= 0 else fit.B)[k, abs(j)] / DSV**k  # coefficient [T/(m^k A)]
            other = max(other, abs(value) * (HarmonicTarget(k, j).scale(DSV) if k else 1.0))
    return other / target


def main() -> None:
    surface = design.cylinder(RADIUS, LENGTH)
    print(f"{'shim':6s} {'eta mT/(m^2 A)':>15s} {'L uH':>7s} {'R ohm':>7s} {'max dev %':>9s} {'other/target':>12s} "
          f"{'windings':>8s}")
    for n, m in SHIMS:
        res = design.harmonic_coil(surface, n, m, DSV, 0.05, turns=TURNS, wire_diameter=WIRE, allow_violations=True)
        note = "" if res.buildable else "  (not buildable: " + "; ".join(res.violations) + ")"
        print(f"{res.name:6s} {res.efficiency * 1e3:15.5g} {res.inductance * 1e6:7.4g} {res.resistance:7.3g} "
              f"{100 * res.max_deviation:9.3g} {largest_other_term(res, n, m):12.3g} {len(res.coil.windings):8d}{note}")


if __name__ == "__main__":
    main()
