"""The built-in validation table (``coildesign validate``): every case passes within its stated
tolerance, the table is large and sourced, and its JSON form is strict."""

from __future__ import annotations

import json
import re

import pytest

from coildesign import validation
from coildesign.cli import main

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@pytest.mark.parametrize("case", validation.CASES, ids=[c.name for c in validation.CASES])
def test_case_passes(case):
    outcome = validation.run_case(case)
    assert outcome.error is None, outcome.error
    assert outcome.passed, (f"{case.name}: expected {outcome.expected!r}, computed {outcome.computed!r}, "
                            f"rel. error {outcome.rel_error:.3e} > tolerance {case.tolerance:.3e} ({case.source})")


def test_table_is_large_and_every_case_cites_its_source():
    cases = validation.CASES
    assert len(cases) >= 40
    assert len({c.name for c in cases}) == len(cases), "case names must be unique"
    for c in cases:
        assert c.source.strip(), c.name
        assert _YEAR.search(c.source), f"{c.name}: the source has no publication year: {c.source}"
        assert 0 < c.tolerance < 0.1, c.name
        assert c.unit.strip(), c.name


def _strict_loads(text: str):
    def refuse(token: str):
        raise ValueError(f"non-strict JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def test_cli_json_is_strict_and_complete(capsys):
    assert main(["validate", "--format", "json", "--case", "skin depth", "--case", "Nagaoka coefficient"]) == 0
    rows = _strict_loads(capsys.readouterr().out)
    assert len(rows) == 8
    for row in rows:
        assert {"name", "source", "unit", "expected", "computed", "rel_error", "tolerance", "passed"} <= set(row)
        assert row["passed"] is True
        assert isinstance(row["computed"], float) and row["source"]


def test_failing_case_is_reported_not_raised():
    def broken():
        raise ZeroDivisionError("boom")

    def nan():
        return 1.0, float("nan")

    out = [validation.run_case(validation.Case("broken", "nobody (2024)", 1e-3, broken)),
           validation.run_case(validation.Case("nan", "nobody (2024)", 1e-3, nan)),
           validation.run_case(validation.Case("off", "nobody (2024)", 1e-3, lambda: (1.0, 1.01)))]
    assert [o.passed for o in out] == [False, False, False]
    assert "ZeroDivisionError: boom" in out[0].error and out[0].computed is None
    assert out[1].error == "non-finite result" and out[1].computed is None
    assert out[2].error is None and out[2].rel_error == pytest.approx(0.01, rel=1e-9)
    rows = _strict_loads(validation.to_json(out))
    assert [r["passed"] for r in rows] == [False, False, False]
    assert rows[0]["computed"] is None and rows[0]["expected"] is None
    table = validation.format_table(out)
    assert "0 passed, 3 failed" in table and "ERROR: ZeroDivisionError: boom" in table
