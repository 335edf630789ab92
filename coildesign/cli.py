"""Command line: ``coildesign demo | run FILE | validate``.

Exit codes: 0 success, 1 a validation case failed or the run failed, 2 bad usage or a bad
design file (argparse convention).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _validate(args: argparse.Namespace) -> int:
    from coildesign import validation

    outcomes = validation.run_all(args.case or None)
    if args.format == "json":
        print(json.dumps([dict(o.__dict__, passed=o.passed) for o in outcomes], indent=2))
    else:
        print(validation.format_table(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1


def _run(args: argparse.Namespace, design: dict | None) -> int:
    from coildesign.probe_file import DesignError, load_design

    try:
        spec = load_design(args.file) if design is None else design
    except DesignError as exc:
        print(f"coildesign: {exc}", file=sys.stderr)
        return 2
    from coildesign.workflow import run_design

    try:
        result = run_design(spec, Path(args.output), quiet=args.quiet or args.format == "json")
    except DesignError as exc:
        print(f"coildesign: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(result.summary, indent=2, default=float))
    elif not args.quiet:
        print(result.text)
        print(f"\nwrote {len(result.files)} files to {Path(args.output).resolve()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    p = argparse.ArgumentParser(prog="coildesign", description="Gradient and RF microcoil design for MR microscopy.")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--output", "-o", default="coildesign-output", help="output folder (default: %(default)s)")
    common.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    common.add_argument("--format", choices=("text", "json"), default="text", help="summary format on stdout")
    sub.add_parser("demo", parents=[common], help="design and analyse a complete MR microscopy probe on "
                   "embedded defaults (600 MHz solenoid microcoil + three-axis gradient set)")
    run = sub.add_parser("run", parents=[common], help="design and analyse the probe of a TOML design file")
    run.add_argument("file", help="design file (.toml); see examples/*.toml")
    val = sub.add_parser("validate", help="run the built-in validation cases against analytic and published references")
    val.add_argument("--case", action="append", help="only cases whose name contains this text (repeatable)")
    val.add_argument("--format", choices=("text", "json"), default="text")
    from coildesign.studies.cli import add_sweep_parser

    add_sweep_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``coildesign`` console script."""
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args)
    if args.command == "sweep":
        from coildesign.studies.cli import run_sweep

        return run_sweep(args)
    if args.command == "demo":
        from coildesign.probe_file import default_design

        return _run(args, default_design())
    return _run(args, None)


if __name__ == "__main__":
    sys.exit(main())
