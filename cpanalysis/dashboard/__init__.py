"""The Voilà dashboard: a model (state), library results, pages (overview, community), exports,
views (widgets only), and build_app().

``notebooks/dashboard.ipynb`` is one cell::

    from cpanalysis.dashboard import build_app
    build_app(show=True);
"""

from .model import DashboardModel
from .app import build_app

__all__ = ["DashboardModel", "build_app"]
