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
              load: bool = True):
    """The dashboard widget for ``path`` (default :func:`default_path`).

    With ``load=False`` the data are loaded by ``view.start()``: the notebook shows the widget
    first, so the first load shows its progress in words ("Loading 12 communities...").
    """
    from .views import DashboardView

    model = DashboardModel(downloads=downloads, settings=settings)
    view = DashboardView(model)
    target = path or default_path()

    def start() -> None:  # returns nothing: the notebook's last cell would print the loader's True
        model.load_path(target)

    view.start = start
    if load:
        view.start()
    else:
        model.status = f"Starting: loading {os.path.basename(str(target).rstrip('/')) or 'the data'}..."
    return view
