"""Solvers for stream-function design in a reduced basis: a convex QP to optimality (Clarabel)
and a regularised least-squares path with a dimensionless, scale-invariant weight.

QP (Poole & Bowtell, Concepts Magn. Reson. B 31, 162 (2007); Zetter et al., J. Appl. Phys.
128, 034901 (2020), eq. 14):
    minimise    x^T Q x
    subject to  A_eq x = b_eq,   lower <= A x <= upper.
Solved with Clarabel (Goulart & Chen, arXiv:2405.12762 (2024)): an interior-point solver for
convex QPs with linear and conic constraints, open source (Apache-2.0), wheels on PyPI for every
platform, no licence server and no modelling layer between us and the matrices; it certifies
optimality or infeasibility (``status``).

Least squares (Tikhonov): minimise ||A x - b||^2 + lambda (tr(A^T A) / tr(Q)) x^T Q x. Scaling
every length by s multiplies A by 1/s, b by s and Q by s, so both terms scale alike (by s^2 for
x -> s^2 x) and the same dimensionless ``lambda`` gives the same design at every size.
"""

from __future__ import annotations

from dataclasses import dataclass

import clarabel
import numpy as np
import scipy.sparse as sp

from coildesign import _validation as check


class InfeasibleDesignError(ValueError):
    """The constraints of a design cannot all be met (the solver proved it or failed)."""


@dataclass(frozen=True)
class Solution:
    """Coefficients ``x``, solver ``status`` (text), ``iterations`` and ``objective`` value."""

    x: np.ndarray
    status: str
    iterations: int
    objective: float


def solve_qp(q: np.ndarray, a: np.ndarray, lower: np.ndarray, upper: np.ndarray,
             a_eq: np.ndarray | None = None, b_eq: np.ndarray | None = None, *, advice: str = "",
             working_set: int = 100, max_rounds: int = 60) -> Solution:
    """Minimise x^T q x subject to a_eq x = b_eq and lower <= a x <= upper (module doc).

    Constraint generation: the QP is solved on a working set of rows (a stride sample of
    ``working_set`` rows first), the most violated remaining rows are added, and the loop stops
    when no row is violated (beyond 1e-9 of its bound width, or for a one-sided row (an infinite
    bound) or an equality row, of the size |a_i| |x| + |finite bounds| of its terms): the relaxed
    optimum is then feasible for the full problem and so optimal for it. Raises
    ``InfeasibleDesignError`` unless Clarabel reports a solved problem.
    """
    m = len(a)
    lower = np.asarray(lower, dtype=float)
    upper = np.asarray(upper, dtype=float)
    width = upper - lower
    two_sided = np.isfinite(width) & (width > 0)
    row_norm = np.linalg.norm(a, axis=1)
    bound_size = np.where(np.isfinite(lower), np.abs(lower), 0.0) + np.where(np.isfinite(upper), np.abs(upper), 0.0)
    active = np.zeros(m, dtype=bool)
    active[np.linspace(0, m - 1, min(m, working_set)).astype(int)] = True
    iterations = 0
    for _ in range(max_rounds):
        x, status, its = _clarabel(q, a[active], lower[active], upper[active], a_eq, b_eq, advice)
        iterations += its
        ax = a @ x
        scale = np.where(two_sided, width, row_norm * np.linalg.norm(x) + bound_size)
        violation = np.maximum(lower - ax, ax - upper) / np.maximum(scale, 1e-300)
        violated = np.flatnonzero((violation > 1e-9) & ~active)
        if violated.size == 0:
            return Solution(x, status, iterations, float(x @ q @ x))
        worst = violated[np.argsort(violation[violated])[::-1][:max(working_set // 2, 1)]]
        active[worst] = True
    raise InfeasibleDesignError(f"constraint generation did not converge in {max_rounds} rounds: {advice}")


def _clarabel(q, a, lower, upper, a_eq, b_eq, advice) -> tuple[np.ndarray, str, int]:
    """One Clarabel solve of min x^T q x, a_eq x = b_eq, lower <= a x <= upper.

    The bounded rows enter through slack variables y = a x with box constraints on y, which
    keeps the dense block in the equality rows only (about half the solve time measured here)."""
    n, m = q.shape[0], len(a)
    # rows scaled to unit norm so the solver's tolerances mean the same for every constraint
    norms = np.linalg.norm(a, axis=1)
    norms[norms == 0] = 1.0
    a_s = sp.csc_matrix(a / norms[:, None])
    eye = sp.identity(m, format="csc")
    eq_blocks, eq_rhs = [], []
    if a_eq is not None and len(a_eq):
        en = np.linalg.norm(a_eq, axis=1)
        eq_blocks.append(sp.hstack([sp.csc_matrix(a_eq / en[:, None]), sp.csc_matrix((len(a_eq), m))]))
        eq_rhs.append(b_eq / en)
    eq_blocks.append(sp.hstack([a_s, -eye]))
    eq_rhs.append(np.zeros(m))
    box = sp.hstack([sp.csc_matrix((m, n)), eye])
    big_a = sp.vstack(eq_blocks + [box, -box]).tocsc()
    rhs = np.concatenate(eq_rhs + [upper / norms, -lower / norms])
    n_eq = sum(len(r) for r in eq_rhs)
    cones = [clarabel.ZeroConeT(n_eq), clarabel.NonnegativeConeT(2 * m)]
    scale = float(np.trace(q)) / n
    p = sp.block_diag([sp.triu(sp.csc_matrix(2.0 * q / scale)), sp.csc_matrix((m, m))]).tocsc()
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    solver = clarabel.DefaultSolver(p, np.zeros(n + m), big_a, rhs, cones, settings)
    sol = solver.solve()
    status = str(sol.status)
    if "Solved" not in status or "Infeasible" in status:
        raise InfeasibleDesignError(f"the design problem has no solution (Clarabel status {status}): {advice}")
    return np.asarray(sol.x)[:n], status, int(sol.iterations)


def solve_least_squares(q: np.ndarray, a: np.ndarray, b: np.ndarray, regularization: float,
                        a_eq: np.ndarray | None = None, b_eq: np.ndarray | None = None) -> Solution:
    """Minimise ||a x - b||^2 + lambda (tr(a^T a)/tr(q)) x^T q x, with optional equality
    constraints by a KKT solve (module doc); ``regularization`` = lambda > 0 (dimensionless)."""
    lam = check.positive("regularization", regularization)
    ata = a.T @ a
    h = ata + lam * (np.trace(ata) / np.trace(q)) * q
    g = a.T @ b
    n = len(g)
    if a_eq is not None and len(a_eq):
        m = len(a_eq)
        kkt = np.block([[h, a_eq.T], [a_eq, np.zeros((m, m))]])
        x = np.linalg.solve(kkt, np.concatenate([g, b_eq]))[:n]
    else:
        x = np.linalg.solve(h, g)
    return Solution(x, "Solved (least squares)", 1, float(x @ q @ x))
