"""The time side of :class:`dateline.Archive` (mixed into it): timelines, threads, dups."""

from __future__ import annotations

from typing import Any


class AnalysisMixin:
    """Timeline, co-occurrence, thread, near-duplicate and term methods of Archive."""

    def analysis_extras(self, story_id: str) -> dict[str, Any]:
        """Near-duplicates ("also appears as") and thread of a story, for show and the web."""
        return {}
