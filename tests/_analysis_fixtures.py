"""Small fictional corpora for the analysis tests (every word invented here)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from dateline.ingest import run_ingest

_VOCAB = ("amber basalt cobalt delta ember fjord garnet harbor indigo juniper kelp lagoon meadow "
         "nectar onyx pebble quarry raven saffron tundra umber velvet willow xenon yarrow zephyr "
         "beacon canal dune estuary ferry glacier heron isthmus jetty kiln lantern marsh orchard "
         "pier quay reef shoal tide vineyard wharf")
VOCAB = _VOCAB.split()


def fictional_text(seed: int, words: int = 80, topic: tuple[str, ...] = ()) -> str:
    rnd = random.Random(seed)
    out = []
    for i in range(words):
        if topic and i % 5 == 0:
            out.append(topic[(i // 5) % len(topic)])
        else:
            out.append(rnd.choice(VOCAB))
    return " ".join(out).capitalize() + "."


def write_records(path: Path, records: list[dict[str, str]]) -> Path:
    """A JSON file of records: title, date (YYYY-MM-DD), url, text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def store_only(archive, paths: list[Path]) -> None:
    """Parse and store, then index — without the enrichers (fast, deterministic)."""
    run_ingest(archive.store, list(paths), workers=1, batch_size=64)
    archive.sync_index()
