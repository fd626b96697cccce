"""The data contract, version 2: which tables a dataset holds and what their columns mean.

This module is declarative. ``TABLES`` describes every table and column once; the validator
(:mod:`cpanalysis.validation`), the documentation (``docs/data-contract.md``) and the importers all
read it, so a change here changes them all.

Version 2 adds two optional tables, ``actions`` (the actions a community agreed on a harm) and
``action_updates`` (their follow-up). A version 1 dataset has neither and stays valid: every table
records the version that introduced it (``Table.since``) and :func:`contract_version_of` tells which
version a dataset needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTRACT_VERSION = "2"
#: Versions whose datasets this code reads (each version only adds optional tables).
SUPPORTED_CONTRACT_VERSIONS = ("1", "2")

GENDERS = ("female", "male", "other", "unknown")
AGE_GROUPS = ("child", "youth", "adult", "elder")
SESSION_FORMATS = ("community_meeting", "small_group", "home_visit", "planning_group")
TURN_KINDS = ("proposal", "support", "objection", "question", "other")
PAIRWISE_CHOICES = ("harm_a", "harm_b", "tie")

#: Who leads an action, and the kinds of partners it may have (contract v2).
ACTION_LEADS = ("community_group", "planning_group", "subgroup", "government", "service_provider", "ngo_agency",
                "other")
#: Leads that belong to the community itself (ownership); ``ngo_agency`` is the facilitating agency.
COMMUNITY_LEADS = ("community_group", "planning_group", "subgroup")
#: Partners or leads from government or services (working with the formal system).
FORMAL_SYSTEM = ("government", "service_provider")
ACTION_RESOURCES = ("none", "community", "agency", "government")
ACTION_STATUSES = ("planned", "started", "done", "dropped", "stalled")
#: Statuses after which an action has no other status.
FINAL_STATUSES = ("done", "dropped")
#: The ``proposed_by`` value of an action the planning group proposed as a whole.
PLANNING_GROUP = "planning_group"


#: Harms that community-led child protection programmes commonly consider, as (harm_id, label,
#: sensitive). The simulator and the shipped XLSForm start from this list; a programme uses its own.
COMMON_HARMS: tuple[tuple[str, str, bool], ...] = (
    ("out_of_school", "Children out of school", False),
    ("teenage_pregnancy", "Teenage pregnancy", False),
    ("heavy_work", "Heavy work", False),
    ("not_with_parents", "Maltreatment of children not living with their parents", False),
    ("early_marriage", "Early marriage", False),
    ("physical_punishment", "Physical punishment", False),
    ("sexual_abuse", "Sexual abuse", True),
    ("neglect", "Neglect", False),
)


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    ``kind`` is one of ``id`` (a text identifier), ``text``, ``int``, ``number``, ``bool``,
    ``date`` or ``category`` (text from ``categories``). ``minimum`` applies to numbers.
    ``references`` names the table whose id column this column must point into. ``word_list``
    makes a ``text`` column a list of those words separated by spaces (an XLSForm
    ``select_multiple`` answer), checked by :mod:`cpanalysis.action_checks`.
    """

    name: str
    kind: str
    required: bool = True
    nullable: bool = False
    unique: bool = False
    categories: tuple[str, ...] | None = None
    word_list: tuple[str, ...] | None = None
    minimum: float | None = None
    references: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One table of the contract: its columns, whether a dataset must have it, the version that added it."""

    name: str
    columns: tuple[Column, ...]
    required: bool = True
    description: str = ""
    key: tuple[str, ...] = field(default_factory=tuple)
    since: str = "1"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns if col.required)


def _c(name: str, kind: str, **kwargs) -> Column:
    return Column(name, kind, **kwargs)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "communities",
            (
                _c("community_id", "id", unique=True, description="Pseudonymous community code."),
                _c("name", "text", description="Community name as used by staff."),
                _c("district", "text", required=False, nullable=True),
            ),
            description="One row per community.",
        ),
        Table(
            "population",
            (
                _c("community_id", "id", references="communities"),
                _c("subgroup", "text", description="A subgroup name of the dataset's scheme."),
                _c("count", "int", minimum=0),
            ),
            required=False,
            description="How many people of each subgroup live in the community (for representation).",
            key=("community_id", "subgroup"),
        ),
        Table(
            "harms",
            (
                _c("harm_id", "id", unique=True),
                _c("label", "text"),
                _c("sensitive", "bool", required=False, nullable=True),
            ),
            description="The harms to children a community may choose to address.",
        ),
        Table(
            "participants",
            (
                _c("participant_id", "id", unique=True, description="Pseudonymous code, never a name."),
                _c("community_id", "id", references="communities"),
                _c("gender", "category", categories=GENDERS),
                _c("age_group", "category", categories=AGE_GROUPS),
                _c("elite", "bool", description="Chief, religious leader, councillor, committee member, wealthy family."),
                _c("elite_role", "text", required=False, nullable=True),
                _c("marginalised", "bool", required=False, nullable=True),
                _c("marginalised_reason", "text", required=False, nullable=True,
                   description="disability, poorest, minority, displaced, ..."),
            ),
            required=False,
            description="Individual participants (optional: some programmes only keep head counts).",
        ),
        Table(
            "sessions",
            (
                _c("session_id", "id", unique=True),
                _c("community_id", "id", references="communities"),
                _c("date", "date"),
                _c("cycle", "int", minimum=1),
                _c("format", "category", categories=SESSION_FORMATS),
                _c("convened_for", "text", required=False, nullable=True,
                   description="The subgroup a small group was convened for."),
                _c("duration_min", "number", required=False, nullable=True, minimum=0),
                _c("facilitator_id", "id", required=False, nullable=True),
            ),
            description="Meetings, small groups, home visits and planning-group sessions.",
        ),
        Table(
            "attendance",
            (
                _c("session_id", "id", references="sessions"),
                _c("participant_id", "id", references="participants"),
            ),
            required=False,
            description="Who attended which session (individual level).",
            key=("session_id", "participant_id"),
        ),
        Table(
            "attendance_counts",
            (
                _c("session_id", "id", references="sessions"),
                _c("subgroup", "text"),
                _c("count", "int", minimum=0),
            ),
            required=False,
            description="Head counts by subgroup, instead of attendance, when no roster was kept.",
            key=("session_id", "subgroup"),
        ),
        Table(
            "turns",
            (
                _c("session_id", "id", references="sessions"),
                _c("turn", "int", minimum=1),
                _c("participant_id", "id", required=False, nullable=True, references="participants"),
                _c("subgroup", "text", required=False, nullable=True,
                   description="The speaker's subgroup when only the category was noted."),
                _c("duration_s", "number", required=False, nullable=True, minimum=0),
                _c("kind", "category", required=False, nullable=True, categories=TURN_KINDS),
                _c("harm_id", "id", required=False, nullable=True, references="harms"),
                _c("interrupted", "bool", required=False, nullable=True),
            ),
            required=False,
            description="Speaking turns, in order. Each row names a participant_id or a subgroup.",
            key=("session_id", "turn"),
        ),
        Table(
            "rankings",
            (
                _c("session_id", "id", references="sessions"),
                _c("ranker", "id", description="A subgroup name (group ranking) or a participant_id."),
                _c("harm_id", "id", references="harms"),
                _c("rank", "int", required=False, nullable=True, minimum=1),
                _c("score", "number", required=False, nullable=True, minimum=0),
            ),
            description="Harm rankings: rank (1 = most important; equal ranks are ties) and/or score.",
            key=("session_id", "ranker", "harm_id"),
        ),
        Table(
            "pairwise",
            (
                _c("session_id", "id", references="sessions"),
                _c("ranker", "id"),
                _c("harm_a", "id", references="harms"),
                _c("harm_b", "id", references="harms"),
                _c("preferred", "category", categories=PAIRWISE_CHOICES),
            ),
            required=False,
            description="Pairwise ranking: which of two harms the ranker found more important.",
        ),
        Table(
            "decisions",
            (
                _c("community_id", "id", references="communities"),
                _c("session_id", "id", references="sessions"),
                _c("harm_id", "id", references="harms"),
                _c("priority", "int", minimum=1, description="1 = the first harm chosen."),
            ),
            description="The harm(s) the community chose to address, in priority order.",
            key=("community_id", "harm_id"),
        ),
        Table(
            "actions",
            (
                _c("action_id", "id", unique=True, description="Code of the action."),
                _c("community_id", "id", references="communities"),
                _c("harm_id", "id", references="harms", description="The harm the action addresses."),
                _c("cycle", "int", minimum=1, description="The planning cycle in which it was agreed."),
                _c("description", "text", required=False, nullable=True,
                   description="What will be done, in free text. Never shown outside the data folder "
                               "unless `shareable` is true."),
                _c("shareable", "bool", required=False, nullable=True,
                   description="May the description and update notes be shown in reports and dashboards? "
                               "Missing means no."),
                _c("proposed_by", "id",
                   description="Who proposed it: a subgroup (`girls`, ..., `elites`, `disability`, ...), a "
                               "participant_id of the same community, or `planning_group`."),
                _c("session_id", "id", required=False, nullable=True, references="sessions",
                   description="The session where it was agreed (same community and cycle)."),
                _c("lead", "category", categories=ACTION_LEADS,
                   description="Who leads it; `ngo_agency` is the facilitating agency."),
                _c("partners", "text", required=False, nullable=True, word_list=ACTION_LEADS,
                   description="Who else takes part: any of the lead kinds, separated by spaces."),
                _c("due_date", "date", required=False, nullable=True),
                _c("resources", "category", required=False, nullable=True, categories=ACTION_RESOURCES,
                   description="Whose resources it mainly uses."),
            ),
            required=False,
            description="The actions a community agreed on to address a chosen harm (contract v2).",
            since="2",
        ),
        Table(
            "action_updates",
            (
                _c("action_id", "id", description="An action_id of `actions`."),
                _c("date", "date", description="When the status was observed."),
                _c("status", "category", categories=ACTION_STATUSES,
                   description="`done` and `dropped` are final; `planned` comes before any other status."),
                _c("note", "text", required=False, nullable=True,
                   description="Free text, shown outside the data folder only when its action is shareable."),
            ),
            required=False,
            description="Follow-up of the actions: one row per status observed (contract v2).",
            since="2",
        ),
    )
}

TABLE_ORDER: tuple[str, ...] = tuple(TABLES)

#: Columns the loader adds. They are recomputed on every load and dropped on save.
DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {
    "participants": ("subgroup", "status"),
    "attendance": ("community_id", "subgroup", "elite", "marginalised"),
    "attendance_counts": ("community_id",),
    "turns": ("community_id", "speaker_subgroup", "elite", "marginalised"),
    "rankings": ("community_id", "ranker_type", "subgroup", "elite"),
    "pairwise": ("community_id",),
}


def describe_column(col: Column) -> str:
    """A column's type and rule in words, as the contract documentation shows it."""
    words = {"id": "text id", "text": "text", "int": "whole number", "number": "number",
             "bool": "yes/no", "date": "date (YYYY-MM-DD)", "category": "one of"}[col.kind]
    if col.categories:
        words += " " + ", ".join(f"`{c}`" for c in col.categories)
    if col.minimum is not None:
        words += f", >= {col.minimum:g}"
    if col.unique:
        words += ", unique"
    if col.word_list:
        words = "words from " + ", ".join(f"`{c}`" for c in col.word_list) + ", separated by spaces"
    if col.references:
        words += f", must be in `{col.references}`"
    return words


def contract_version_of(tables) -> str:
    """The contract version a dataset needs: the newest ``since`` among the tables it holds.

    Examples
    --------
    >>> contract_version_of(["communities", "sessions", "rankings"])
    '1'
    >>> contract_version_of({"communities": None, "actions": None})
    '2'
    """
    versions = [TABLES[name].since for name in tables if name in TABLES]
    return max(versions, key=int, default="1")


def contract_markdown() -> str:
    """The contract's tables as Markdown (docs/data-contract.md embeds this text; a test keeps it in sync)."""
    lines = []
    for table in TABLES.values():
        need = "required" if table.required else "optional"
        if table.since != "1":
            need += f", since contract v{table.since}"
        lines += [f"### `{table.name}` ({need})", "", table.description, "",
                  "| column | required | type and rule | meaning |", "|---|---|---|---|"]
        for col in table.columns:
            lines.append(f"| `{col.name}` | {'yes' if col.required else 'no'} | {describe_column(col)} | {col.description} |")
        if table.key:
            lines += ["", "Each (" + ", ".join(f"`{k}`" for k in table.key) + ") appears at most once."]
        lines.append("")
    return "\n".join(lines)
