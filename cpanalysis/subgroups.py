"""Subgroup schemes: how a participant's gender and age group map to the subgroup they belong to.

The default scheme follows how small groups are convened in community-led child protection:
girls and boys (children), women and men (youth and adults), and elders. Elite and marginalised
are cross-cutting statuses, not subgroups. A dataset can bring its own scheme as a small table
``subgroups`` (a ``subgroups.csv`` beside the other CSV files, or a ``subgroups`` sheet) with the
columns ``gender``, ``age_group`` and ``subgroup``; ``*`` matches anything and the first matching
row wins. For example, a scheme that keeps youth apart puts ``female,youth,young women`` above
``female,*,women``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

WILDCARD = "*"

#: Group labels that may rank or be convened besides the scheme's subgroups.
STATUS_GROUPS = ("elites", "marginalised")


@dataclass(frozen=True)
class SubgroupScheme:
    """An ordered list of rules ``(gender, age_group) -> subgroup``.

    Examples
    --------
    >>> scheme = SubgroupScheme.default()
    >>> scheme.subgroups
    ('girls', 'boys', 'women', 'men', 'elders', 'children', 'adults')
    >>> scheme.assign(pd.Series(["female", "male"]), pd.Series(["child", "elder"])).tolist()
    ['girls', 'elders']
    """

    rules: tuple[tuple[str, str, str], ...]
    name: str = "default"

    @classmethod
    def default(cls) -> "SubgroupScheme":
        """The default scheme of the data contract: girls, boys, women, men, elders, children, adults."""
        return cls(
            (
                ("female", "child", "girls"),
                ("male", "child", "boys"),
                ("female", "youth", "women"),
                ("female", "adult", "women"),
                ("male", "youth", "men"),
                ("male", "adult", "men"),
                (WILDCARD, "elder", "elders"),
                (WILDCARD, "child", "children"),
                (WILDCARD, WILDCARD, "adults"),
            ),
            name="default",
        )

    @classmethod
    def from_table(cls, table: pd.DataFrame, name: str = "dataset") -> "SubgroupScheme":
        """Build a scheme from a table with columns ``gender``, ``age_group`` and ``subgroup``."""
        missing = {"gender", "age_group", "subgroup"} - set(table.columns)
        if missing:
            raise ValueError(f"a subgroup scheme needs the columns gender, age_group, subgroup; missing {sorted(missing)}")
        if len(set(map(str, table.columns))) != table.shape[1]:
            raise ValueError("a subgroup scheme names each of its columns once")
        cells = table[["gender", "age_group", "subgroup"]]
        blank = [i + 2 for i, row in enumerate(cells.itertuples(index=False))
                 if any(pd.isna(v) or not str(v).strip() for v in row)]
        if blank:
            raise ValueError(f"a subgroup scheme has a blank cell on line(s) {', '.join(map(str, blank[:20]))}; "
                             "write * to match anything")
        if len(cells) == 0:
            raise ValueError("a subgroup scheme needs at least one rule")
        rules = tuple(
            (str(g).strip().lower(), str(a).strip().lower(), str(s).strip())
            for g, a, s in cells.itertuples(index=False)
        )
        return cls(rules, name=name)

    def to_table(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.rules), columns=["gender", "age_group", "subgroup"])

    @property
    def subgroups(self) -> tuple[str, ...]:
        """The subgroup names, in the order of the rules (the order used in tables and plots)."""
        return tuple(dict.fromkeys(rule[2] for rule in self.rules))

    def assign(self, gender: pd.Series, age_group: pd.Series) -> pd.Series:
        """The subgroup of each person; missing where no rule matches."""
        # Missing values match no named rule (only "*"); compared as "" so that NA never reaches numpy.
        gender = gender.astype("string").fillna("").to_numpy(dtype=object)
        age_group = age_group.astype("string").fillna("").to_numpy(dtype=object)
        result = np.full(len(gender), None, dtype=object)
        unassigned = np.ones(len(gender), dtype=bool)
        for rule_gender, rule_age, subgroup in self.rules:
            match = unassigned.copy()
            if rule_gender != WILDCARD:
                match &= gender == rule_gender
            if rule_age != WILDCARD:
                match &= age_group == rule_age
            result[match] = subgroup
            unassigned &= ~match
        return pd.Series(result, dtype="string")


def status_of(elite: pd.Series, marginalised: pd.Series) -> pd.Series:
    """``elite``, ``marginalised`` or ``general``; elite status takes precedence when both hold."""
    status = np.where(elite.fillna(False).astype(bool), "elite",
                      np.where(marginalised.fillna(False).astype(bool), "marginalised", "general"))
    return pd.Series(status, index=elite.index, dtype="string")


#: Reasons for marginalisation that a group ranker or small group may be named after.
KNOWN_MARGINALISED_REASONS = ("disability", "poorest", "minority", "displaced")


def group_labels(scheme: SubgroupScheme, participants: pd.DataFrame | None) -> set[str]:
    """Names a group ranker or a small group may carry: subgroups, statuses, marginalised reasons.

    Examples
    --------
    >>> sorted(group_labels(SubgroupScheme.default(), None))[:3]
    ['adults', 'boys', 'children']
    """
    labels = set(scheme.subgroups) | set(STATUS_GROUPS) | set(KNOWN_MARGINALISED_REASONS)
    if participants is not None and "marginalised_reason" in participants:
        labels |= set(participants["marginalised_reason"].dropna().astype(str))
    return labels
