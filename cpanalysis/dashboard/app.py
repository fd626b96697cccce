"""Connector: show the view at once (with "loading..." in words), then load the data."""

from __future__ import annotations

import os

from cpanalysis import Settings

from .model import DashboardModel


def default_path() -> str:
    """The dataset to show: ``$CPANALYSIS_DATA``, else the bundled sample."""
    import cpanalysis

    path = os.environ.get("CPANALYSIS_DATA")
    if path:
        return path
    try:
        return str(cpanalysis.sample_path())
    except FileNotFoundError:
        return ""


def build_app(path: str | None = None, *, downloads: str | None = None, settings: Settings | None = None,
              show: bool = False):
    """The dashboard widget for ``path`` (default :func:`default_path`).

    With ``show=True`` the widget is displayed before the data are loaded, so the first load shows
    its progress in words ("Loading 12 communities...").
    """
    from .views import DashboardView

    model = DashboardModel(downloads=downloads, settings=settings)
    view = DashboardView(model)
    if show:
        from IPython.display import display

        model.status = "Starting: reading the data..."
        display(view)
    model.load_path(path or default_path())
    return view
