"""The evidence of a Korean proper noun's context: the words next to each of its mentions.

A story names the same person, body or place several times, and each time the words around it
say something about what it is: ``씨``, ``선수``, ``당선인`` or an age in brackets after a person;
``측``, ``주가``, ``본사``, ``임원`` after an organisation; ``지역``, ``주민``, ``에 있는`` after
a place.  :func:`evidence` weighs what one mention's context says; :func:`decide` gives the type
the votes of every mention of a name in the story add up to, when they are clear.  Names in one
list (``스카니아, 만, 볼보 등의 업체``) vote for each other (:func:`lists`).
"""

from __future__ import annotations

import re
from collections import Counter

#: Words after a proper noun that only a person takes (the titles are read by ``kind_of``).
_PERSON_AFTER = re.compile(
    r"^(?:\s?(?:씨|당선인|당선자|내야수|외야수|투수|포수|타자|공격수|수비수|골키퍼|"
    r"본명|일가|부부|자신)(?![\uac00-\ud7a3]{2})|\s?\((?:\d{2}|본명|\d{4}년)[^)]{0,20}\)"
    r"|\s?\(\d{2},)"
)
#: Words after a proper noun that only an organisation takes.
_ORG_AFTER = re.compile(
    r"^\s?(?:측|사측|주가|본사|임원|임직원|직원|관계자|대표이사|계열사|주식|주주|매출|"
    r"노조|소속|산하|회원사|홈페이지|사이트|창립|창업|상장|지분|구단|경영진|이사회)"
    r"(?![\uac00-\ud7a3]{2})"
)
#: ``캘로그사``: ``사`` glued to a name, then a particle.
_GLUED_SA = re.compile(r"^사(?:[은는이가을를의와과도]|에서|로)?(?![\uac00-\ud7a3])")
#: Words after a proper noun that say it is a place.
_PLACE_AFTER = re.compile(
    r"^(?:\s?(?:일대|지역|인근|근처|주민|시내|부근|일원|앞바다|상공|해역|현지|시민|도민|"
    r"주민들|지방|출신)(?![\uac00-\ud7a3]{2})|행(?![\uac00-\ud7a3])|에 (?:있는|위치한|사는)|"
    r"에 (?:상륙|도착)|에서 (?:열린|발생한|일어난|출발))"
)
#: Words before a proper noun that say what it is: ``상용차 업체 나비스타``.
_ORG_BEFORE = re.compile(
    r"(?:업체|기업|회사|제조사|브랜드|단체|구단|매체|방송사|통신사|언론사|정당|그룹|은행)인?\s$"
)
_PERSON_BEFORE = re.compile(r"(?:선수|감독|가수|배우|작가|주인공|아들|딸|아내|남편|본처)\s$")
_PLACE_BEFORE = re.compile(r"(?:도시|나라|국가|마을|섬)인?\s$")
#: What follows a list and names what its members are: ``… 등의 유럽계 업체들``.
_LIST_HEAD = re.compile(
    r"^\s?(?:등|같은|과 같은|와 같은)(?:의)?\s(?:[\uac00-\ud7a3]{1,4}\s)?[\uac00-\ud7a3]{0,3}?"
    r"(?:(?P<org>업체|기업|회사|구단|팀|클럽|방송사|언론|은행)|(?P<place>국가|나라|도시|지역|주))"
)


def evidence(text: str, start: int, end: int) -> Counter[str]:
    """What the words next to ``text[start:end]`` say it is: votes, one for each kind of cue."""
    after, before = text[end:end + 16], text[max(0, start - 10):start]
    votes: Counter[str] = Counter()
    if _PERSON_AFTER.match(after):
        votes["person"] += 1
    if _ORG_AFTER.match(after) or _GLUED_SA.match(after):
        votes["org"] += 1
    if _PLACE_AFTER.match(after):
        votes["place"] += 1
    if _ORG_BEFORE.search(before):
        votes["org"] += 1
    if _PERSON_BEFORE.search(before):
        votes["person"] += 1
    if _PLACE_BEFORE.search(before):
        votes["place"] += 1
    return votes


def lists(text: str, names: list[tuple[str, int, int]]) -> list[list[int]]:
    """Runs of names (indexes into ``names``) written as one list: ``A, B, C`` or ``A와 B``."""
    runs: list[list[int]] = []
    for i, (_, start, _end) in enumerate(names):
        if i and _LIST_GAP.fullmatch(text, names[i - 1][2], start):
            runs[-1].append(i)
        else:
            runs.append([i])
    return [r for r in runs if len(r) > 1]


_LIST_GAP = re.compile(r",\s?|\s?·\s?|[와과]\s|,?\s(?:그리고|및)\s")


def list_head(text: str, end: int) -> str | None:
    """The kind a list's head word gives its members (``… 등의 업체들`` → org), if any."""
    m = _LIST_HEAD.match(text[end:end + 20])
    if not m:
        return None
    return "org" if m.group("org") else "place" if m.group("place") else None


def decide(votes: Counter[str], need: int = 1) -> str | None:
    """The kind with the most votes when it has at least ``need`` and no other kind ties it."""
    if not votes:
        return None
    (kind, top), *rest = [*votes.most_common(2), ("", 0)]
    return kind if top >= need and top > rest[0][1] else None
