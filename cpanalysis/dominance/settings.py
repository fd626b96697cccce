"""Settings of the elite-dominance analysis: every threshold in one documented dataclass."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

__all__ = ["DominanceSettings", "resolve_settings"]


@dataclass(frozen=True)
class DominanceSettings:
    """Thresholds and options of :func:`cpanalysis.elite_dominance` and :func:`cpanalysis.reading`.

    Parameters
    ----------
    alpha : float, default 0.05
        Level of the permutation test of the elite proximity gap.
    n_perm : int, default 2000
        ``B``: random relabellings per test; exact enumeration is used instead when the number
        of distinct relabellings is at most ``n_perm``.
    n_boot : int, default 1000
        Bootstrap replicates for the interval of the gap and of the voice parity.
    ci : float, default 0.95
        Coverage of the percentile bootstrap intervals.
    seed : int, default 0
        Seed of every random draw (permutations and bootstrap); the same settings give the same
        result.
    tie_penalty : float, default 0.5
        Fagin's penalty ``p`` for a pair of harms the decision orders but a ranker ties (two
        harms the ranker left unlisted are tied).
    min_rankers : int, default 2
        A community is tested alone only with at least this many elite and this many non-elite
        individual rankers (and enough distinct relabellings to reach ``alpha``); otherwise it
        joins the pooled test.
    stratify : bool, default True
        Relabel elites only within strata (subgroup x marginalised status) so that the null is
        exact when elites are concentrated among men and elders.
    method, weighting : str, default "borda", "subgroup"
        Aggregation method (a name of :func:`cpanalysis.ranking_methods`) and weighting of the
        counterfactual decision and of each group's own ranking (its top harm).
    parity_high : float, default 1.5
        Voice signal: elites' turns per attendance over those of non-elite people of the same
        subgroups (``voice_ratio_adjusted``; subgroup-standardised voice parity) at or above this,
        with the bootstrap interval's lower end above 1. The raw elite voice parity (voice share /
        presence share) is reported too but not used: elites are mostly men and elders, who speak
        more whoever is elite, so the raw parity is above 1 even without elite influence.
    proposal_parity_high : float, default 1.5
        Proposal signal: the same subgroup-standardised ratio for proposals, with the interval's
        lower end above 1.
    adopted_share_high : float, default 0.5
        Adopted-proposal signal: elites made at least this share of the adopted proposals
        (proposals naming a decided harm) and their proposals were adopted more often than
        others' (``uptake_ratio`` > 1).
    min_proposals : int, default 5
        Fewer proposals (or adopted proposals) than this: the proposal signals are not assessed.
    min_count : int, default 5
        Groups of fewer people than this get no percentages in the reading ("fewer than 5").
    voice_formats : tuple of str, default ("community_meeting",)
        Session formats where presence, voice and proposals are measured (the open meetings
        everybody may attend).
    """

    alpha: float = 0.05
    n_perm: int = 2000
    n_boot: int = 1000
    ci: float = 0.95
    seed: int = 0
    tie_penalty: float = 0.5
    min_rankers: int = 2
    stratify: bool = True
    method: str = "borda"
    weighting: str = "subgroup"
    parity_high: float = 1.5
    proposal_parity_high: float = 1.5
    adopted_share_high: float = 0.5
    min_proposals: int = 5
    min_count: int = 5
    voice_formats: tuple = ("community_meeting",)

    def __post_init__(self):
        if not 0 < self.alpha < 1:
            raise ValueError(f"DominanceSettings: alpha must lie in (0, 1), not {self.alpha!r}")
        if self.n_perm < 1 or self.n_boot < 1:
            raise ValueError("DominanceSettings: n_perm and n_boot must be at least 1")
        if not 0 <= self.tie_penalty <= 1:
            raise ValueError("DominanceSettings: tie_penalty must lie in [0, 1]")
        if not 0 < self.ci < 1:
            raise ValueError("DominanceSettings: ci must lie in (0, 1)")
        if self.weighting not in ("ranker", "subgroup"):
            raise ValueError("DominanceSettings: weighting must be 'ranker' or 'subgroup'")


def resolve_settings(settings: DominanceSettings | None = None, **overrides) -> DominanceSettings:
    """The settings to use: ``settings`` (or the defaults) with keyword ``overrides`` applied."""
    base = settings if settings is not None else DominanceSettings()
    if not isinstance(base, DominanceSettings):
        raise TypeError(f"settings must be a DominanceSettings, not {type(base).__name__}")
    names = {f.name for f in fields(DominanceSettings)}
    unknown = set(overrides) - names
    if unknown:
        raise TypeError(f"unknown dominance setting(s) {sorted(unknown)}; known: {sorted(names)}")
    return replace(base, **overrides) if overrides else base
