"""Known names and name parts: heads of organisation and site names, single-word bodies, media,
given names.

Given names come from the ``gender-guesser`` package (the ``geo`` extra, about 45,000 first names
of many countries), loaded lazily once per process; without it :data:`gazetteer.NOTES` says so
and a capitalised pair needs other evidence (a title, a verb of saying, a Korean name's form) to
be taken for a person.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from dateline.enrich import gazetteer

log = logging.getLogger(__name__)


def words(text: str) -> frozenset[str]:
    """The words of a space-separated list (lists of names read better written so)."""
    return frozenset(text.split())


#: Heads that end the names of works, farms, mines and other units (KCNA writes many).
UNIT_HEADS = words(
    "factory factories mill mills mine mines farm farms complex works plant plants "
    "enterprise enterprises force forces cooperative corps guild academy fc society "
    "headquarters studio studios troupe ensemble orchestra band team club clinic sinmun "
    "ministries"
)
#: Heads that end the names of sites: places a reader can visit.
SITE_HEADS = words(
    "intersection palace palaces market museum castle park tower gate temple shrine stadium "
    "cemetery bridge plaza dome hall monument memorial mausoleum arena theatre theater "
    "cathedral tomb arch fortress pavilion building tunnel dam beach falls reservoir "
    "mountains peak pass canal peninsula lagoon"
)
#: First words of place names: ``Mount Paektu``, ``Lake Baikal``, ``Arch of Triumph``.
PLACE_FIRST = words("mount mt lake cape isle arch gulf bay strait sea port fort")
#: Plural heads after a list of names (``Unryul and Jaeryong mines``): kind and singular.
PLURAL_HEADS: dict[str, tuple[str, str]] = {
    "counties": ("place", "County"),
    "districts": ("place", "District"),
    "cities": ("place", "City"),
    "provinces": ("place", "Province"),
    "villages": ("place", "Village"),
    "towns": ("place", "Town"),
    "islands": ("place", "Island"),
    "farms": ("org", "Farm"),
    "mines": ("org", "Mine"),
    "factories": ("org", "Factory"),
    "mills": ("org", "Mill"),
    "bureaus": ("org", "Bureau"),
    "universities": ("org", "University"),
    "schools": ("org", "School"),
    "companies": ("org", "Company"),
    "plants": ("org", "Plant"),
    "complexes": ("org", "Complex"),
    "hospitals": ("org", "Hospital"),
    "parties": ("org", "Party"),
    "banks": ("org", "Bank"),
}
#: Bodies named by one word.
SINGLE_ORGS = words(
    "congress pentagon cabinet parliament senate kremlin majlis knesset bundestag duma "
    "politburo interpol europol nasa"
)
#: Media, companies and bodies whose names carry no organisation head.
MEDIA = frozenset(
    [
        "BBC", "CNN", "NBC", "ABC", "CBS", "ESPN", "NHK", "AFP", "CCTV", "KCTV", "Xinhua", "TASS",
        "Yonhap", "Reuters", "Rodong Sinmun", "Minju Joson", "Tongil Voice", "Uriminzokkiri",
        "Choson Sinbo", "Voice of Korea", "Korean Central TV", "Korean Central Television",
        "Cheong Wa Dae", "Blue House", "White House", "Billboard", "FINA", "BTS", "Fox News",
        "Bloomberg", "Kyodo", "Pravda", "Al Jazeera", "Le Monde", "UEFA", "AFC", "NBA", "MLB",
        "KBO", "MBN", "JTBC",
        # companies in the news
        "Samsung", "Hyundai", "LG", "SK", "KT", "Lotte", "Hanwha", "Doosan", "POSCO", "Kia",
        "Naver", "Kakao", "Coupang", "Apple", "Google", "Microsoft", "Amazon", "Tesla", "Nvidia",
        "Intel", "Sony", "Toyota", "Huawei", "Alibaba", "Tencent", "Boeing", "Airbus",
        "삼성", "현대", "롯데", "한화", "두산", "포스코", "기아", "네이버", "카카오",
        "쿠팡", "신세계", "애플", "구글", "마이크로소프트", "아마존", "테슬라", "엔비디아",
        "인텔", "소니", "도요타", "화웨이", "알리바바", "키움", "코레일", "청와대",
        "대통령실", "국회", "국정원",
        # Korean and Japanese media, pollsters and groups the suffixes miss
        "연합뉴스", "뉴시스", "뉴스1", "매일경제", "한국경제", "한겨레", "경향신문", "조선일보",
        "중앙일보", "동아일보", "한국일보", "서울신문", "국민일보", "문화일보", "세계일보",
        "KBS", "MBC", "SBS", "YTN", "TV조선", "채널A", "요미우리", "아사히", "마이니치", "닛케이",
        "교도통신", "신화통신", "리얼미터", "한국갤럽", "갤럽", "SK", "GS", "CJ", "현대차",
        "카이스트", "포스텍", "서울대", "연세대", "고려대",
    ]
)
MEDIA_KEYS = frozenset(m.casefold() for m in MEDIA)
#: Words that describe an organisation before its name (``Ruling Democratic Party``).
ORG_EPITHETS = words(
    "ruling main minor opposition conservative liberal progressive leftist rightist "
    "state-run state-owned major leading rival former"
)
#: Role words that end a sound-bite label without being names (``Market Vendor``).
ROLE_TAILS = words(
    "resident residents vendor witness rescuer citizen student students worker workers "
    "tourist tourists spectator spectators fan fans owner employee staff farmer farmers "
    "teacher parent visitor victim survivor driver merchant volunteer participant activist "
    "nominee"
)
#: Nouns of people that start ``X of the Y`` chains without being part of the name.
PEOPLE_OF = words(
    "farmers officials workers members teachers students employees builders soldiers "
    "residents people delegates representatives leaders staff scientists"
)
#: Month abbreviations and other capitalised fragments that are never names alone.
FRAGMENTS = words(
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri "
    "sat"
)


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    try:
        import gender_guesser.detector as detector
    except ImportError:
        gazetteer.NOTES.append(
            "gender-guesser is not installed: capitalised pairs need a title or a verb of "
            "saying to be taken for people (pip install 'dateline[geo]')"
        )
        return frozenset()
    names = detector.Detector(case_sensitive=False).names
    log.debug("given names: %d", len(names))
    return frozenset(n.casefold() for n in names)


def is_given_name(token: str) -> bool:
    """A first name of some country (``David``, ``Jean-Claude``, ``Satoshi``)."""
    low = token.casefold()
    if low in _given_names():
        return True
    return "-" in low and low.split("-")[0] in _given_names()
