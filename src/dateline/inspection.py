"""``inspect``: how dateline reads and parses files, storing nothing (the DESIGN.md contract)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dateline.ingest import parse_source
from dateline.model import story_to_inspect
from dateline.readers import ReaderOptions, discover, read_path


def inspect_paths(paths: Iterable[str | Path], options: ReaderOptions | None = None
                  ) -> Iterator[dict[str, Any]]:
    """One dict per source, exactly the DESIGN.md contract: ``{"source", "stories", "warnings"}``
    (each story as :func:`dateline.model.story_to_inspect` gives it)."""
    options = options or ReaderOptions()
    for path in discover(paths, options):
        for source in read_path(path, options):
            parsed = parse_source(source)
            warnings: list[str] = []
            if source.reject_reason:
                warnings.append(f"rejected: {source.reject_reason}")
            warnings.extend(f"rejected {e.locator}: {e.reason}".replace(" :", ":")
                            for e in source.errors)
            stories: list[dict[str, Any]] = []
            for record in parsed.records:
                warnings.extend(f"{record.locator}: {w}" if record.locator else w
                                for w in record.warnings)
                stories.extend(story_to_inspect(s) for s in record.stories)
            yield {"source": source.name, "stories": stories, "warnings": warnings}
