"""What the parser and the readers warned about while sources were stored: ``sources.warnings``
(a JSON list per source, each warning prefixed by the place it is about: the record's locator,
then the story), listed one warning per row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dateline.store.sqlite import Store

#: the places a warning opens with: a record ("line 7", "#12", "record 3") and a story
_PLACE = re.compile(r"^((?:line|record|row|story) \d+|#\d+): ")


@dataclass(slots=True)
class WarningRow:
    """One warning about a stored source: where (source name, place) and what."""

    source_id: int
    source: str
    place: str | None
    message: str
    ingested_at: str

    def to_dict(self) -> dict[str, Any]:
        return {"source_id": self.source_id, "source": self.source, "place": self.place,
                "message": self.message, "ingested_at": self.ingested_at}


def split_place(warning: str) -> tuple[str | None, str]:
    """``"line 7: story 0: sound bite at 1794 is cut"`` → ``("line 7, story 0", "sound bite at
    1794 is cut")``: the places a warning opens with, and what it says."""
    places = []
    rest = warning
    while (m := _PLACE.match(rest)) is not None:
        places.append(m[1])
        rest = rest[m.end():]
    return (", ".join(places) or None), rest


def count(store: Store) -> int:
    return int(store.conn.execute(
        "SELECT COUNT(*) FROM sources s, json_each(s.warnings) WHERE s.warnings != '[]'"
    ).fetchone()[0])


def page(store: Store, limit: int = 100, offset: int = 0) -> list[WarningRow]:
    """Warnings in the order their sources were stored, ``limit`` from ``offset``."""
    rows = store.conn.execute(
        "SELECT s.id, s.name, j.value, s.ingested_at FROM sources s, json_each(s.warnings) j "
        "WHERE s.warnings != '[]' ORDER BY s.id, j.key LIMIT ? OFFSET ?",
        (int(limit), int(offset)),
    ).fetchall()
    out = []
    for source_id, name, text, when in rows:
        place, message = split_place(str(text))
        out.append(WarningRow(source_id, name, place, message, when))
    return out
