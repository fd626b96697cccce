"""The Voilà dashboard: a model (state and library calls), views (widgets only), and build_app().

``notebooks/dashboard.ipynb`` is two cells::

    from cpanalysis.dashboard import build_app
    build_app()
"""

from .model import DashboardModel
from .app import build_app

__all__ = ["DashboardModel", "build_app"]
