"""Reports people can hand over: the programme report and a printable community story.

``cpanalysis report DATA -o report.html`` writes one self-contained HTML page: a one-page programme
summary (headlines, the community x group overview, the readings), then one section per community
in plain words, then the words used, the settings, the version, the data fingerprint and the seed.
``--community C03 --format pdf`` (or html) writes a two-page community story for a feedback
meeting, with a third page for the community's action plan when it has one. Every sentence, table and chart comes from :mod:`cpanalysis.story` (the same
story the dashboard shows, with the same :class:`cpanalysis.Settings`); nothing is computed here.
The page has no script and no external reference, so it works offline; charts are inline SVG with
alt text. ``notebooks/report.ipynb`` shows the same page inside Jupyter.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..settings import Settings, resolve_settings
from .provenance import canonical_csv, fingerprint, report_info
from .provenance import where_counted as _where

DEFAULT_TITLE = "Inclusiveness of community planning"


# --- data ---------------------------------------------------------------------------------------

def subset(data, communities) -> "object":
    """The dataset restricted to some communities (all harms kept).

    Examples
    --------
    >>> import cpanalysis
    >>> subset(cpanalysis.simulate(3, seed=2), ["C02"]).summary()["communities"]
    1
    """
    from ..dataset import Dataset

    if not communities:
        return data
    wanted = set(map(str, communities))
    unknown = wanted - set(data.communities["community_id"])
    if unknown:
        raise ValueError(f"unknown community id(s): {', '.join(sorted(unknown))}; "
                         f"the dataset has {', '.join(data.communities['community_id'])}")
    sessions = set(data.sessions.loc[data.sessions["community_id"].isin(wanted), "session_id"])
    out = {}
    # rows of a checked dataset, filtered consistently, stay valid: no need to check them again
    for name, frame in data.tables.items():
        if "community_id" in frame:
            frame = frame[frame["community_id"].isin(wanted)]
        elif "session_id" in frame:
            frame = frame[frame["session_id"].isin(sessions)]
        out[name] = frame.reset_index(drop=True)
    if "action_updates" in out and "actions" in out:  # updates name their action, not a community
        updates = out["action_updates"]
        out["action_updates"] = updates[updates["action_id"].isin(out["actions"]["action_id"])].reset_index(drop=True)
    return Dataset(out, scheme=data.scheme, source=f"{data.source} (communities {', '.join(sorted(wanted))})",
                   file_format=data.file_format)


# --- building the pages --------------------------------------------------------------------------

def _say(progress: bool, message: str) -> None:
    if progress:
        print(message, file=sys.stderr, flush=True)


def report_html(data, settings: Settings | None = None, *, communities=None, codes_only: bool = False,
                title: str = DEFAULT_TITLE, analysis: dict | None = None, progress: bool = False) -> str:
    """The programme report as one self-contained HTML page (see the module docstring).

    Parameters
    ----------
    data : Dataset
    settings : Settings, optional
        The same settings as the dashboard (``Settings()`` by default).
    communities : list of str, optional
        Only these communities (the readings then cover only them).
    codes_only : bool
        Name communities by their code only (for reports that leave the organisation).
    title : str
        The page's title.

    Returns
    -------
    str

    Examples
    --------
    >>> import cpanalysis
    >>> page = report_html(cpanalysis.simulate(2, seed=3), cpanalysis.Settings(n_perm=100, n_boot=20))
    >>> "<title>Inclusiveness of community planning</title>" in page, "http" in page
    (True, False)
    """
    from ..story import programme_story, story_analysis
    from . import svg
    from .pages import about_block, badge, community_block, esc, glossary_block, page, table_html

    s = resolve_settings(settings)
    _say(progress, f"report: analysing {len(communities or data.communities)} communities...")
    analysis = analysis or story_analysis(data, s, codes_only=codes_only, communities=communities)
    prog = programme_story(data, analysis=analysis)
    where = _where(analysis)
    hidden = f"hidden (fewer than {s.min_count})"
    info = report_info(data, s)
    body = [f"<h1>{esc(title)}</h1>",
            f"<p class='meta'>{len(prog.stories)} communities; dataset {esc(info['Dataset'])}; "
            f"cpanalysis {esc(info['cpanalysis version'])}. "
            "<a href='#about'>Settings, version and data fingerprint</a> are at the end.</p>",
            "<section id='summary'><h2>Programme summary</h2><ul class='headlines'>",
            *[f"<li>{esc(h)}</li>" for h in prog.headlines], "</ul>"]
    if len(prog.overview):
        alt = ("Grid of communities (rows) by group (columns): 'yes' where the group's top priority was part of "
               "the community's decision, 'no' where it was not, '-' where fewer than "
               f"{s.min_count} people of the group ranked.")
        picture = svg.overview_chart(prog.overview, alt, hidden_text=hidden, uid="overview")
        body.append(f"<figure>{picture}<figcaption>{esc(alt)}</figcaption></figure>")
    rows = []
    for r in prog.communities.itertuples():
        story = prog.stories[r.community_id]
        rows.append(f"<tr><td><a href='#community-{esc(r.community_id)}'>{esc(story.title)}</a></td>"
                    f"<td>{esc(r.decision or 'none recorded')}</td><td>{badge(r.level)}</td>"
                    f"<td>{esc(r.focus_top_harm if isinstance(r.focus_top_harm, str) else hidden)}</td></tr>")
    body.append("<table class='communities'><thead><tr><th scope='col'>Community</th><th scope='col'>Decision</th>"
                "<th scope='col'>Reading</th><th scope='col'>Girls' top priority</th></tr></thead><tbody>"
                + "".join(rows) + "</tbody></table>")
    body.append(f"<p class='scope'>{esc(prog.scope)}</p>")
    over = prog.overview[["Community", "Group", "Top priority", "In the decision?", "Reading"]]
    body.append("<details><summary>Every group's top priority, community by community</summary>"
                + table_html(over) + "</details></section>")
    for number, (cid, story) in enumerate(prog.stories.items(), start=1):
        _say(progress, f"report: community {number}/{len(prog.stories)} ({cid})")
        body.append(community_block(story, s, where))
    body.append(glossary_block(prog.glossary))
    body.append(about_block(s, info))
    return page(title, "".join(body))


def community_html(data, community_id: str, settings: Settings | None = None, *, codes_only: bool = False,
                   analysis: dict | None = None) -> str:
    """A printable community story (HTML): the story's plain words and pictures first, the
    statistics last (collapsed), then the settings, version and fingerprint.

    Examples
    --------
    >>> import cpanalysis
    >>> page = community_html(cpanalysis.simulate(2, seed=3), "C02", cpanalysis.Settings(n_perm=100, n_boot=20))
    >>> "C02" in page and "C01" not in page
    True
    """
    from ..story import community_story, story_analysis
    from .pages import about_block, community_block, glossary_block, page

    s = resolve_settings(settings)
    analysis = analysis or story_analysis(data, s, codes_only=codes_only, communities=[community_id])
    story = community_story(data, community_id, analysis=analysis)
    body = community_block(story, s, _where(analysis), heading_level=1)
    glossary = {k: v for k, v in story.glossary.items() if not k.startswith(("p-value", "q-value", "detect"))}
    return page(f"Community story: {story.title}",
                body + glossary_block(glossary) + about_block(s, report_info(data, s)))


def write_report(data, output, *, fmt: str = "html", communities=None, settings: Settings | None = None,
                 codes_only: bool = False, title: str = DEFAULT_TITLE, progress: bool = False) -> Path:
    """Write the programme report (no ``communities``, HTML) or community stories (HTML or PDF).

    With ``communities`` the file holds those communities' stories (HTML: one after the other;
    PDF: two pages each, and a third with the action plan when the community has actions).

    Returns
    -------
    Path
        The file written.
    """
    from ..story import story_analysis

    s = resolve_settings(settings)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt not in ("html", "pdf"):
        raise ValueError(f"format must be 'html' or 'pdf', not {fmt!r}")
    if fmt == "html" and not communities:
        output.write_text(report_html(data, s, codes_only=codes_only, title=title, progress=progress),
                          encoding="utf-8")
        return output
    ids = list(communities or data.communities["community_id"].astype(str))
    _say(progress, f"report: analysing {len(ids)} communit{'y' if len(ids) == 1 else 'ies'}...")
    analysis = story_analysis(data, s, codes_only=codes_only, communities=ids)
    if fmt == "pdf":
        from .printable import community_pdf

        return community_pdf(data, ids, output, s, analysis=analysis)
    pages = [community_html(data, c, s, analysis=analysis) for c in ids]
    if len(pages) == 1:
        output.write_text(pages[0], encoding="utf-8")
    else:
        first, *rest = pages
        bodies = [p[p.index("<body>") + 6:p.index("</body>")] for p in rest]
        output.write_text(first.replace("</body>", "".join(bodies) + "</body>"), encoding="utf-8")
    return output


def notebook_path() -> Path:
    """The report notebook: ``notebooks/report.ipynb`` in a checkout, else the copy in ``cpanalysis/resources``."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "notebooks" / "report.ipynb", here / "resources" / "report.ipynb"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(2, "the report notebook was not found", str(here / "resources" / "report.ipynb"))


__all__ = ["DEFAULT_TITLE", "canonical_csv", "community_html", "fingerprint", "notebook_path", "report_html",
           "report_info", "subset", "write_report"]
