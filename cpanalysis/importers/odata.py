"""ODK Central's OData feed (through pyODK): submissions with their repeats, as an :class:`Export`."""

from __future__ import annotations

from ._core import Export
from ..problems import Problem


def export_from_odata(payload: dict, name: str = "ODK Central") -> Export:  # filled in below
    raise NotImplementedError


def pull_odk_central(*args, **kwargs):  # filled in below
    raise NotImplementedError
