"""Names: normalised keys, romanised Korean names, display forms.

A *key* is what the archive-wide resolution groups by: ``Lee Do-hoon``, ``Lee Do Hoon``,
``LEE DOHOON`` and ``Lee Dohoon`` all have the key ``lee dohoon``; ``U.S.``, ``US`` and ``United
States`` all have the place key ``united states``.  A coarser *romanisation key* also unifies
spelling variants of Korean given names (``Seong-joon`` / ``Sung-jun``) but never surnames
(``Kang`` and ``Gang`` stay apart).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Romanised Korean surnames (South and North Korean spellings).
KOREAN_SURNAMES = frozenset(
    [
        "kim",
        "lee",
        "yi",
        "rhee",
        "ri",
        "park",
        "pak",
        "bak",
        "choi",
        "choe",
        "chae",
        "jung",
        "jeong",
        "chung",
        "chong",
        "kang",
        "gang",
        "cho",
        "jo",
        "yoon",
        "yun",
        "jang",
        "chang",
        "lim",
        "im",
        "han",
        "oh",
        "o",
        "seo",
        "suh",
        "shin",
        "sin",
        "kwon",
        "gwon",
        "hwang",
        "ahn",
        "an",
        "song",
        "jeon",
        "jun",
        "chun",
        "hong",
        "yoo",
        "yu",
        "ryu",
        "go",
        "ko",
        "moon",
        "mun",
        "yang",
        "son",
        "sohn",
        "bae",
        "pae",
        "baek",
        "paek",
        "heo",
        "hur",
        "huh",
        "nam",
        "noh",
        "roh",
        "no",
        "ha",
        "kwak",
        "gwak",
        "sung",
        "seong",
        "cha",
        "joo",
        "ju",
        "woo",
        "wu",
        "koo",
        "ku",
        "min",
        "na",
        "jin",
        "ji",
        "eom",
        "um",
        "won",
        "chun",
        "bang",
        "gong",
        "hyun",
        "hyeon",
        "ham",
        "byun",
        "byeon",
        "yeom",
        "yeo",
        "choo",
        "chu",
        "do",
        "so",
        "seok",
        "suk",
        "sun",
        "seol",
        "ma",
        "gil",
        "yeon",
        "wi",
        "pyo",
        "myung",
        "myeong",
        "gi",
        "ki",
        "ban",
        "wang",
        "geum",
        "keum",
        "ok",
        "yuk",
        "in",
        "maeng",
        "je",
        "mo",
        "tak",
        "guk",
        "eun",
        "pyeon",
        "yong",
        "kye",
        "gye",
        "jeon",
        "ryang",
        "ryom",
        "rim",
        "ro",
        "tae",
    ]
)

#: One romanised Korean syllable (Revised Romanisation, McCune-Reischauer and common spellings).
_SYLLABLE = (
    r"(?:kk|tt|pp|ss|jj|ch|sh|ts|[bcdghjklmnprstwy])?"
    r"(?:yae|yeo|wae|eo|ae|ya|ye|yo|yu|wa|we|wi|wo|oe|ui|eu|oo|ee|ou|ea|a|e|i|o|u)"
    r"(?:ng|[kmnlprt])?"
)
_GIVEN_PART = re.compile(rf"^(?:{_SYLLABLE}){{1,2}}$", re.I)
_HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")
_SPACES = re.compile(r"\s+")
_NON_KEY = re.compile(r"[^\w\s'-]")

#: Place aliases → canonical key (keys are casefolded, without dots).
PLACE_ALIASES: dict[str, str] = {
    "us": "united states",
    "usa": "united states",
    "u s": "united states",
    "america": "united states",
    "united states of america": "united states",
    "the united states": "united states",
    "n korea": "north korea",
    "dprk": "north korea",
    "north": "north korea",
    "democratic people's republic of korea": "north korea",
    "nk": "north korea",
    "s korea": "south korea",
    "rok": "south korea",
    "republic of korea": "south korea",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "prc": "china",
    "people's republic of china": "china",
    "russian federation": "russia",
    "soviet union": "soviet union",
    "ussr": "soviet union",
    "u s s r": "soviet union",
    "ivory coast": "côte d'ivoire",
    "cote d'ivoire": "côte d'ivoire",
    "côte d'ivoire": "côte d'ivoire",
    "washington dc": "washington",
    "washington d c": "washington",
    "북한": "north korea",
    "한국": "south korea",
    "미국": "united states",
    "중국": "china",
    "일본": "japan",
    "러시아": "russia",
    "서울": "seoul",
    "서울특별시": "seoul",
    "평양": "pyongyang",
    "워싱턴": "washington",
    "남한": "south korea",
    "북": "north korea",
}
#: Organisation aliases → canonical key.
ORG_ALIASES: dict[str, str] = {
    "un": "united nations",
    "u n": "united nations",
    "unsc": "un security council",
    "united nations security council": "un security council",
    "security council": "un security council",
    "jcs": "joint chiefs of staff",
    "workers party of korea": "workers' party of korea",
    "kcna": "korean central news agency",
    "usfk": "us forces korea",
    "united states forces korea": "us forces korea",
    "u s forces korea": "us forces korea",
    "nis": "national intelligence service",
    "bok": "bank of korea",
    "dp": "democratic party",
    "ppp": "people power party",
    "iaea": "international atomic energy agency",
    "kpa": "korean people's army",
    "people's army": "korean people's army",
    "kpa general staff": "general staff of the korean people's army",
    "general staff of the kpa": "general staff of the korean people's army",
    "wpk central committee": "central committee of the workers' party of korea",
    "party central committee": "central committee of the workers' party of korea",
    "central committee of the wpk": "central committee of the workers' party of korea",
    "central committee of the workers' party": "central committee of the workers' party of korea",
    "wpk": "workers' party of korea",
    "inss": "institute for national security strategy",
    "pentagon": "us department of defense",
    "the pentagon": "us department of defense",
    "us department of defense": "us department of defense",
    "department of defense": "us department of defense",
    "state department": "us state department",
    "us state department": "us state department",
    "department of state": "us state department",
    "white house": "white house",
    "gatt": "general agreement on tariffs and trade",
    "general agreement on tariffs and trade": "general agreement on tariffs and trade",
    "imf": "international monetary fund",
    "international monetary fund": "international monetary fund",
    "opec": "organization of the petroleum exporting countries",
    "organization of petroleum exporting countries":
        "organization of the petroleum exporting countries",
    "organization of the petroleum exporting countries":
        "organization of the petroleum exporting countries",
    "fed": "federal reserve",
    "sec": "us securities and exchange commission",
    "securities and exchange commission": "us securities and exchange commission",
    "u s securities and exchange commission": "us securities and exchange commission",
    "us securities and exchange commission": "us securities and exchange commission",
    "federal reserve": "federal reserve",
    "federal reserve board": "federal reserve",
    "federal reserve system": "federal reserve",
    # firms of the financial news named like people, or after a title word ("General")
    "merrill lynch": "merrill lynch",
    "morgan stanley": "morgan stanley",
    "salomon brothers": "salomon brothers",
    "lehman brothers": "lehman brothers",
    "shearson lehman": "shearson lehman brothers",
    "goldman sachs": "goldman sachs",
    "dean witter": "dean witter",
    "paine webber": "paine webber",
    "smith barney": "smith barney",
    "kidder peabody": "kidder peabody",
    "drexel burnham": "drexel burnham lambert",
    "drexel burnham lambert": "drexel burnham lambert",
    "credit suisse": "credit suisse",
    "credit suisse first boston": "credit suisse first boston",
    "royal dutch": "royal dutch shell",
    "royal dutch shell": "royal dutch shell",
    "royal dutch/shell": "royal dutch shell",
    "general electric": "general electric",
    "general motors": "general motors",
    "general dynamics": "general dynamics",
    "general mills": "general mills",
    "general foods": "general foods",
    "american stock exchange": "american stock exchange",
    "new york stock exchange": "new york stock exchange",
}
#: Display names of canonical place/org keys that title-casing gets wrong.
DISPLAY: dict[str, str] = {
    "united states": "United States",
    "north korea": "North Korea",
    "south korea": "South Korea",
    "united nations": "United Nations",
    "un security council": "UN Security Council",
    "us forces korea": "US Forces Korea",
    "us department of defense": "US Department of Defense",
    "us state department": "US State Department",
    "us securities and exchange commission": "US Securities and Exchange Commission",
    "workers' party of korea": "Workers' Party of Korea",
    "korean people's army": "Korean People's Army",
    "central committee of the workers' party of korea":
        "Central Committee of the Workers' Party of Korea",
    "general staff of the korean people's army": "General Staff of the Korean People's Army",
}


@lru_cache(maxsize=65536)
def casefold_key(text: str) -> str:
    """Casefold, drop dots and punctuation (keep hyphens and apostrophes), squeeze spaces."""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace(".", " ")
    text = _NON_KEY.sub(" ", text.casefold())
    return _SPACES.sub(" ", text).strip(" -'")


def is_given_name_part(token: str) -> bool:
    """True for a romanised Korean given name or part of one: ``Do-hoon``, ``Jong``, ``Dohoon``."""
    parts = [p for p in token.split("-") if p]
    if not parts or len(parts) > 2:
        return False
    return all(_GIVEN_PART.match(p) for p in parts)


def is_korean_name(tokens: list[str] | tuple[str, ...]) -> bool:
    """``Lee Do-hoon``, ``Kim Jong Un``, ``MOON JAE-IN``, ``Lee Dohoon``: surname + syllables."""
    if not 2 <= len(tokens) <= 3 or tokens[0].casefold() not in KOREAN_SURNAMES:
        return False
    given = tokens[1:]
    if len(given) == 2 and ("-" in given[0] or "-" in given[1]):
        return False
    if len(given) == 1 and "-" not in given[0] and len(given[0]) > 8:
        return False
    return all(is_given_name_part(t) for t in given)


def is_hangul_name(text: str) -> bool:
    return bool(_HANGUL.match(text)) and 2 <= len(text) <= 4


#: Surnames as the North writes them and as the South does (the South writes an initial ㄹ as
#: ㄴ, or as ㅇ before i and y): ``리승만`` is ``이승만``
_SOUTHERN_SURNAMES = {"리": "이", "류": "유", "림": "임", "량": "양", "렴": "염", "로": "노",
                      "라": "나", "려": "여", "룡": "용", "륙": "육"}
#: Words of bodies' names as the North writes them, the South's spelling in the key
#: (``조선로동당`` = ``조선노동당``)
_SOUTHERN_WORD = {"로동": "노동", "녀성": "여성", "력사": "역사", "련합": "연합", "련맹": "연맹",
                  "령도": "영도", "로인": "노인", "례술": "예술", "리론": "이론", "락원": "낙원"}
_SOUTHERN_WORDS = re.compile("|".join(_SOUTHERN_WORD))


def person_key(name: str) -> str:
    """``Lee Do-hoon`` → ``lee dohoon``; ``Mike Pompeo`` → ``mike pompeo``; Hangul kept whole,
    a Korean name's surname as the South writes it (``리설주`` → ``이설주``)."""
    text = name.strip()
    if _HANGUL.match(text.replace(" ", "")):
        key = text.replace(" ", "")
        if len(key) == 3 and key[0] in _SOUTHERN_SURNAMES:
            key = _SOUTHERN_SURNAMES[key[0]] + key[1:]
        return key
    key = casefold_key(text)
    tokens = key.split()
    if len(tokens) >= 2 and is_korean_name(tokens):
        return tokens[0] + " " + "".join(tokens[1:]).replace("-", "")
    return key


def romanisation_key(key: str) -> str:
    """A coarser key: given-name vowel spellings unified (``seongjoon`` ≈ ``sungjun``)."""
    tokens = key.split()
    if len(tokens) != 2 or tokens[0] not in KOREAN_SURNAMES or not is_given_name_part(tokens[1]):
        return key
    given = tokens[1].replace("eo", "u").replace("oo", "u").replace("ee", "i")
    return f"{tokens[0]} {given}"


def hangul_family_names(key: str, surface: str) -> set[str]:
    """The keys a bare family name of the person ``key`` (written ``surface``) has in Hangul:
    the first syllable of a Korean name (``박근혜`` → ``박``), the last word of a foreign one
    (``도널드 트럼프`` → ``트럼프``); none for other forms."""
    if len(key) == 3 and _HANGUL.match(key):  # "박근혜", also written "박 근혜"
        return {key[0]}
    words = surface.split()
    if len(words) >= 2 and all(_HANGUL.match(w) for w in words):
        return {person_key(words[-1])}
    return set()


def surname_of(key: str) -> str | None:
    """The family name of a person key: first token of a Korean name, else the last token."""
    tokens = key.split()
    if len(tokens) < 2:
        return None
    if tokens[0] in KOREAN_SURNAMES and is_given_name_part(tokens[1]) and len(tokens) == 2:
        return tokens[0]
    return tokens[-1]


#: A Korean city's or province's status after its name (``울산광역시`` is ``울산``)
_KOREAN_STATUS = re.compile(r"(?<=[\uac00-\ud7a3]{2})(?:특별시|광역시|특별자치시|특별자치도)$")


def place_key(name: str) -> str:
    key = casefold_key(name)
    if key.startswith("the "):
        key = key[4:]
    key = _KOREAN_STATUS.sub("", key)
    return PLACE_ALIASES.get(key, key)


#: Country qualifiers of a body's name that do not change which body it is, for the key
#: (``Ministry of National Defence of the DPRK`` = ``DPRK Ministry of National Defence``).
_QUALIFIER_AFTER = re.compile(
    r" of the (?:dprk|rok|democratic people's republic of korea|republic of korea|us|"
    r"united states|russian federation|people's republic of china)$"
)
_QUALIFIER_BEFORE = re.compile(r"^(?:dprk|rok) (?=\S+ \S+)")


def org_key(name: str) -> str:
    key = casefold_key(name)
    key = PLACE_ALIASES.get(key, key) if key in ("dprk",) else key
    if key.startswith("the "):
        key = key[4:]
    if key.startswith("u s "):
        key = "us " + key[4:]
    if key in ORG_ALIASES:
        return ORG_ALIASES[key]
    key = _QUALIFIER_BEFORE.sub("", _QUALIFIER_AFTER.sub("", key))
    key = _SOUTHERN_WORDS.sub(lambda m: _SOUTHERN_WORD[m.group()], key)
    return ORG_ALIASES.get(key, key)


def key_for(kind: str, name: str) -> str:
    if kind == "person":
        return person_key(name)
    if kind == "place":
        return place_key(name)
    return org_key(name)


def display_name(surface: str) -> str:
    """A readable form of a name as written: ``MOON JAE-IN`` → ``Moon Jae-in``."""
    text = _SPACES.sub(" ", surface.strip())
    letters = [c for c in text if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 4:
        words = []
        for word in text.split(" "):
            parts = word.split("-")
            words.append("-".join([parts[0].capitalize(), *(p.lower() for p in parts[1:])]))
        return " ".join(words)
    return text


def name_quality(surface: str) -> tuple[int, int, int]:
    """Sort key for choosing a canonical surface: mixed case, hyphenated, longer first."""
    letters = [c for c in surface if c.isalpha()]
    mixed = int(not letters or not all(c.isupper() for c in letters))
    return (mixed, int("-" in surface), len(surface))
