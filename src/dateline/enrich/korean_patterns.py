"""Names and places in Korean text found by how they are written, wherever they are.

The analyser's proper nouns are typed in :mod:`dateline.enrich.korean`; what this module holds
does not wait for its tags: the gazetteers' names of bodies and people (a trie of them, one
regular expression each), countries' long names, clubs with their Latin tag, areas, roads and
interchanges written as common nouns, forces, groups of countries, ``미`` before a US office,
electoral districts and the smaller administrative units after a place.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dateline.enrich import gazetteer
from dateline.enrich.facts import Collector
from dateline.enrich.known import KOREAN_BODIES, KOREAN_BODIES_AMBIGUOUS, KOREAN_PERSONS

#: The last letter of a place that is a unit of administration
ADMIN_SUFFIX = re.compile(r"(?:시|군|구|읍|면|리|동|도)$")


#: Areas, coasts, sea areas, roads, bridges and interchanges written as common nouns:
#: ``수도권``, ``동해안``, ``서해남부``, ``국도 7호선``, ``중앙고속도로``, ``강변북로``,
#: ``남안동IC``
AREAS = re.compile(
    r"(?<![\uac00-\ud7a3])(?:(?:수도|충청|호남|영남|강원|영동|영서|제주|대경|동남|서남|전라|경상|"
    r"경북|경남|경기|서울|인천|부산|대구|광주|대전|울산|충북|충남|전북|전남|부울경)권|"
    r"[동서남]해안|(?:동해|서해|남해)(?:남부|북부|중부)|국도 \d{1,2}호선|"
    r"[\uac00-\ud7a3]{2,8}(?:박물관|미술관|기념관|체육관)|"
    r"[\uac00-\ud7a3]{2,6}(?:고속도로|대교|북로|남로)|[\uac00-\ud7a3]{2,6}(?:IC|JCT?)(?![A-Za-z]))"
    r"(?=$|[^\uac00-\ud7a3]|[은는이가을를의에와과도로])"
)


def _trie(names: list[str]) -> str:
    """An alternation of ``names`` factored by their common beginnings (``삼성(?:전자|물산)``),
    longest first: the regular expression engine tries one branch per letter, not per name."""
    heads: dict[str, list[str]] = {}
    for name in names:
        heads.setdefault(name[0], []).append(name[1:])
    out = []
    for head, rests in sorted(heads.items()):
        longer = [r for r in rests if r]
        if not longer:
            out.append(re.escape(head))
        else:
            out.append(f"{re.escape(head)}(?:{_trie(longer)}){'?' if '' in rests else ''}")
    return "|".join(out)


_KNOWN_SCANNED = sorted(n for n in KOREAN_BODIES - KOREAN_BODIES_AMBIGUOUS
                        if len(n.replace(" ", "")) >= 3)
#: The end of a name found in the raw text: a particle or no letter after it.
NAME_END = (r"(?=$|[^\uac00-\ud7a3A-Za-z0-9]|(?:은|는|이|가|을|를|의|에|와|과|도|로|으로|에서|"
             r"에게|측|만|까지|부터|처럼|보다|이나|라는|이라는|와의|과의|에서는|에서도|에는|"
             r"에도|으로는|로는|와는|과는)(?![\uac00-\ud7a3]))")


def scanner(names: list[str]) -> re.Pattern[str]:
    """``names`` wherever they are written, the longest that fits, with :data:`NAME_END`."""
    return re.compile(rf"(?=[{''.join(sorted({re.escape(n[0]) for n in names}))}])"
                      r"(?<![\uac00-\ud7a3A-Za-z0-9])(?:" + _trie(names) + ")" + NAME_END)


#: The names of :data:`KOREAN_BODIES` found wherever they are written (three letters or more,
#: not a common word), the longest that fits, a particle or no letter after them.
KNOWN_BODIES = scanner(_KNOWN_SCANNED)
_PERSONS_SCANNED = sorted(n for n in KOREAN_PERSONS if len(n.replace(" ", "")) >= 2)
#: The people of :data:`KOREAN_PERSONS` wherever they are written, as :data:`KNOWN_BODIES`.
KNOWN_PERSONS = scanner(_PERSONS_SCANNED)


#: A smaller unit a space after a city, county, district or township (``금남면 도암리``,
#: ``울진군 북면``, ``강남구 역삼동``, ``단호2리``): the units each kind of place holds.
_SMALLER_UNIT = re.compile(
    r" ([\uac00-\ud7a3]{1,5} ?\d{0,2}(?:읍|면|리|동|\d가))"
    r"(?=$|[^\uac00-\ud7a3]|(?:은|는|이|가|을|를|의|에|에서|와|과|도|로|까지|부터|일대|주민|"
    r"일원|인근)(?![\uac00-\ud7a3]))")
_HOLDS = {"시": "읍면동구", "군": "읍면", "구": "동가", "읍": "리", "면": "리"}


def admin_chain(col: Collector, text: str) -> None:
    """The smaller units written after each place that holds them, down the chain."""
    todo = [m for m in col.mentions if m.kind == "place" and m.end > m.start
            and m.surface[-1] in _HOLDS and len(m.surface) >= 2]
    while todo:
        place = todo.pop()
        unit = _SMALLER_UNIT.match(text, place.end)
        if unit and unit.group(1)[-1] in _HOLDS[place.surface[-1]]:
            found = col.add("place", unit.group(1), unit.start(1), unit.end(1), source="unit")
            if found and found.surface[-1] in _HOLDS:
                todo.append(found)


#: A country's or an alliance's forces (``북한군``, ``NATO군``, ``대한민국 군``, ``아프간 보안군``)
ARMY = re.compile(
    r"(?<![\uac00-\ud7a3A-Za-z])(?:주한 |주일 )?(?P<own>[\uac00-\ud7a3]{1,12}|[A-Z]{2,6})"
    r"(?:군| 군| ?(?:국군|보안군|정부군|국방군|지상군|연합군|평화유지군))"
    r"(?=$|[^\uac00-\ud7a3]|(?:은|는|이|가|을|를|의|에|와|과|도|로|에게|과의|와의)(?![\uac00-\ud7a3]))")
#: Groups of countries named by their number (``G7``, ``G20``); ``G2`` is a label, not a body
GROUPS = re.compile(r"(?<![A-Za-z0-9])G(?:7|8|20|77)(?![A-Za-z0-9])")
#: ``미`` for the United States, a space before its office, body or forces
US_SHORT = re.compile(
    r"(?<![\uac00-\ud7a3A-Za-z])미 (?=(?:국무|국방|재무|법무|상무|에너지부|국토안보부|항공우주국|"
    r"연방|의회|상원|하원|대통령|정부|행정부|대사|영사관|군|해군|공군|육군|해병대|중앙정보국|연방수사국|"
    r"국가안보국|백악관|당국|관리|고위|정보|대선|중간선거|언론|증시|국채|달러|본토|전역|현지|"
    r"동부|서부|남부|북부|중서부))")
#: An electoral district: a place and the letter of its part, before a candidate or the word
#: for a constituency (``경기 부천병 후보``, ``송파구 을 선거구``, ``관악 갑 후보``)
_DISTRICT = re.compile(r"(?<![\uac00-\ud7a3])([\uac00-\ud7a3]{2,5})( ?)[갑을병]"
                       r"(?= (?:후보|예비후보|선거구|지역구|국회의원))")


def districts(col: Collector, text: str) -> None:
    """Electoral districts (:data:`_DISTRICT`) after a place or a word a space before them."""
    for m in _DISTRICT.finditer(text):
        place = m.group(1)
        if m.group(2) or ADMIN_SUFFIX.search(place) or gazetteer.is_korean_place(place):
            col.add("place", m.group(), m.start(), m.end(), source="district",
                    force=only_part(col, "place", m.start(), m.end()))


#: A football club: a name and a Latin tag, or the tag first (``볼로냐 FC 1909``, ``SL 벤피카``)
CLUB = re.compile(
    r"(?<![\uac00-\ud7a3A-Za-z])(?:[\uac00-\ud7a3]{2,8}(?: [\uac00-\ud7a3]{2,8})? (?:FC|CF)"
    r"(?: \d{4})?|(?:FC|AC|SL|SS|RCD|CD|VfB|VfL|TSG) [\uac00-\ud7a3]{2,10}?)" + NAME_END)
CLUB_TAG = re.compile(r"(?<![A-Za-z])(?:FC|CF|AC|SL|SS|RCD|CD|VfB|VfL|TSG)(?![A-Za-z])")


@lru_cache(maxsize=1)
def long_countries() -> re.Pattern[str]:
    """Countries' long names (five letters or more), which the analyser cuts."""
    return scanner(sorted(n for n in gazetteer.korean_country_names() if len(n) >= 5))


def only_part(col: Collector, kind: str | None, start: int, end: int) -> bool:
    """Every mention inside ``start``–``end`` is a piece of this longer name (all of ``kind``;
    of any kind when it is None), so the longer name may take their place."""
    inside = [m for m in col.mentions if start <= m.start and m.end <= end]
    if not inside or any(m.start < start < m.end or m.start < end < m.end for m in col.mentions):
        return False
    if all(kind is None or m.kind == kind for m in inside):
        gone = {id(m) for m in inside}  # these mentions, not equal ones elsewhere
        col.mentions = [m for m in col.mentions if id(m) not in gone]
        return True
    return False
