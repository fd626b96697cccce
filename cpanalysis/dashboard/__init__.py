"""The Voilà dashboard: a model (state), library results, pages (overview, community), exports,
views (widgets only), and build_app(). Community and district names, or their codes when the
codes-only option is ticked, come from one place: :mod:`cpanalysis.dashboard.places`.

``notebooks/dashboard.ipynb`` is two cells (the page shows first, then the data load)::

    from cpanalysis.dashboard import build_app
    app = build_app(load=False)
    app

    app.start()
"""

from .model import DashboardModel
from .app import build_app

__all__ = ["DashboardModel", "build_app"]
