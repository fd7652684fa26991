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


def listed(text: str) -> frozenset[str]:
    """The names of a comma-separated list (names with spaces in them read better so)."""
    return frozenset(n.strip() for n in text.replace("\n", " ").split(",") if n.strip())


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
    "politburo interpol europol nasa fed bundesbank"
)
#: The last word of a company's name: "Chrysler Corp", "Dixons Group PLC", "Continental Bank".
COMPANY_ENDS = words(
    "corp corporation inc co cos ltd limited plc llc lp group holdings ag sa nv gmbh spa bancorp "
    "bank airlines airways industries"
)
#: The legal endings among them: a company's name and nothing else (a ``group`` or a ``bank``
#: may be a study group or a central bank)
LEGAL_ENDS = words("corp corporation inc co cos ltd limited plc llc lp ag sa nv gmbh")
#: Media, companies and bodies whose names carry no organisation head.
MEDIA = frozenset(
    [
        "BBC", "CNN", "NBC", "ABC", "CBS", "ESPN", "NHK", "AFP", "CCTV", "KCTV", "Xinhua", "TASS",
        "Yonhap", "Reuters", "Rodong Sinmun", "Minju Joson", "Tongil Voice", "Uriminzokkiri",
        "Choson Sinbo", "Voice of Korea", "Korean Central TV", "Korean Central Television",
        "Cheong Wa Dae", "Blue House", "White House", "Billboard", "FINA", "BTS", "Fox News",
        "Bloomberg", "Kyodo", "Pravda", "Al Jazeera", "Le Monde", "UEFA", "AFC", "NBA", "MLB",
        "KBO", "MBN", "JTBC", "OSEN", "Tanjug", "Itar-Tass", "Antara", "Bernama", "Kyodo News",
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

#: Organisations named in Korean text by a name no head gives away: companies, media,
#: pollsters, bands and idol groups, clubs, universities and bodies written short.  A name of
#: three letters or more is found wherever it is written (:data:`KOREAN_BODIES_SCANNED`),
#: shorter ones only where the analyser tags them as proper nouns.
KOREAN_BODIES = listed(
    # companies of Korea
    "삼성전자, 삼성물산, 삼성생명, 삼성화재, 삼성중공업, 삼성SDI, 삼성SDS, 삼성바이오로직스, "
    "삼성그룹, SK하이닉스, SK텔레콤, SK이노베이션, SK그룹, SK에너지, LG전자, LG화학, "
    "LG디스플레이, LG유플러스, LG그룹, LG생활건강, 현대자동차, 현대모비스, 현대중공업, "
    "현대건설, 현대제철, 현대그룹, 현대백화점, 현대상선, 현대엘리베이터, 기아자동차, 기아차, "
    "한국전력, 한국전력공사, 한전, 한국수력원자력, 한수원, 한국가스공사, 한국토지주택공사, "
    "한국철도공사, 대한항공, 아시아나항공, 아시아나, 제주항공, 진에어, 티웨이항공, 이스타항공, "
    "CJ대한통운, 대한통운, CJ제일제당, CJ그룹, 농심, 오뚜기, 롯데그룹, 롯데쇼핑, 롯데제과, "
    "롯데마트, 롯데월드, 이마트, 홈플러스, 신세계그룹, 신세계백화점, GS칼텍스, GS리테일, "
    "GS홈쇼핑, GS건설, 에쓰오일, 한진그룹, 한진해운, 대우조선해양, 두산중공업, 한화그룹, "
    "한화에어로스페이스, 효성, 코오롱, 셀트리온, 엔씨소프트, 넥슨, 넷마블, 크래프톤, 카카오뱅크, "
    "카카오게임즈, 카카오엔터테인먼트, NHN, 다음커뮤니케이션, 다음카카오, 우아한형제들, "
    "비바리퍼블리카, 야놀자, 교보문고, 예스24, 인터파크, 알라딘, G마켓, 11번가, 위메프, 티몬, "
    "하이트진로, 오리온, 빙그레, 아모레퍼시픽, 한미약품, 유한양행, 녹십자, 대웅제약, KT&G, "
    "한국타이어, 금호타이어, 넥센타이어, 금호아시아나, 웅진그룹, 한샘, 대림산업, 대우건설, "
    "포스코건설, 국민은행, KB국민은행, 신한은행, 우리은행, 하나은행, 외환은행, 기업은행, "
    "IBK기업은행, 산업은행, 한국산업은행, 수출입은행, 한국은행, 한국거래소, 미래에셋, "
    "삼성증권, 키움증권, 농협, 농협중앙회, 새마을금고, 우정사업본부, 한국마사회, "
    # companies abroad
    "샤오미, 닌텐도, 어도비, 오라클, 퀄컴, 레노버, 휴렛팩커드, 시스코, 메타, "
    "마이크로소프트, 아마존, 알파벳, 우버, 에어비앤비, 스타벅스, 맥도날드, 펩시코, "
    "나이키, 아디다스, 폭스바겐, 다임러, 아우디, 제너럴모터스, "
    "크라이슬러, 혼다, 닛산, 미쓰비시, 파나소닉, 도시바, 히타치, 캐논, 니콘, 소프트뱅크, "
    "라쿠텐, 유니클로, 텐센트, 바이두, 바이트댄스, 폭스콘, 에릭슨, 노키아, 지멘스, 필립스, "
    "바이엘, 화이자, 모더나, 아스트라제네카, 존슨앤드존슨, 노바티스, 골드만삭스, 모건스탠리, "
    "JP모건, 씨티그룹, 월마트, 엑손모빌, 가즈프롬, 로스네프트, 아람코, 보잉, 에어버스, "
    "록히드마틴, 스페이스X, 오픈AI, 엔비디아, 인텔, 디즈니, 월트 디즈니, "
    # media and agencies
    "뉴욕타임스, 뉴욕 타임스, 워싱턴포스트, 워싱턴 포스트, 월스트리트저널, 월스트리트 저널, "
    "USA투데이, LA타임스, 가디언, 더 타임스, 텔레그래프, 인디펜던트, 파이낸셜타임스, 이코노미스트, "
    "르몽드, 르 몽드, 르피가로, 피가로, 슈피겔, 빌트, 디 차이트, 도이체벨레, 도이체 벨레, "
    "엘파이스, 인민일보, 환구시보, 신화사, 신화통신, 차이나데일리, 아사히신문, 요미우리신문, "
    "마이니치신문, 산케이신문, 니혼게이자이, 니혼게이자이신문, 교도통신, 지지통신, 로이터, "
    "로이터통신, AP통신, AFP통신, 블룸버그, 폭스뉴스, 알자지라, 타스, 타스통신, 리아노보스티, "
    "인테르팍스, 로동신문, 노동신문, 조선중앙통신, 조선중앙TV, 조선중앙방송, 조선중앙텔레비죤, "
    "민주조선, 조선신보, NK뉴스, 데일리NK, 자유아시아방송, 미국의소리, 오마이뉴스, 프레시안, "
    "노컷뉴스, 머니투데이, 이데일리, 아시아경제, 헤럴드경제, 파이낸셜뉴스, 디지털타임스, "
    "전자신문, 지디넷코리아, 블로터, 한겨레21, 시사저널, 시사IN, 주간조선, 신동아, 월간조선, "
    "스포츠조선, 스포츠서울, 스포츠동아, 스포츠경향, 일간스포츠, 마이데일리, 엑스포츠뉴스, "
    "텐아시아, 디스패치, 뉴스엔, 스타뉴스, 더팩트, 서울경제, 아시아투데이, 뉴데일리, 데일리안, "
    "한겨레신문, 한국경제신문, 매일신문, 부산일보, 국제신문, 강원일보, 경인일보, 제민일보, "
    "한라일보, 뉴스핌, 아주경제, 허핑턴포스트, 데일리메일, "
    "EBS, 연합뉴스TV, 아리랑TV, tvN, Mnet, OCN, 한국경제TV, 뉴스타파, 미디어오늘, 기자협회보, "
    # pollsters
    "한국갤럽, 리얼미터, 한국리서치, 엠브레인, 코리아리서치, 입소스, 닐슨코리아, 닐슨, "
    "한국사회여론연구소, 글로벌리서치, 리서치앤리서치, 미디어리서치, 가온차트, 오리콘, "
    # bands and idol groups, agencies
    "방탄소년단, 소녀시대, 빅뱅, 원더걸스, 카라, 트와이스, 블랙핑크, 레드벨벳, 엑소, 세븐틴, "
    "마마무, 동방신기, 슈퍼주니어, 샤이니, 위너, 아이콘, 뉴진스, 아이브, 르세라핌, 에스파, "
    "스트레이 키즈, 갓세븐, 몬스타엑스, 인피니트, 젝스키스, 핑클, 티아라, 씨스타, 에이핑크, "
    "미쓰에이, 2NE1, 2PM, 2AM, 틴탑, FT아일랜드, 씨엔블루, 트레저, 워너원, 아이즈원, "
    "프로미스나인, 오마이걸, 러블리즈, 우주소녀, 여자친구, 시크릿, 서태지와 아이들, 비틀즈, "
    "롤링 스톤스, 퀸, 에스엠엔터테인먼트, 와이지엔터테인먼트, 제이와이피, 하이브, 빅히트, "
    # clubs
    "두산 베어스, 롯데 자이언츠, 삼성 라이온즈, LG 트윈스, KIA 타이거즈, 기아 타이거즈, "
    "한화 이글스, SK 와이번스, SSG 랜더스, NC 다이노스, 키움 히어로즈, 넥센 히어로즈, "
    "KT 위즈, 현대 유니콘스, 해태 타이거즈, 뉴욕 양키스, LA 다저스, 로스앤젤레스 다저스, "
    "보스턴 레드삭스, 시카고 컵스, 텍사스 레인저스, 레알 마드리드, FC 바르셀로나, "
    "맨체스터 유나이티드, 맨유, 맨체스터 시티, 맨시티, 첼시, 아스널, 토트넘, 토트넘 홋스퍼, "
    "바이에른 뮌헨, 보루시아 도르트문트, 유벤투스, AC 밀란, 인터 밀란, 파리 생제르맹, 아약스, "
    "벤피카, 전북 현대, 울산 현대, FC 서울, 수원 삼성, 포항 스틸러스, "
    # universities
    "서울대, 연세대, 고려대, 카이스트, 포스텍, 성균관대, 한양대, 이화여대, 서강대, 중앙대, "
    "경희대, 한국외대, 부산대, 경북대, 전남대, 하버드대, 예일대, 스탠퍼드대, 옥스퍼드대, "
    "케임브리지대, 도쿄대, 교토대, 베이징대, 칭화대, 김일성종합대학, "
    # bodies, parties and unions written short or without a head
    "유엔, 국제연합, 유네스코, 유니세프, 세계보건기구, 국제통화기금, 세계은행, 세계무역기구, "
    "경제협력개발기구, 북대서양조약기구, 나토, 유럽연합, 아세안, 국제원자력기구, "
    "국제올림픽위원회, 국제축구연맹, 국제앰네스티, 앰네스티, 휴먼라이츠워치, 국경없는의사회, "
    "그린피스, 국제적십자위원회, 유엔난민기구, 세계식량계획, 유엔안보리, 안보리, 유엔사, "
    "유엔군사령부, 주한미군, 인터폴, 석유수출국기구, 오펙, 전경련, 대한상의, 경총, 중기중앙회, "
    "전교조, 민주노총, 한국노총, 참여연대, 경실련, 민변, 대한변협, 의협, 조계종, "
    "대한불교조계종, 한기총, 헌재, 대검, 대검찰청, 서울중앙지검, 중앙지검, 공수처, 감사원, "
    "해경, 질본, 방통위, 공정위, 금융위, 금감원, 선관위, 중앙선관위, 인권위, 권익위, 원안위, "
    "국과수, 합참, 기무사, 방사청, 인수위, 중대본, 중수본, 조평통, 민주평통, 새정연, 통진당, "
    "민노당, 자민련, 한국당, 민주당, 새누리, 국민의힘, 정의당, 자민당, 공명당, 입헌민주당, "
    "공화당, 보수당, 노동당, 기민당, 사민당, 녹색당, 공산당, 중국공산당, 조선노동당, "
    "조선인민군, 하마스, 헤즈볼라, 탈레반, 알카에다, 이슬람국가, 무슬림형제단, "
    # the National Assembly's committees, written short
    "법사위, 외통위, 국방위, 국토위, 기재위, 행안위, 과방위, 정무위, 산자위, 환노위, 복지위, "
    "교육위, 문체위, 농해수위, 여가위, 정보위, 예결위, 운영위, 윤리위, 정개특위, 사개특위"
)
#: Names of :data:`KOREAN_BODIES` that are also common words or the name of something else
#: (``위너`` "winner", ``시크릿``, ``카라``, ``퀸``, ``타스``, ``메타``, ``빌트``): typed only
#: where the analyser tags them as proper nouns, never found in the text by themselves.
KOREAN_BODIES_AMBIGUOUS = listed(
    "위너, 시크릿, 카라, 퀸, 타스, 메타, 빌트, 아이콘, 트레저, 다음커뮤니케이션, 오리온, 가디언, "
    "알라딘, 인터파크, 닐슨, 하이브, 민주당, 공화당, 노동당, 보수당, 녹색당, 공산당, "
    "여자친구, 카이스트, 아이브, 효성, 농심, 새누리, 알파벳, "
    "디즈니, 이슬람국가"
)
#: People written in Hangul whom a Korean news text names without a title or with the analyser
#: missing them (foreign names it cuts, names it reads as common nouns): heads of state and
#: government, ministers and envoys, and a few public figures.  Names that are common words as
#: well (``조국`` "homeland", ``왕이`` "the king", ``정조``, ``승리``) are left out.
KOREAN_PERSONS = listed(
    # Korea, South and North
    "이승만, 윤보선, 박정희, 최규하, 전두환, 노태우, 김영삼, 김대중, 노무현, 이명박, 박근혜, "
    "문재인, 윤석열, 이재명, 김종필, 이회창, 이낙연, 정세균, 김부겸, 한덕수, 황교안, 이해찬, "
    "안철수, 유승민, 손학규, 심상정, 홍준표, 이준석, 한동훈, 반기문, 강경화, 정의용, 추미애, "
    "나경원, 박지원, 정동영, 김무성, 오세훈, 박원순, 김일성, 김정일, 김정은, 김여정, "
    "김정남, 김정숙, 김경희, 장성택, 최룡해, 리설주, 김영철, 리용호, 최선희, 김영남, 박봉주, "
    "김덕훈, 현송월, 성혜림, 고용희, 황장엽, 이건희, 이재용, 정주영, 정몽구, 정의선, 신격호, "
    "구본무, 구광모, 최태원, 송해, 유재석, 싸이, 손흥민, 김연아, 박지성, 류현진, 이승엽, "
    "박찬호, 추신수, 봉준호, "
    # the United States
    "도널드 트럼프, 트럼프, 조 바이든, 바이든, 버락 오바마, 오바마, 힐러리 클린턴, 빌 클린턴, "
    "클린턴, 조지 W. 부시, 카멀라 해리스, 마이크 펜스, 마이크 폼페이오, 폼페이오, 존 케리, "
    "렉스 틸러슨, 틸러슨, 존 볼턴, 볼턴, 토니 블링컨, 블링컨, 제이크 설리번, 로이드 오스틴, "
    "낸시 펠로시, 펠로시, 미치 매코널, 버니 샌더스, 일론 머스크, 로널드 레이건, 레이건, "
    "존 F. 케네디, 케네디, 리처드 닉슨, 닉슨, 지미 카터, "
    # China, Japan, Russia
    "시진핑, 리커창, 후진타오, 장쩌민, 원자바오, 덩샤오핑, 마오쩌둥, 양제츠, 친강, 왕후닝, "
    "아베 신조, 기시다 후미오, 기시다, 스가 요시히데, 고이즈미 준이치로, 노다 요시히코, "
    "간 나오토, 하토야마 유키오, 이시바 시게루, 이시바, 아키히토, 나루히토, "
    "블라디미르 푸틴, 푸틴, 드미트리 메드베데프, 메드베데프, 세르게이 라브로프, 라브로프, "
    "쇼이구, 고르바초프, 옐친, "
    # Europe, the Middle East and elsewhere
    "앙겔라 메르켈, 메르켈, 올라프 숄츠, 숄츠, 에마뉘엘 마크롱, 마크롱, 니콜라 사르코지, "
    "사르코지, 프랑수아 올랑드, 올랑드, 보리스 존슨, 테리사 메이, 리시 수낵, 키어 스타머, "
    "데이비드 캐머런, 캐머런, 토니 블레어, 엘리자베스 2세, 찰스 3세, 볼로디미르 젤렌스키, "
    "젤렌스키, 레제프 타이이프 에르도안, 에르도안, 베냐민 네타냐후, 네타냐후, "
    "무함마드 빈 살만, 빈 살만, 안토니우 구테흐스, 구테흐스, 코피 아난, 하메네이, 로하니, "
    "아마디네자드, 나렌드라 모디, 모디, 두테르테, 룰라, 마두로, 피델 카스트로, 무아마르 카다피, "
    "카다피, 사담 후세인, 오사마 빈 라덴, 빈 라덴, 바샤르 알아사드, 알아사드, 무바라크, "
    "아웅산 수치, 넬슨 만델라, 만델라, 달라이 라마, 그레타 툰베리, 프란치스코 교황, "
    "베네딕토 16세, 요한 바오로 2세"
)
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
