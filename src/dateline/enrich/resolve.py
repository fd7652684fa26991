"""Archive-wide resolution: name keys → one canonical entity per real-world referent.

Input is every distinct (kind, key, surface, count) the enricher stored, plus the manual
overrides; output is the entity and alias tables.  The function is pure and deterministic, so
re-enrichment, a new ingest or an upgrade gives the same entities from the same facts, and the
user's merges and splits (kept apart in ``entity_overrides``) are applied again every time.

Rules, in order:

1. persons with a full name are grouped by their romanisation key (``Lee Do-hoon`` = ``Lee Do
   Hoon`` = ``LEE DOHOON``; ``Lee Seong-joon`` = ``Lee Sung-jun``; ``Kang`` ≠ ``Gang``);
2. a bare surname (``Pompeo``, ``MOON``, ``트럼프``, ``박``) joins the one full-name group with
   that family name, or among several the one mentioned ten times as often as all the others
   together (:data:`DOMINANT`); else it stays its own entity (noted as ambiguous when
   several);
3. organisations and places group by key (``U.S.`` = ``US`` = ``United States``);
4. overrides: ``merge`` joins two groups, ``split`` takes one alias out into its own entity.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from dateline.enrich.names import (
    DISPLAY,
    display_name,
    hangul_family_names,
    name_quality,
    person_key,
    romanisation_key,
    surname_of,
)

EntityRow = tuple[str, str, str, str, str | None]  # id, kind, name, rep_key, note
AliasRow = tuple[str, str, str, str, str]  # kind, key, entity id, surface, how


@dataclass
class _Group:
    kind: str
    keys: dict[str, str] = field(default_factory=dict)  # key → how
    note: str | None = None


def entity_id(kind: str, rep_key: str) -> str:
    digest = hashlib.sha1(f"{kind}:{rep_key}".encode()).hexdigest()[:10]
    return {"person": "p", "org": "o", "place": "l"}.get(kind, "x") + digest


def resolve(names: list[tuple[str, str, str, int]],
            overrides: list[tuple[str, str, str, str | None]]
            ) -> tuple[list[EntityRow], list[AliasRow]]:
    """(entities, aliases) from distinct (kind, key, surface, count) and the overrides."""
    surfaces: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for kind, key, surface, count in names:
        s = surfaces[(kind, key)]
        s[surface] = s.get(surface, 0) + count
    groups: list[_Group] = []
    where: dict[tuple[str, str], _Group] = {}

    def add(kind: str, key: str, group: _Group, how: str) -> None:
        group.keys[key] = how
        where[(kind, key)] = group

    # 1. full person names by romanisation key; orgs and places by key
    by_rkey: dict[tuple[str, str], _Group] = {}
    singles: list[str] = []
    for kind, key in sorted(surfaces):
        if kind == "person" and " " not in key and not _is_hangul(key):
            singles.append(key)
            continue
        rkey = romanisation_key(key) if kind == "person" else key
        group = by_rkey.get((kind, rkey))
        if group is None:
            group = by_rkey[(kind, rkey)] = _Group(kind)
            groups.append(group)
        add(kind, key, group, "romanisation" if group.keys else "name")
    # 2. bare surnames
    by_surname: dict[str, list[_Group]] = defaultdict(list)
    for group in groups:
        if group.kind != "person":
            continue
        found = {surname_of(k) for k in group.keys}
        for k in group.keys:  # in Hangul, from the surfaces: "도널드 트럼프" → "트럼프"
            for surface in surfaces.get(("person", k), {}):
                found |= hangul_family_names(k, surface) - {k}
        for sur in found - {None}:
            by_surname[sur].append(group)  # type: ignore[index]

    def mentions(group: _Group) -> int:
        return sum(sum(surfaces.get(("person", k), {}).values()) for k in group.keys)

    for group in list(groups):  # a Hangul family name alone joins its one full name
        if group.kind == "person" and len(group.keys) == 1:
            key = next(iter(group.keys))
            candidates = [g for g in by_surname.get(key, []) if g is not group]
            if not _is_hangul(key) or not candidates:
                continue
            # a Korean family name of one syllable (박, 김) is anyone's: never by dominance
            chosen = candidates[0] if len(candidates) == 1 else (
                _dominant(candidates, mentions) if len(key) > 1 else None)
            if chosen is not None:
                add("person", key, chosen, "surname")
                group.keys = {}
            else:
                group.note = "ambiguous surname"
    for key in singles:
        candidates = by_surname.get(key, [])
        chosen = candidates[0] if len(candidates) == 1 else _dominant(candidates, mentions)
        if chosen is not None:
            add("person", key, chosen, "surname")
        else:
            group = _Group("person", note="ambiguous surname" if candidates else None)
            groups.append(group)
            add("person", key, group, "name")
    # 4. overrides, in the order they were made
    for action, kind, target, other in overrides:
        if action == "merge" and other is not None:
            keep, gone = where.get((kind, target)), where.get((kind, other))
            if keep is None or gone is None or keep is gone:
                continue
            for k in gone.keys:
                add(kind, k, keep, "manual")
            gone.keys = {}
        elif action == "split":
            group = where.get((kind, target))
            if group is None or len(group.keys) < 2:
                continue
            del group.keys[target]
            new = _Group(kind)
            groups.append(new)
            add(kind, target, new, "manual")
    entities: list[EntityRow] = []
    aliases: list[AliasRow] = []
    for group in groups:
        if not group.keys:
            continue
        rep_key, name = _canonical(group, surfaces)
        eid = entity_id(group.kind, rep_key)
        entities.append((eid, group.kind, name, rep_key, group.note))
        for key, how in group.keys.items():
            counts = surfaces.get((group.kind, key), {})
            surface = max(counts, key=lambda s: (counts[s], name_quality(s))) if counts else key
            aliases.append((group.kind, key, eid, surface, how))
    return entities, aliases


#: A bare surname that several full names share joins the most mentioned of them when it has
#: at least this many times the mentions of all the others together, and :data:`DOMINANT_MIN`
#: mentions: in 1987's news ``Reagan`` is Ronald Reagan (51 mentions), not Michael Reagan (2);
#: ``Baker`` stays apart (James Baker and Howard Baker are both in the news)
DOMINANT = 10
DOMINANT_MIN = 20


def _dominant(candidates: list[_Group], mentions: Callable[[_Group], int]) -> _Group | None:
    if len(candidates) < 2:
        return None
    counted = sorted(((mentions(g), i) for i, g in enumerate(candidates)), reverse=True)
    top, rest = counted[0][0], sum(n for n, _ in counted[1:])
    return candidates[counted[0][1]] if top >= DOMINANT_MIN and top >= DOMINANT * rest else None


def _canonical(group: _Group, surfaces: dict[tuple[str, str], dict[str, int]]) -> tuple[str, str]:
    """(representative key, display name): the best-written surface of the longest-used key.

    A name of several words is the fuller one (``Moon Jae-in`` over ``Moon``), unless it is
    only another name written apart (``김 일성`` once beside ``김일성`` 281 times: the count
    decides between those)."""
    keys = sorted(group.keys)
    full = [k for k in keys if " " in k and k.replace(" ", "") not in group.keys] or keys
    rep_key = full[0]
    solid = {s for key in full for s in surfaces.get((group.kind, key), {})
             if " " not in s.strip()}
    best: tuple[tuple[int, int, int, int, int], str] | None = None  # (rank, surface)
    for key in full:
        for surface, count in surfaces.get((group.kind, key), {}).items():
            q = name_quality(surface)
            spaced = " " in surface.strip() and surface.replace(" ", "") not in solid
            # a surface that is the name itself before the family name it was resolved from
            # (``박`` in a story that names 박솔빈 is written more often than 박솔빈)
            own = group.kind != "person" or person_key(surface) == key
            rank = (int(own), int(spaced), q[0], count, q[1])
            if best is None or rank > best[0]:
                best = (rank, surface)
    if group.kind != "person" and rep_key in DISPLAY and not _hangul_only(group, surfaces):
        return rep_key, DISPLAY[rep_key]  # "U.S." and "미국" are the "United States"
    name = display_name(best[1]) if best else rep_key
    if group.kind != "person":
        if name.startswith("the "):
            name = name[4:]
        if name.replace(".", "") in ("US", "U S"):
            name = "United States"
    return rep_key, name


def _hangul_only(group: _Group, surfaces: dict[tuple[str, str], dict[str, int]]) -> bool:
    """``group`` has surfaces and every one is written in Hangul: an archive that writes
    ``한국`` alone reads it so, not as ``South Korea``."""
    written = [s for key in group.keys for s in surfaces.get((group.kind, key), {})]
    return bool(written) and all(_is_hangul(s.replace(" ", "")) for s in written)


def _is_hangul(key: str) -> bool:
    return bool(key) and all("\uac00" <= c <= "\ud7a3" for c in key)
