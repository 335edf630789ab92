"""pandas views of results: ``to_frame(result)`` for anything with ``as_dict()``.

Every result class of coildesign with ``as_dict()`` (gradient performance, linearity, SNR,
sensitivity, homogeneity, resolution limits, matching) gives a plain dict of SI numbers whose
keys name their units; ``to_frame`` turns one result, or a sequence of them (e.g. one per
design of a sweep), into a ``pandas.DataFrame`` with one row per result, nested dicts
flattened to ``"outer.inner"`` columns (``pandas.json_normalize``) and arrays kept as cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coildesign import _validation as check


def _record(obj) -> Mapping:
    if isinstance(obj, Mapping):
        return obj
    as_dict = getattr(obj, "as_dict", None)
    if not callable(as_dict):
        check._fail("result", "a coildesign result with as_dict(), a dict, or a sequence of these",
                    type(obj).__name__, TypeError)
    return as_dict()


def to_frame(result, *, index: Sequence | None = None):
    """A ``pandas.DataFrame`` of ``result`` (one row) or of a sequence of results (one row
    each, labelled by ``index`` if given). Column names are the ``as_dict`` keys (SI units in
    their names), nested keys joined with ``"."``."""
    import pandas as pd

    items = list(result) if isinstance(result, (list, tuple)) else [result]
    if not items:
        check._fail("result", "at least one result", result)
    frame = pd.json_normalize([dict(_record(r)) for r in items])
    if index is not None:
        labels = list(index)
        if len(labels) != len(frame):
            check._fail("index", f"{len(frame)} labels (one per result)", labels)
        frame.index = labels
    return frame
