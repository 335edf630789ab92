"""Plots of study results (matplotlib): heat map, Pareto front, metric versus one parameter.

Every function takes the table of ``SweepResult.to_dataframe()`` (failed designs, with NaN
metrics, are left out), draws on ``ax`` (a new figure when None) and returns the Axes. Where a
plot shows fewer parameters than the study has, each shown cell or point is the *best* design
over the parameters not shown (largest metric, or smallest with ``maximize=False``), the usual
way to read a multi-dimensional design space.
"""

from __future__ import annotations

import numpy as np

from coildesign import _validation as check


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(6.0, 4.5))[1]


def _columns(table, names: tuple[str, ...]) -> None:
    for name in names:
        if name not in table.columns:
            check._fail("metric or parameter", f"a column of the results {list(table.columns)}", name)


def _ok(table, metric: str):
    ok = table[table["error"].isna() & table[metric].notna()] if "error" in table else table[table[metric].notna()]
    if ok.empty:
        raise ValueError(f"no successful design has a value of {metric!r} to plot")
    return ok


def best_over_others(table, metric: str, by: list[str], *, maximize: bool = True):
    """For each combination of the ``by`` columns, the row of the best ``metric`` (DataFrame)."""
    _columns(table, (metric, *by))
    ok = _ok(table, metric)
    pick = ok.groupby(by, sort=True)[metric].idxmax() if maximize else ok.groupby(by, sort=True)[metric].idxmin()
    return ok.loc[pick.to_numpy()]


def heatmap(table, metric: str, x: str, y: str, *, maximize: bool = True, ax=None, cmap: str = "viridis"):
    """``metric`` over the grid values of parameters ``x`` and ``y`` (best over the others);
    the cells are the parameter values in order (a non-uniform grid keeps equal cells)."""
    best = best_over_others(table, metric, [x, y], maximize=maximize)
    xs, ys = np.unique(best[x].to_numpy()), np.unique(best[y].to_numpy())
    grid = np.full((len(ys), len(xs)), np.nan)
    grid[np.searchsorted(ys, best[y].to_numpy()), np.searchsorted(xs, best[x].to_numpy())] = best[metric].to_numpy()
    ax = _axes(ax)
    mesh = ax.pcolormesh(np.arange(len(xs) + 1) - 0.5, np.arange(len(ys) + 1) - 0.5, np.ma.masked_invalid(grid),
                         cmap=cmap, shading="flat")
    ax.set_xticks(range(len(xs)), [f"{v:.4g}" for v in xs], rotation=45 if len(xs) > 6 else 0)
    ax.set_yticks(range(len(ys)), [f"{v:.4g}" for v in ys])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    reduced = len(best) < len(_ok(table, metric))
    ax.set_title(f"{metric} ({'max' if maximize else 'min'} over the other parameters)" if reduced else metric)
    ax.figure.colorbar(mesh, ax=ax, label=metric)
    return ax


def pareto_mask(first: np.ndarray, second: np.ndarray, maximize: tuple[bool, bool] = (True, True)) -> np.ndarray:
    """True for the non-dominated points of two objectives: no other point is at least as good in
    both and strictly better in one (V. Pareto's optimality; the usual multi-objective sense)."""
    a = np.asarray(first, dtype=float) * (1.0 if maximize[0] else -1.0)
    b = np.asarray(second, dtype=float) * (1.0 if maximize[1] else -1.0)
    order = np.lexsort((-b, -a))  # by a descending, ties by b descending
    mask = np.zeros(len(a), dtype=bool)
    best_b = -np.inf  # best second objective among points with a strictly larger first one
    k = 0
    while k < len(order):
        group = [order[k]]
        while k + len(group) < len(order) and a[order[k + len(group)]] == a[order[k]]:
            group.append(order[k + len(group)])
        top = b[group[0]]
        if top > best_b:
            mask[[i for i in group if b[i] == top]] = True
            best_b = top
        k += len(group)
    return mask


def pareto(table, first: str, second: str, *, maximize: tuple[bool, bool] = (True, True), ax=None):
    """Scatter of two metrics with the Pareto front drawn and highlighted, dominated designs faded."""
    _columns(table, (first, second))
    ok = _ok(_ok(table, first), second)
    mask = pareto_mask(ok[first].to_numpy(), ok[second].to_numpy(), maximize)
    ax = _axes(ax)
    ax.scatter(ok[first][~mask], ok[second][~mask], s=12, color="0.5", alpha=0.25, label="dominated")
    front = ok[mask].sort_values(first)
    ax.plot(front[first], front[second], "o-", color="C3", ms=5, label=f"Pareto front ({mask.sum()})")
    ax.set_xlabel(f"{first} ({'max' if maximize[0] else 'min'})")
    ax.set_ylabel(f"{second} ({'max' if maximize[1] else 'min'})")
    ax.legend()
    return ax


def profile(table, metric: str, parameter: str, parameters: list[str], *, maximize: bool = True, bins: int = 12,
            ax=None):
    """``metric`` versus ``parameter`` with the other ``parameters`` at their best for each value.

    On a grid each value of ``parameter`` is one point; for random or LHS samples with more than
    ``bins`` distinct values the parameter is cut into ``bins`` equal bins and the best design of
    each bin is shown at its parameter value.
    """
    _columns(table, (metric, parameter, *parameters))
    ok = _ok(table, metric)
    values = ok[parameter]
    if values.nunique() > bins:
        edges = np.linspace(values.min(), values.max(), bins + 1)
        key = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, bins - 1)
        groups = ok.assign(_bin=key).groupby("_bin")[metric]
        best = ok.loc[(groups.idxmax() if maximize else groups.idxmin()).to_numpy()].sort_values(parameter)
    else:
        best = best_over_others(ok, metric, [parameter], maximize=maximize)
    ax = _axes(ax)
    ax.plot(best[parameter], best[metric], "o-")
    ax.set_xlabel(parameter)
    ax.set_ylabel(metric)
    others = [p for p in parameters if p != parameter]
    if others:
        ax.set_title(f"{metric} vs {parameter}, {', '.join(others)} at their best")
    return ax
