"""Connector: build the model, load the data once, build the view."""

from __future__ import annotations

import os

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


def build_app(path: str | None = None, *, downloads: str | None = None):
    """The dashboard widget for ``path`` (default :func:`default_path`); display it in a notebook."""
    from .views import DashboardView

    model = DashboardModel(downloads=downloads)
    model.load_path(path or default_path())  # the heavy work, once per kernel
    return DashboardView(model)
