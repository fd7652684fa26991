"""The entity and quote side of :class:`dateline.Archive` (mixed into it)."""

from __future__ import annotations

from typing import Any

from dateline.model import StoredStory


class EntitiesMixin:
    """Entity, alias and quote methods of Archive."""

    def _doc_entities(self, story: StoredStory) -> dict[str, list[str]]:
        """Canonical names of the persons, orgs and places a story mentions (for the index)."""
        return {"persons": [], "orgs": [], "places": []}

    def _after_ingest(self) -> None:
        """Run enrichers that are new or stale, after stories were stored."""

    def story_extras(self, story_id: str) -> dict[str, Any]:
        """Extra facts shown with a story (entities, near-duplicates, thread…)."""
        return {}
