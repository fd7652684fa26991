"""The web front end of dateline: HTML pages and a JSON API over one read-only Archive.

>>> from dateline.web import create_app                 # doctest: +SKIP
>>> app = create_app("kbs.dateline")                    # doctest: +SKIP
"""

from __future__ import annotations

from dateline.web.app import create_app

__all__ = ["create_app"]
