"""Registry of rank-aggregation methods: one decorator, one call shape.

Every method is a function ``f(rd, weights, **options) -> MethodResult`` wrapped by
:func:`ranking_method`, which records its name, a short description and its properties. The
dashboard's drop-downs (:func:`ranking_method_info`) and the tests' loops read the same registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

__all__ = [
    "MethodResult",
    "RankingMethod",
    "ranking_method",
    "ranking_methods",
    "ranking_method_info",
    "get_method",
    "REGISTRY",
]


@dataclass
class MethodResult:
    """What a method returns.

    ``score``: one number per item. ``position``: optional explicit positions (1 = top, ties
    share the minimum); when None they are derived from ``score``. ``extra``: method-specific
    figures (e.g. the Kemeny distance) copied to the output's ``attrs``.
    """

    score: np.ndarray
    position: np.ndarray | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RankingMethod:
    """A registered aggregation method and its properties."""

    name: str
    func: Callable[..., MethodResult]
    description: str
    higher_is_better: bool
    handles_ties: bool
    exact: bool
    reference: str
    kind: str  # "linear" (weighted mean of per-ranker points), "pairwise" or "other"
    points: Callable | None = None  # linear methods: rd -> (m, n) per-ranker points
    from_pairwise: Callable | None = None  # pairwise methods: (B, n, n) support -> positions

    def __call__(self, rd, weights, **options) -> MethodResult:
        return self.func(rd, weights, **options)


REGISTRY: dict[str, RankingMethod] = {}


def ranking_method(
    name: str,
    *,
    description: str,
    higher_is_better: bool = True,
    handles_ties: bool = True,
    exact: bool = True,
    reference: str = "",
    kind: str = "other",
    points: Callable | None = None,
    from_pairwise: Callable | None = None,
) -> Callable[[Callable], RankingMethod]:
    """Decorator that registers an aggregation method under ``name``."""

    def wrap(func: Callable) -> RankingMethod:
        if name in REGISTRY:
            raise ValueError(f"ranking method {name!r} is already registered")
        method = RankingMethod(
            name=name,
            func=func,
            description=description,
            higher_is_better=higher_is_better,
            handles_ties=handles_ties,
            exact=exact,
            reference=reference,
            kind=kind,
            points=points,
            from_pairwise=from_pairwise,
        )
        REGISTRY[name] = method
        return method

    return wrap


def get_method(name: str, func: str = "aggregate") -> RankingMethod:
    """Look a method up by name; the error lists the registered names."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"{func}: unknown ranking method {name!r}; choose one of {ranking_methods()}"
        ) from None


def ranking_methods() -> list[str]:
    """Names of the registered aggregation methods, in registration order.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from cpanalysis.rankings import ranking_methods
    >>> "kemeny" in ranking_methods()
    True
    """
    return list(REGISTRY)


def ranking_method_info() -> pd.DataFrame:
    """The registry as a table, for drop-downs and documentation.

    Returns
    -------
    DataFrame
        One row per method: ``name``, ``description``, ``higher_is_better`` (direction of the
        ``score`` column of :func:`aggregate`), ``handles_ties``, ``exact``, ``kind``
        (``linear``/``pairwise``/``other``: how the bootstrap vectorises it), ``fast_bootstrap``
        and ``reference``.

    Examples
    --------
    >>> from cpanalysis.rankings import ranking_method_info
    >>> ranking_method_info().set_index("name").loc["schulze", "exact"]
    np.True_
    """
    rows = [
        {
            "name": m.name,
            "description": m.description,
            "higher_is_better": m.higher_is_better,
            "handles_ties": m.handles_ties,
            "exact": m.exact,
            "kind": m.kind,
            "fast_bootstrap": m.kind in ("linear", "pairwise"),
            "reference": m.reference,
        }
        for m in REGISTRY.values()
    ]
    return pd.DataFrame(rows)
