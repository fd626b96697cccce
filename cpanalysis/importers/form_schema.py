"""What an importer needs to know about the XLSForm: each question's path, labels and choices.

Exports name their columns after the form: XML names or labels (in one of the form's languages),
with or without the enclosing groups, joined with ``/`` or ``.`` (KoboToolbox) or ``-`` (ODK
Central). :class:`FormSchema` lists every way a question can appear as a column header, so that an
export's headers are recognised exactly (a label may itself contain ``/``), and maps choice labels
back to choice names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Separators the platforms put between group names in column headers.
SEPARATORS = ("/", ".", "-")
#: The question that identifies a submission of each form the importers read (session, follow-up visit).
KEY_QUESTIONS = ("session_id", "visit_date")
#: Kinds of questions whose answer holds several choice names separated by spaces.
MULTI_KINDS = ("select_multiple", "rank")
_EQUALS = re.compile(r"""\s*\$\{(\w+)\}\s*=\s*['"]([^'"]*)['"]\s*""")


@dataclass
class Question:
    """One question of the form, as exports show it."""

    name: str
    kind: str                              # select_one, select_multiple, rank, text, integer, ...
    list_name: str | None
    path: tuple[str, ...]                  # enclosing groups and repeats, outermost first
    repeat: str | None                     # innermost enclosing repeat (None: the main table)
    labels: dict[str, str] = field(default_factory=dict)   # language ("" = default) -> label


@dataclass
class Repeat:
    """A repeat group: its parent repeat (None: the main table) and when the form shows it."""

    name: str
    parent: str | None
    relevant: str | None


class FormSchema:
    """The questions, groups, repeats and choices of an XLSForm read by :func:`cpanalysis.forms.read_form`.

    Examples
    --------
    >>> from cpanalysis.forms import read_form, shipped_form_path
    >>> schema = FormSchema(read_form(shipped_form_path()))
    >>> schema.questions["item_harm"].path
    ('rankings', 'items')
    >>> schema.repeats["items"].parent
    'rankings'
    >>> schema.choice_name("harm", "Children out of school")
    'out_of_school'
    """

    def __init__(self, form: dict):
        self.form_id = str(form.get("form_id") or "")
        self.title = str(form.get("title") or "")
        self.file = form.get("file")
        self.questions: dict[str, Question] = {}
        self.repeats: dict[str, Repeat] = {}
        self.group_labels: dict[str, dict[str, str]] = {}
        self.languages: set[str] = {""}
        stack: list[tuple[str, bool]] = []      # (name, is_repeat)
        for row in form["survey"]:
            kind_text = str(row.get("type") or "").strip()
            name = str(row.get("name") or "").strip()
            labels = self._labels(row)
            words = kind_text.replace("begin group", "begin_group").replace("begin repeat", "begin_repeat") \
                .replace("end group", "end_group").replace("end repeat", "end_repeat").split()
            if not words:
                continue
            kind = words[0]
            if kind in ("begin_group", "begin_repeat"):
                repeat = kind == "begin_repeat"
                if repeat:
                    parent = next((n for n, r in reversed(stack) if r), None)
                    self.repeats[name] = Repeat(name, parent, _text(row.get("relevant")))
                self.group_labels[name] = labels
                stack.append((name, repeat))
            elif kind in ("end_group", "end_repeat"):
                if stack:
                    stack.pop()
            elif name:
                repeat = next((n for n, r in reversed(stack) if r), None)
                list_name = words[1] if len(words) > 1 and kind in ("select_one", "select_multiple", "rank") else None
                self.questions[name] = Question(name, kind, list_name, tuple(n for n, _ in stack), repeat, labels)
        main_questions = [q for q in self.questions.values() if q.repeat is None]
        #: the question every submission of this form answers and no other form read here has
        self.key_question = next((k for k in KEY_QUESTIONS if any(q.name == k for q in main_questions)),
                                 KEY_QUESTIONS[0])
        self._lookups: dict[tuple, dict[str, str]] = {}
        self.choices: dict[str, dict[str, dict[str, str]]] = {}     # list -> name -> language -> label
        for row in form["choices"]:
            list_name, name = _text(row.get("list_name")), _text(row.get("name"))
            if list_name and name:
                self.choices.setdefault(list_name, {})[name] = self._labels(row)

    def _labels(self, row: dict) -> dict[str, str]:
        out = {}
        for key, value in row.items():
            key = str(key)
            text = _text(value)
            if text is None:
                continue
            if key == "label":
                out[""] = text
            elif key.startswith("label::"):
                language = key[len("label::"):].strip()
                out[language] = text
                self.languages.add(language)
        return out

    def label(self, labels: dict[str, str], language: str | None, name: str) -> str:
        """The label in ``language`` (None: the XML name), falling back to the default label, then the name."""
        if language is None:
            return name
        return labels.get(language) or labels.get("") or name

    def table_of(self, repeat: str | None) -> list[Question]:
        """The questions stored in one table of an export (the main table for ``None``)."""
        return [q for q in self.questions.values() if q.repeat == repeat]

    def headers(self, repeat: str | None, separator: str, language: str | None) -> dict[str, tuple[str, str | None]]:
        """Every header a question of this table can have -> (question name, option or None).

        A header is the question's path (any trailing part of it, so with or without the groups)
        joined with ``separator``; ``language`` None means XML names, else labels in that language.
        Split select_multiple columns are the question's header, the separator and the option.
        """
        out: dict[str, tuple[str, str | None]] = {}
        for question in self.table_of(repeat):
            parts = [self.label(self.group_labels.get(g, {}), language, g) for g in question.path]
            parts.append(self.label(question.labels, language, question.name))
            for start in range(len(parts) - 1, -1, -1):
                header = separator.join(parts[start:])
                out.setdefault(header, (question.name, None))
                if question.kind == "select_multiple":
                    for option, labels in self.choices.get(question.list_name, {}).items():
                        shown = self.label(labels, language, option)
                        # ODK Central joins the option with "/" whatever joins the groups
                        for joiner in dict.fromkeys((separator, "/")):
                            out.setdefault(header + joiner + shown, (question.name, option))
                            out.setdefault(header + joiner + option, (question.name, option))
        return out

    def choice_name(self, list_name: str | None, value: str, language: str | None = "") -> str | None:
        """The choice name of ``value`` (a name, or a label in ``language`` or any language), else None."""
        key = (list_name or "", language)
        lookup = self._lookups.get(key)
        if lookup is None:
            options = self.choices.get(list_name or "", {})
            lookup = {}
            for name, labels in options.items():      # any language, then the export's, then names win
                for label in labels.values():
                    lookup.setdefault(label, name)
            if language is not None:
                lookup.update({labels[language]: name for name, labels in options.items() if language in labels})
            lookup.update({name: name for name in options})
            self._lookups[key] = lookup
        return lookup.get(value)

    def choice_names(self, list_name: str | None, value: str, language: str | None = "") -> str:
        """A space-separated answer (select_multiple, rank) as names; labels may contain spaces.

        Each run of words is read as the longest choice name or label it starts with; words that
        match nothing are kept as they are (validation then reports them).
        """
        words = value.split()
        if all(self.choice_name(list_name, w, language) == w for w in words):
            return " ".join(words)
        out, i = [], 0
        while i < len(words):
            for j in range(len(words), i, -1):
                name = self.choice_name(list_name, " ".join(words[i:j]), language)
                if name is not None:
                    out.append(name)
                    i = j
                    break
            else:
                out.append(words[i])
                i += 1
        return " ".join(out)

    def relevant_values(self, repeat: str) -> list[tuple[str, str]] | None:
        """``[(question, value), ...]`` when the repeat's ``relevant`` is ``${q} = 'v' or ...``; None otherwise.

        An empty list means the repeat has no condition (always shown).
        """
        text = self.repeats[repeat].relevant
        if not text:
            return []
        out = []
        for clause in re.split(r"\s+or\s+", text.strip()):
            match = _EQUALS.fullmatch(clause)
            if match is None:
                return None
            out.append((match.group(1), match.group(2)))
        return out


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    text = str(value).strip()
    return text or None
