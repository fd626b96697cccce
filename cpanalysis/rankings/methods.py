"""The aggregation methods. Each one has the call shape ``f(rd, weights, **options)``.

``rd`` is a :class:`~cpanalysis.rankings.convert.RankData` (mid-rank positions, listed flags) and
``weights`` a length-``m`` array of ranker weights (summing to ``m`` for the two weightings; the
bootstrap passes resampling counts times weights, zeros allowed). Conventions shared by all:

* positions are mid-ranks: a tie group spanning places p..p+t-1 sits at p + (t-1)/2; harms
  missing from a partial list are tied below all listed harms;
* pairwise support ``D[a, b]`` = total weight of rankers who put ``a`` strictly above ``b``;
  rankers who tie ``a`` and ``b`` (including two unlisted harms) abstain on that pair;
* final ``position``: 1 + number of items with a strictly better score (ties share the minimum).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

from .convert import RankData
from .kemeny import kemeny_order
from .registry import MethodResult, ranking_method

__all__ = [
    "positions_from_scores",
    "support_matrix",
    "schulze_strengths",
    "plackett_luce_events",
    "fit_choice_model",
]

_TOL = 1e-9


def positions_from_scores(score: np.ndarray, higher_is_better: bool = True, tol: float = _TOL):
    """Competition positions (1 = top; equal scores share the minimum) for 1-D or 2-D scores.

    Scores within ``tol * (1 + |score|)`` of each other count as equal, so floating-point noise
    in weighted means does not split ties. For 2-D input each row is ranked separately.
    """
    s = np.asarray(score, dtype=float)
    if not higher_is_better:
        s = -s
    scale = tol * (1.0 + np.abs(s))
    better = s[..., None, :] > s[..., :, None] + scale[..., :, None]
    return 1 + better.sum(axis=-1)


def support_matrix(rd: RankData, weights: np.ndarray) -> np.ndarray:
    """``D[a, b]``: total weight of rankers ranking ``a`` strictly above ``b``."""
    return np.einsum("r,rab->ab", np.asarray(weights, float), rd.prefers())


def _linear(points_fn, higher_is_better):
    def run(rd: RankData, weights: np.ndarray, **_: object) -> MethodResult:
        w = np.asarray(weights, float)
        score = w @ points_fn(rd) / w.sum()
        return MethodResult(score=score, position=positions_from_scores(score, higher_is_better))

    return run


# ---------------------------------------------------------------- positional (linear) methods


def _mean_rank_points(rd: RankData) -> np.ndarray:
    return rd.pos


def _borda_points(rd: RankData) -> np.ndarray:
    return rd.n - rd.pos


def _salience_points(rd: RankData) -> np.ndarray:
    length = rd.list_lengths()[:, None].astype(float)
    return np.where(rd.listed, (length - rd.pos + 1.0) / length, 0.0)


mean_rank = ranking_method(
    "mean_rank",
    description="Weighted mean of each harm's position (mid-ranks for ties; lower = better).",
    higher_is_better=False,
    reference="Mean-rank aggregation; mid-ranks for ties as in Kendall & Gibbons (1990).",
    kind="linear",
    points=_mean_rank_points,
)(_linear(_mean_rank_points, higher_is_better=False))

borda = ranking_method(
    "borda",
    description=(
        "Borda count: n - position points per list (n harms), tied harms share the points of "
        "the places they span; score = weighted mean points."
    ),
    reference="de Borda (1781), Memoire sur les elections au scrutin.",
    kind="linear",
    points=_borda_points,
)(_linear(_borda_points, higher_is_better=True))

salience = ranking_method(
    "salience",
    description=(
        "Smith's salience: (L - r + 1) / L per list of length L, 0 when absent; weighted mean "
        "over rankers."
    ),
    reference="Smith (1993), Cultural Anthropology Methods 5(3):1-3 (free-list salience index).",
    kind="linear",
    points=_salience_points,
)(_linear(_salience_points, higher_is_better=True))


# ---------------------------------------------------------------- pairwise-majority methods


def _copeland_from_pairwise(d: np.ndarray):
    margin = d - np.swapaxes(d, -1, -2)
    scale = _TOL * (1.0 + np.abs(d) + np.abs(np.swapaxes(d, -1, -2)))
    score = (margin > scale).sum(axis=-1) - (margin < -scale).sum(axis=-1)
    return score.astype(float), positions_from_scores(score)


def _copeland(rd: RankData, weights: np.ndarray, **_: object) -> MethodResult:
    score, pos = _copeland_from_pairwise(support_matrix(rd, weights))
    return MethodResult(score=score, position=pos)


copeland = ranking_method(
    "copeland",
    description=(
        "Copeland: pairwise majority wins minus losses (weighted support; a ranker tying a "
        "pair abstains)."
    ),
    reference="Copeland (1951), A 'reasonable' social welfare function, Univ. of Michigan.",
    kind="pairwise",
    from_pairwise=_copeland_from_pairwise,
)(_copeland)


def schulze_strengths(d: np.ndarray) -> np.ndarray:
    """Strongest-path strengths (margins) for one ``(n, n)`` or a batch ``(B, n, n)`` of supports.

    A link a -> b exists when the margin ``D[a, b] - D[b, a]`` is positive and has that margin as
    strength; a path is as strong as its weakest link (Floyd-Warshall widest paths).
    """
    margin = d - np.swapaxes(d, -1, -2)
    scale = _TOL * (1.0 + np.abs(d) + np.abs(np.swapaxes(d, -1, -2)))
    p = np.where(margin > scale, margin, -np.inf)
    n = d.shape[-1]
    for k in range(n):
        via = np.minimum(p[..., :, k : k + 1], p[..., k : k + 1, :])
        p = np.maximum(p, via)
    idx = np.arange(n)
    p[..., idx, idx] = -np.inf
    return p


def _schulze_from_pairwise(d: np.ndarray):
    d = np.asarray(d, float)
    single = d.ndim == 2
    if single:
        d = d[None]
    p = schulze_strengths(d)
    pt = np.swapaxes(p, -1, -2)
    beats = p > pt  # beats[b, x, y]: x beats y by strongest path (a strict partial order)
    n = d.shape[-1]
    # layer = 1 + length of the longest beat chain ending at the item; layer 1 = Schulze winners
    layer = np.ones(d.shape[:2])
    for _ in range(n):
        new = 1 + np.max(np.where(beats, layer[:, :, None], 0), axis=1)
        if np.array_equal(new, layer):
            break
        layer = new
    pos = 1 + (layer[:, None, :] < layer[:, :, None]).sum(axis=-1)
    score = (layer[:, None, :] > layer[:, :, None]).sum(axis=-1).astype(float)
    if single:
        return score[0], pos[0]
    return score, pos


def _schulze(rd: RankData, weights: np.ndarray, **_: object) -> MethodResult:
    score, pos = _schulze_from_pairwise(support_matrix(rd, weights))
    return MethodResult(score=score, position=pos)


schulze = ranking_method(
    "schulze",
    description=(
        "Schulze beat-path (margins): harms layered by the strongest-path relation; score = "
        "number of harms placed below."
    ),
    reference="Schulze (2011), Social Choice and Welfare 36(2):267-303.",
    kind="pairwise",
    from_pairwise=_schulze_from_pairwise,
)(_schulze)


def _kemeny_positions(d: np.ndarray):
    """Kemeny order for one support matrix; adjacent harms whose swap costs nothing are tied."""
    n = d.shape[0]
    order, total = kemeny_order(d.T)  # cost[a, b] = support for b over a
    pos = np.empty(n, dtype=int)
    current = 1
    for i, x in enumerate(order):
        if i > 0:
            prev = order[i - 1]
            if not np.isclose(d[prev, x], d[x, prev], rtol=0, atol=_TOL * (1 + abs(d[prev, x]))):
                current = i + 1
        pos[x] = current
    score = (pos[None, :] > pos[:, None]).sum(axis=1).astype(float)
    return score, pos, order, total


def _kemeny_from_pairwise(d: np.ndarray):
    d = np.asarray(d, float)
    if d.ndim == 2:
        s, p, _, _ = _kemeny_positions(d)
        return s, p
    out = [_kemeny_positions(x)[:2] for x in d]
    return np.array([o[0] for o in out]), np.array([o[1] for o in out])


def _kemeny(rd: RankData, weights: np.ndarray, tie_penalty: float = 0.5, **_: object):
    w = np.asarray(weights, float)
    d = support_matrix(rd, w)
    score, pos, order, disagreement = _kemeny_positions(d)
    tied_pairs = np.einsum("r,rab->", w, rd.ties()) / 2.0
    return MethodResult(
        score=score,
        position=pos,
        extra={
            "kemeny_distance": disagreement + tie_penalty * tied_pairs,
            "kemeny_order": [rd.items[i] for i in order],
            "tie_penalty": tie_penalty,
        },
    )


kemeny = ranking_method(
    "kemeny",
    description=(
        "Kemeny-Young: the ranking with least total (weighted) Kendall distance to the lists, "
        "found exactly by dynamic programming over subsets; score = number of harms below."
    ),
    reference="Kemeny (1959), Mathematics without numbers, Daedalus 88(4):577-591.",
    kind="pairwise",
    from_pairwise=_kemeny_from_pairwise,
)(_kemeny)


# ---------------------------------------------------------------- Plackett-Luce (choix)


def plackett_luce_events(rd: RankData):
    """Choice events of the Plackett-Luce likelihood, Breslow's convention for ties.

    For each ranker and each tie group G that has at least one item below it, every item of G
    is "chosen" from G plus all items below G. The bottom group (including the unlisted harms)
    adds nothing. Returns a list of ``(ranker_index, winner, losers)``.
    """
    events = []
    for r in range(rd.m):
        pos = rd.pos[r]
        levels = np.unique(pos)
        for lv in levels[:-1]:
            group = np.flatnonzero(pos == lv)
            below = np.flatnonzero(pos > lv)
            for i in group:
                losers = np.concatenate([group[group != i], below])
                events.append((r, int(i), losers))
    return events


def fit_choice_model(n_items: int, events, event_weights, alpha: float) -> np.ndarray:
    """Weighted (penalised) maximum likelihood of Luce choice events.

    Minimises ``sum_e w_e [logsumexp(theta[set_e]) - theta[winner_e]] + alpha * sum(theta**2)``,
    the same objective as choix's ``opt_*`` functions when every weight is 1.
    """
    ew = np.asarray(event_weights, float)
    keep = ew > 0
    winners = np.array([w for w, _ in events], dtype=int)[keep]
    mask = np.zeros((len(events), n_items), dtype=bool)
    for e, (w, losers) in enumerate(events):
        mask[e, w] = True
        mask[e, np.asarray(losers, dtype=int)] = True
    mask, ew = mask[keep], ew[keep]

    def fun(theta):
        x = np.where(mask, theta[None, :], -np.inf)
        lse = logsumexp(x, axis=1)
        val = alpha * np.sum(theta**2) + np.sum(ew * (lse - theta[winners]))
        prob = np.exp(x - lse[:, None])  # choice probabilities within each set (0 outside)
        grad = 2 * alpha * theta + ew @ prob
        np.subtract.at(grad, winners, ew)
        return val, grad

    res = minimize(fun, np.zeros(n_items), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-9, "ftol": 1e-14, "maxiter": 1000})
    return res.x


def _plackett_luce(rd: RankData, weights: np.ndarray, alpha: float = 0.01, **_: object):
    import choix

    w = np.asarray(weights, float)
    events = plackett_luce_events(rd)
    if not events:  # nobody orders anything: all harms tied
        score = np.zeros(rd.n)
        return MethodResult(score=score, position=positions_from_scores(score))
    ew = np.array([w[r] for r, _, _ in events])
    if np.allclose(ew, ew[0]) and ew[0] > 0:
        # equal weights: choix's own optimiser on top-1 ("winner chosen from set") data;
        # scale the penalty so the objective is the weighted one below (weight ew[0] each)
        data = [(win, [int(x) for x in losers]) for _, win, losers in events]
        theta = choix.opt_top1(rd.n, data, alpha=alpha / ew[0], tol=1e-10)
        engine = "choix.opt_top1"
    else:
        theta = fit_choice_model(rd.n, [(win, los) for _, win, los in events], ew, alpha)
        engine = "weighted Luce likelihood (scipy L-BFGS-B)"
    theta = theta - theta.mean()
    return MethodResult(
        score=theta,
        position=positions_from_scores(theta, tol=1e-6),
        extra={"alpha": alpha, "engine": engine},
    )


plackett_luce = ranking_method(
    "plackett_luce",
    description=(
        "Plackett-Luce maximum likelihood (choix), L2 penalty alpha * sum(theta^2) with "
        "alpha=0.01 by default; ties by Breslow's convention; score = centred log-worth."
    ),
    exact=False,
    reference="Luce (1959) Individual Choice Behavior; Plackett (1975) Applied Statistics "
    "24(2):193-202; choix (Maystre), https://choix.lum.li.",
    kind="other",
)(_plackett_luce)
