"""Command line: ``coildesign demo | run FILE | validate``.

Exit codes: 0 success; 1 a validation case failed, or an internal error (a bug: a short
message says where to report it; ``--debug`` prints the traceback); 2 an error the user can
fix (bad usage, a bad or unreadable design file, physically inconsistent values, an RF coil
too long for its lumped model, an unusable output folder, a ``validate --case`` text that
matches no case), reported on one line of stderr naming the file, table, key and value (and
the closest valid names of a misspelt one); 130 interrupted.

Progress bars appear only when stderr is a terminal (``COILDESIGN_PROGRESS=always|never``
overrides; ``--quiet`` hides them).

The output folder is created, checked for writing and locked before any computation; the
leftover temporary files of a killed earlier run into it are removed then
(``coildesign._files.output_folder``). ``--format json`` prints strict JSON (RFC 8259): values
that are infinite or NaN are written as null and listed under "json_notes".
"""

from __future__ import annotations

import argparse
import re
import sys
import traceback
from pathlib import Path

from coildesign import validation, workflow
from coildesign._files import OutputFolderError, json_text, output_folder
from coildesign._text import did_you_mean
from coildesign.probe_file import DesignError, default_design, load_design, validate_design
from coildesign.studies.cli import add_sweep_parser, run_sweep

REPORT = ("this is a bug in coildesign; please report it to the coildesign issue tracker with the command "
          "line, the design file and the traceback printed with --debug")


class UserError(Exception):
    """An error the user can fix: printed as one line, exit code 2."""


def _validate(args: argparse.Namespace) -> int:
    missing = validation.unmatched(args.case)
    if missing:
        words = sorted({w for c in validation.CASES for w in re.findall(r"[A-Za-z][A-Za-z0-9_'-]+", c.name)})
        text = missing[0]
        hint = did_you_mean(text, words) or " (no case name is close; run without --case to list all)"
        raise UserError(f"validate --case {text!r}: no validation case name contains it{hint}; "
                        f"{len(validation.CASES)} cases, e.g. 'Maxwell', 'Nagaoka', 'Medhurst', 'birdcage'")
    outcomes = [validation.run_case(c) for c in validation.select(args.case)]
    if args.format == "json":
        print(json_text([dict(o.__dict__, passed=o.passed) for o in outcomes]))
    else:
        print(validation.format_table(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1


def _run(args: argparse.Namespace, design: dict | None) -> int:
    source = "design" if design is None else "demo design"
    try:
        spec = load_design(args.file) if design is None else validate_design(design, source)
    except DesignError as exc:
        raise UserError(str(exc)) from None
    where = args.file if design is None else source
    try:
        with output_folder(args.output) as (folder, removed):
            if removed and not args.quiet:
                print(f"coildesign: removed {len(removed)} leftover temporary file(s) of an interrupted run from "
                      f"{folder}", file=sys.stderr)
            result = workflow.run_design(spec, folder, quiet=args.quiet or args.format == "json", strict=True)
    except OutputFolderError as exc:
        raise UserError(str(exc)) from None
    except ValueError as exc:  # DesignError, or a value of the design refused by a function it reaches
        text = str(exc)
        if text.startswith("design: "):
            text = text[len("design: "):]
        raise UserError(f"{where}: {text}") from None
    if args.format == "json":
        print(json_text(result.summary))
    elif not args.quiet:
        print(result.text)
        print(f"\nwrote {len(result.files)} files to {Path(args.output).resolve()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    p = argparse.ArgumentParser(prog="coildesign", description="Gradient and RF microcoil design for MR microscopy.")
    p.add_argument("--debug", action="store_true", help="print the traceback of internal errors")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--output", "-o", default="coildesign-output", help="output folder (default: %(default)s)")
    common.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    common.add_argument("--format", choices=("text", "json"), default="text", help="summary format on stdout")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="print the traceback of internal errors")
    sub.add_parser("demo", parents=[common], help="design and analyse a complete MR microscopy probe on "
                   "embedded defaults (600 MHz solenoid microcoil + three-axis gradient set)")
    run = sub.add_parser("run", parents=[common], help="design and analyse the probe of a TOML design file")
    run.add_argument("file", help="design file (.toml); see examples/*.toml")
    val = sub.add_parser("validate", help="run the built-in validation cases against analytic and published references")
    val.add_argument("--case", action="append", help="only cases whose name contains this text (case-insensitive, "
                     "repeatable; a text that matches no case is an error)")
    val.add_argument("--format", choices=("text", "json"), default="text")
    val.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                     help="print the traceback of internal errors")
    add_sweep_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``coildesign`` console script."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "sweep":
            return run_sweep(args)
        if args.command == "demo":
            return _run(args, default_design())
        return _run(args, None)
    except UserError as exc:
        print("coildesign: " + " ".join(str(exc).split("\n")), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coildesign: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"coildesign: internal error ({type(exc).__name__}: {str(exc)[:300]}); {REPORT}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
