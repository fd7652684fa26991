"""Word lists for the demo corpus: every word, name and sentence here is invented for dateline.

Nothing is taken from third-party text.  People, places and organisations are fictional
(romanised Korean names built from syllable tables, invented countries and ministries);
only generic policy vocabulary ("sanctions", "railway", "inflation") is real-world.
"""

from __future__ import annotations

# -- people -------------------------------------------------------------------------------------

#: (romanised, Hangul) Korean surnames.
SURNAMES: tuple[tuple[str, str], ...] = (
    ("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"), ("Kang", "강"),
    ("Cho", "조"), ("Yoon", "윤"), ("Jang", "장"), ("Lim", "임"), ("Han", "한"), ("Oh", "오"),
    ("Seo", "서"), ("Shin", "신"), ("Kwon", "권"), ("Hwang", "황"), ("Ahn", "안"), ("Song", "송"),
    ("Ryu", "류"), ("Hong", "홍"), ("Moon", "문"), ("Bae", "배"), ("Nam", "남"), ("Yang", "양"),
    ("Baek", "백"), ("Heo", "허"), ("Noh", "노"), ("Ha", "하"), ("Gu", "구"), ("Min", "민"),
)

#: (romanised, Hangul) syllables for given names; pairs of them make invented names.
GIVEN_SYLLABLES: tuple[tuple[str, str], ...] = (
    ("sol", "솔"), ("bin", "빈"), ("dal", "달"), ("seon", "선"), ("ha", "하"), ("min", "민"),
    ("jun", "준"), ("seo", "서"), ("yeon", "연"), ("chan", "찬"), ("gyeol", "결"), ("na", "나"),
    ("eun", "은"), ("woo", "우"), ("hee", "희"), ("tae", "태"), ("kyung", "경"), ("ji", "지"),
    ("hyun", "현"), ("do", "도"), ("yul", "율"), ("ra", "라"), ("on", "온"), ("bom", "봄"),
    ("geon", "건"), ("sae", "새"), ("rim", "림"), ("hwan", "환"), ("mu", "무"), ("ye", "예"),
    ("gang", "강"), ("bit", "빛"), ("san", "산"), ("ro", "로"), ("yoon", "윤"), ("su", "수"),
    ("beom", "범"), ("jae", "재"), ("ho", "호"), ("in", "인"), ("a", "아"), ("byeol", "별"),
)

FOREIGN_FIRST: tuple[str, ...] = (
    "Marta", "Oskar", "Ilse", "Tomas", "Adela", "Henrik", "Lucia", "Bram", "Noor", "Emil",
    "Sabine", "Victor", "Ines", "Rafael", "Greta", "Anton", "Mirela", "Dorian", "Elena", "Pavel",
    "Talia", "Casimir", "Renata", "Joaquim", "Freya", "Ludo", "Anouk", "Stellan", "Oriana",
    "Konrad",
)
FOREIGN_SURNAME_HEADS: tuple[str, ...] = (
    "Vant", "Brann", "Quill", "Ostr", "Mald", "Kers", "Thal", "Wendr", "Corv", "Halv",
    "Dres", "Lunn", "Pell", "Sarv", "Tovr", "Yssel", "Garm", "Fenn",
)
FOREIGN_SURNAME_TAILS: tuple[str, ...] = (
    "eck", "och", "avar", "enby", "ström", "ani", "elli", "hausen", "ovic", "ard", "ey", "oni",
)

# -- places -------------------------------------------------------------------------------------

#: (short name, formal name, Hangul) invented countries.
COUNTRIES: tuple[tuple[str, str, str], ...] = (
    ("Veloria", "Republic of Veloria", "벨로리아"),
    ("Norvast", "Kingdom of Norvast", "노르바스트"),
    ("Karvenia", "Federation of Karvenia", "카르베니아"),
    ("Tamaris", "Republic of Tamaris", "타마리스"),
    ("Sulvane", "Sulvane Union", "술바네"),
    ("Dravonia", "People's Republic of Dravonia", "드라보니아"),
    ("Eskeland", "Commonwealth of Eskeland", "에스켈란드"),
    ("Marivale", "Republic of Marivale", "마리발레"),
    ("Corrinth", "Corrinth Islands", "코린스"),
    ("Bellagua", "State of Bellagua", "벨라구아"),
)

#: (romanised, Hangul) syllables for invented Korean towns.
TOWN_SYLLABLES: tuple[tuple[str, str], ...] = (
    ("Hae", "해"), ("on", "온"), ("Dal", "달"), ("ma", "마"), ("ru", "루"), ("Cheong", "청"),
    ("ryul", "률"), ("Sa", "사"), ("gok", "곡"), ("Mi", "미"), ("rae", "래"), ("Bu", "부"),
    ("dang", "당"), ("Geum", "금"), ("pyeong", "평"), ("No", "노"), ("eul", "을"), ("Ok", "옥"),
)
#: (English suffix, Hangul suffix) for invented towns.
TOWN_KINDS: tuple[tuple[str, str], ...] = (
    ("City", "시"), ("County", "군"), ("Port", "항"),
)

# -- organisations ------------------------------------------------------------------------------

#: (full English name, short English name, Hangul, kind) invented organisations.
ORGANIZATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("Ministry of Harbour Affairs", "Harbour Ministry", "항만부", "ministry"),
    ("Ministry of Rail and Roads", "Rail Ministry", "철도도로부", "ministry"),
    ("Ministry of Peninsula Cooperation", "Cooperation Ministry", "한반도협력부", "ministry"),
    ("Ministry of Trade and Tides", "Trade Ministry", "통상해양부", "ministry"),
    ("Ministry of Grain Security", "Grain Ministry", "식량안보부", "ministry"),
    ("Ministry of Signals and Networks", "Networks Ministry", "통신망부", "ministry"),
    ("Ministry of Public Care", "Care Ministry", "공공돌봄부", "ministry"),
    ("Rail Safety Board", "Rail Safety Board", "철도안전위원회", "agency"),
    ("Coastal Weather Agency", "Weather Agency", "연안기상청", "agency"),
    ("Financial Watch Commission", "Financial Watch", "금융감시위원회", "agency"),
    ("Bank of the Eastern Sea", "Eastern Sea Bank", "동해중앙은행", "agency"),
    ("Blue Harbour Party", "Blue Harbour Party", "푸른항구당", "party"),
    ("Open Road Party", "Open Road Party", "열린길당", "party"),
    ("Civic Lantern Party", "Lantern Party", "시민등불당", "party"),
    ("Federation of Coastal Workers", "Coastal Workers", "연안노동자연맹", "union"),
    ("Northern Grain Council", "Grain Council", "북부곡물협의회", "union"),
    ("Union of Rail Engineers", "Rail Engineers' Union", "철도기술자노조", "union"),
    ("Institute for Peninsula Studies", "Peninsula Institute", "한반도연구원", "institute"),
    ("Tidewater University", "Tidewater University", "타이드워터대학교", "institute"),
    ("Centre for Supply Chain Research", "Supply Chain Centre", "공급망연구센터", "institute"),
)

#: titles by organisation kind: (English, Hangul).
TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "ministry": (("Minister", "장관"), ("Vice Minister", "차관"), ("Spokesperson", "대변인"),
                 ("Director-General", "국장")),
    "agency": (("Chairperson", "위원장"), ("Commissioner", "청장"), ("Spokesperson", "대변인"),
               ("Governor", "총재")),
    "party": (("Leader", "대표"), ("Floor Leader", "원내대표"), ("Lawmaker", "의원"),
              ("Spokesperson", "대변인")),
    "union": (("Head", "위원장"), ("Spokesperson", "대변인"), ("Secretary-General", "사무총장")),
    "institute": (("Senior Researcher", "선임연구위원"), ("Professor", "교수"),
                  ("Director", "원장")),
}
#: titles of foreign officials, combined with a country's short name.
FOREIGN_TITLES: tuple[tuple[str, str], ...] = (
    ("Foreign Minister", "외무장관"), ("Trade Envoy", "통상특사"),
    ("Ambassador to Seoul", "주한대사"), ("Special Representative", "특별대표"),
    ("Deputy Foreign Minister", "외무차관"),
)

#: anonymous speakers: (English role, Hangul role).
BYSTANDERS: tuple[tuple[str, str], ...] = (
    ("Resident", "주민"), ("Commuter", "시민"), ("Fisherman", "어민"), ("Shop Owner", "상인"),
    ("Station Worker", "역무원"), ("Student", "학생"), ("Farmer", "농민"), ("Driver", "운전기사"),
)
#: broadcasters quoted as organisations, not people.
BROADCASTERS: tuple[str, ...] = (
    "Veloria State Television", "Norvast Public Radio", "Dravonia Central Broadcasting",
)

# -- vocabulary ----------------------------------------------------------------------------------

#: common nouns in rough frequency order (the head of the Zipf distribution).
NOUNS: tuple[str, ...] = (
    "government", "officials", "talks", "plan", "agreement", "project", "budget", "market",
    "prices", "exports", "region", "railway", "workers", "safety", "policy", "election",
    "cooperation", "sanctions", "border", "harbour", "trade", "security", "economy", "families",
    "inflation", "reform", "investment", "crisis", "summit", "delegation", "proposal", "tariffs",
    "network", "schedule", "residents", "negotiations", "inspection", "committee", "industry",
    "energy", "ports", "shipments", "funding", "bridge", "vote", "measures", "tensions",
    "farmers", "grain", "fuel", "rates", "demand", "supply", "freight", "tracks", "stations",
    "passengers", "wages", "strike", "union", "court", "ruling", "investigation", "evidence",
    "regulations", "exemption", "corridor", "survey", "construction", "contract", "firms",
    "growth", "debt", "savings", "housing", "rents", "hospitals", "doctors", "schools",
    "students", "teachers", "weather", "storm", "flooding", "drought", "harvest", "fisheries",
    "coastline", "satellite", "signals", "data", "privacy", "platform", "vaccines", "clinics",
    "pension", "taxes", "subsidies", "consumers", "retailers", "factories", "chips", "batteries",
    "steel", "shipyards", "vessels", "cargo", "containers", "airport", "flights", "tourism",
    "visitors", "festival", "ceremony", "memorial", "veterans", "troops", "drills", "alliance",
    "deterrence", "missiles", "launch", "monitoring", "patrols", "waters", "fishing", "quota",
    "licence", "audit", "scandal", "prosecutors", "lawmakers", "assembly", "bill", "amendment",
    "hearing", "testimony", "campaign", "candidates", "polls", "turnout", "coalition", "cabinet",
    "spokesperson", "statement", "briefing", "forecast", "outlook", "recovery", "slowdown",
    "unemployment", "jobs", "training", "apprentices", "logistics", "warehouses", "pipeline",
    "reservoir", "dam", "electricity", "grid", "outage", "heatwave", "emissions", "carbon",
    "recycling", "waste", "parks", "forests", "wildfire", "evacuation", "shelters", "relief",
    "donations", "volunteers", "charity", "hospital", "patients", "emergency", "ambulance",
    "commuters", "buses", "subway", "fares", "timetable", "signalling", "locomotive", "carriages",
    "platforms", "depot", "tunnel", "highway", "traffic", "accidents", "inspectors", "permits",
    "licences", "negotiators", "envoys", "embassy", "consulate", "visas", "refugees", "migrants",
    "exchange", "currency", "bonds", "shares", "investors", "banks", "loans", "mortgages",
    "deposits", "lenders", "regulator", "watchdog", "penalty", "fines", "compensation",
    "lawsuit", "appeal", "verdict", "detention", "release", "reunion", "dialogue", "hotline",
    "liaison", "office", "headquarters", "committee", "panel", "council", "ministry", "agency",
)

ADJECTIVES: tuple[str, ...] = (
    "new", "joint", "national", "regional", "local", "economic", "public", "key", "major",
    "senior", "final", "additional", "urgent", "long-term", "short-term", "previous", "annual",
    "monthly", "possible", "strong", "weak", "sharp", "steady", "modest", "record", "rising",
    "falling", "cross-border", "inter-Korean", "coastal", "northern", "southern", "eastern",
    "western", "rural", "urban", "financial", "diplomatic", "military", "civilian", "legal",
    "technical", "practical", "formal", "informal", "temporary", "permanent", "broad", "narrow",
    "detailed", "preliminary", "revised", "stricter", "looser", "higher", "lower", "direct",
)

#: past-tense verbs taking an object.
VERBS_PAST: tuple[str, ...] = (
    "announced", "reviewed", "approved", "rejected", "proposed", "discussed", "delayed",
    "expanded", "suspended", "resumed", "criticized", "welcomed", "signed", "extended",
    "examined", "questioned", "defended", "outlined", "unveiled", "postponed", "completed",
    "launched", "tightened", "eased", "raised", "cut", "revised", "confirmed", "cited", "backed",
)
#: base-form verbs taking an object.
VERBS_BASE: tuple[str, ...] = (
    "review", "approve", "expand", "suspend", "resume", "ease", "tighten", "extend", "support",
    "delay", "restore", "protect", "reduce", "increase", "finish", "reopen", "inspect", "fund",
)

WEEKDAYS: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
TIME_PHRASES: tuple[str, ...] = (
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "over the weekend",
    "last week", "earlier this month", "this morning", "late last night", "next month",
    "within the year", "by the end of the quarter", "for the third day",
)

#: syllables for generated rare terms (the long tail of the Zipf distribution).
TERM_ONSETS: tuple[str, ...] = (
    "b", "br", "d", "dr", "f", "g", "gl", "k", "kr", "l", "m", "n", "p", "pl", "r", "s", "st",
    "t", "tr", "v", "z", "sk", "th", "w",
)
TERM_VOWELS: tuple[str, ...] = ("a", "e", "i", "o", "u", "ai", "ou", "ei", "y")
TERM_CODAS: tuple[str, ...] = (
    "", "n", "r", "l", "m", "s", "k", "t", "x", "nd", "rk", "lt", "sh", "v",
)
TERM_SUFFIXES: tuple[str, ...] = ("", "ite", "ane", "ology", "ix", "or", "ium", "et", "a")

# -- Korean vocabulary ---------------------------------------------------------------------------

KO_NOUNS: tuple[str, ...] = (
    "정부", "철도", "협상", "제재", "예산", "계획", "물가", "수출", "항만", "지역", "주민", "안전",
    "선거", "노조", "기업", "정책", "사업", "협력", "국경", "무역", "시장", "경제", "투자",
    "금리", "일자리", "임금", "교통", "승객", "화물", "선박", "어민", "농민", "수확", "가뭄",
    "홍수", "태풍", "전력", "에너지", "연료", "병원", "의료진", "학교", "학생", "주택", "전세",
    "세금", "보조금", "연금", "소비자", "공장", "반도체", "배터리", "조선소", "공항", "관광객",
    "축제", "기념식", "군", "훈련", "동맹", "감시", "수사", "재판", "법안", "국회", "의원",
    "위원회", "여론", "조사", "발표", "대책", "지원", "피해", "복구", "대피", "구호", "기부",
    "요금", "노선", "역", "터널", "도로", "사고", "점검", "허가", "대사관", "비자", "환율",
    "채권", "은행", "대출", "규제", "벌금", "보상", "소송", "판결", "회담", "대화", "연락사무소",
)
#: object-taking endings (after a noun with 을/를).
KO_VERBS: tuple[str, ...] = (
    "발표했습니다", "검토하고 있습니다", "논의했습니다", "강조했습니다", "요구했습니다",
    "추진하기로 했습니다", "확대하기로 했습니다", "중단했습니다", "재개했습니다", "승인했습니다",
    "비판했습니다", "환영했습니다", "연기했습니다", "점검했습니다", "마련했습니다",
)
#: endings without an object (after a noun with 이/가).
KO_INTRANSITIVE: tuple[str, ...] = (
    "커지고 있습니다", "이어지고 있습니다", "불거졌습니다", "늘었습니다", "줄었습니다",
    "마무리됐습니다", "시작됐습니다", "주목받고 있습니다", "계속되고 있습니다",
)
KO_SAY: tuple[str, ...] = ("분석했습니다", "전망했습니다", "지적했습니다", "설명했습니다")
KO_TIMES: tuple[str, ...] = (
    "오늘", "어제", "지난주", "이번 달", "올해", "다음 달", "오늘 오전", "어젯밤", "최근",
)
KO_FUTURE: tuple[str, ...] = (
    "반드시 지키겠습니다", "끝까지 챙기겠습니다", "서둘러 마무리하겠습니다",
    "다시 검토하겠습니다", "주민과 함께 풀어가겠습니다",
)
