"""Sound bites: find the quoted words after a label and read the label into speaker, role,
organisation and language.

Label styles (all seen on KBS pages):

- KBS World Radio: ``[Sound bite: US Secretary of State Mike Pompeo]"…"``,
  ``[Sound bite: Lee Do-hoon - Special representative … (Korean)]``,
  ``[Sound bite: Col. Lee Seong-joon — Spokesperson, Joint Chiefs of Staff (Korean-English)]``;
- News Today: ``[Soundbite] Lee Su-seok (Chief Researcher, INSS) : "…"``, ``[Soundbite] (Hotel
  Manager) : "…"``, ``[Soundbite] "…"``; 2024: ``[Soundbite]`` then ``Name (Org): words``;
- News 9: ``[Name/Title/June 25: "…"]`` and unattributed ``["…"]``;
- Korean: ``<녹취> 이명박(한나라당 대선 후보) : "…"``, ``<인터뷰>안현수: "…"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dateline.model import Quote
from dateline.transcript.text import (
    ALL_QUOTES,
    CLOSE_QUOTES,
    NON_SPACE,
    OPEN_QUOTES,
    content_end,
    drop_nested_parens,
    has_hangul,
    split_top_parens,
    squash,
    words,
)

_LANGS = (
    "Korean|English|Japanese|Chinese|Mandarin|Russian|French|German|Spanish|Arabic|"
    "Vietnamese|Indonesian|Thai|Ukrainian|Italian|Portuguese|Hindi|Turkish|Mongolian"
)
_LANGUAGE = re.compile(
    rf"^((?:{_LANGS})(?:\s*[-/–]\s*(?:{_LANGS}))*)(?:\s+(?:translation|interpretation|"
    r"dubbed|voice-?over|subtitles?))?$",
    re.I,
)
_MONTHS = (
    r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|"
    r"June|July|August|September|October|November|December"
)
_DATEISH = re.compile(
    rf"\b(?:{_MONTHS})\.?\s*\d{{1,2}}\b|\b\d{{1,2}}\s*(?:{_MONTHS})\b|^\s*\d{{1,4}}[./-]\d{{1,2}}"
    r"(?:[./-]\d{1,4})?\.?\s*$|\d{1,2}월 ?\d{1,2}일|\b(?:yesterday|today|last week)\b",
    re.I,
)
_VOICE = re.compile(r"voice|modif|modulat|altered|음성변조|변조|자료|file|archive|資料", re.I)
_EVENT_HEADS = frozenset(
    words("""meeting conference briefing interview speech hearing forum rally ceremony address
    session debate event summit visit broadcast statement announcement remarks presser podcast
    livestream stream""")
)
_ROLE_HEADS = frozenset(
    words("""president pres. pres minister secretary spokesperson spokesman spokeswoman
    director chief chairman chairwoman chair chairperson governor commander researcher
    professor candidate coach
    reporter resident residents vendor witness manager mother father son daughter wife husband
    tourist tourists spectator actor actress critic economist rescuer wounded staff official
    officials officer ambassador representative envoy leader head ceo analyst expert lawmaker
    member student students citizen citizens worker workers employee victim survivor owner
    merchant farmer fisherman doctor nurse teacher lawyer attorney judge prosecutor advisor
    adviser negotiator mayor deputy general admiral colonel soldier veteran voter fan fans player
    singer producer writer author scholar fellow parent parents relative relatives family
    patient driver passenger guide visitor participant protester protesters activist organizer
    observer diplomat delegate nominee premier king queen senator congressman congresswoman
    chancellor dean pastor monk priest principal engineer scientist consultant strategist
    operator host anchor journalist editor columnist commentator neighbor neighbour crew sailor
    pilot firefighter detective investigator inspector assistant aide member-elect president-elect
    superintendent captain lieutenant sergeant trainee intern customer shopper consumer
    homeowner tenant landlord resident(s) evacuee refugee defector defectors mp vp pm""")
)
_ORG_HEADS = frozenset(
    words("""bank council committee ministry agency institute institution university college command
    chiefs association union federation foundation group corporation corp corp. company co co.
    inc inc. ltd ltd. action office service court assembly government tv television radio news
    times post daily journal network center centre organization organisation forces army navy
    military police department bureau commission board authority administration club team
    alliance coalition society church hospital academy fund cabinet embassy media broadcasting
    kcna yonhap reuters afp nhk cctv cnn bbc party parliament congress senate house
    headquarters secretariat federation cooperative""")
)
_ROLE_ACRONYMS = frozenset({"CEO", "CFO", "CTO", "COO", "MP", "PM", "VP", "PRES.", "GEN.",
                            "ADM.", "COL.", "LT.", "DR.", "REP.", "SEN."})
_TITLE_PREFIX = re.compile(
    r"^((?:(?:Former|Acting|Vice|Deputy|Ex-|Late)\s+)?(?:President|Pres\.|PRES\.|PRESIDENT|"
    r"Prime Minister|PM|Chairman|Chairwoman|Chair|Governor|Mayor|Minister|Secretary|Speaker|"
    r"Leader|Premier|Chancellor|King|Queen|Pope|Dr\.|Prof\.|Rep\.|Sen\.|Gen\.|Adm\.|Col\.|"
    r"Lt\.(?:\s*Gen\.|\s*Col\.)?|Maj\.(?:\s*Gen\.)?|Brig\.(?:\s*Gen\.)?|Capt\.|Sgt\.|Amb\.))"
    r"\s+(?=\S)",
    re.I,
)
#: where an English descriptor's head phrase ends ("Minister | of Foreign Affairs")
_HEAD_END = re.compile(r"\s+(?:of|for|at|in|on|from|to)\s+", re.I)
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,5}")
_ROLE_AT_ORG = re.compile(r"^(.+?)\s+at\s+(.+)$")
#: "Name - Role, Org": a dash between spaces, or at either end
_NAME_DASH = re.compile(r"\s+[-–—]\s+|\s+[-–—]$|^[-–—]\s+")
_RANKS = re.compile(r"^(?:Gen|Adm|Col|Lt|Maj|Brig|Capt|Sgt)\.", re.I)
_NAME_TOKEN = re.compile(r"^(?:[A-Z][a-z’'\.]*|[A-Z][A-Z’'\.]+)(?:-[A-Za-z]+)*$")
_LOWER_PARTICLES = frozenset({"of", "for", "the", "and", "at", "in", "on", "to", "de", "von"})
#: endings of Korean person nouns (roles); 이장/의장, 대변인/상인, 목격자, 방문객, 학생, 주민…
_KO_ROLE_SUFFIX = tuple(words("""
    후보 대표 의원 장관 대통령 총리 위원장 위원 교수 연구원 연구위원 주민
    시민 상인 관계자 대변인 회장 사장 원장 청장 소장 국장 과장 부장 실장
    팀장 감독 선수 코치 학생 기자 변호사 의사 간호사 목격자 피해자 유가족
    가족 운전자 관광객 대사 지사 시장 군수 구청장 총장 이사장 박사 당선인
    당선자 비서관 수석 차관 본부장 원내대표 최고위원 사무총장 지지자 어머니
    아버지 학부모 주부 직원 근로자 노동자 농민 어민 상인 회원 참가자 팬
    씨 군 양 전문가 애널리스트 이코노미스트 변호인 검사 판사 경찰 장 인
    자 객 생 민 사장 교사 의사 기사 목사 대원 요원 직원"""))
_KO_PLACES = frozenset(
    words("""미국 홍콩 중국 일본 영국 프랑스 독일 캐나다 호주 러시아 대만 타이완
    싱가포르 베트남 태국 필리핀 인도 인도네시아 말레이시아 몽골 브라질
    멕시코 스페인 이탈리아 네덜란드 스웨덴 노르웨이 핀란드 덴마크 폴란드
    우크라이나 튀르키예 터키 이집트 이란 이라크 이스라엘 칠레 아르헨티나
    페루 뉴질랜드 서울 부산 대구 인천 광주 대전 울산 세종 경기 강원 충북
    충남 전북 전남 경북 경남 제주 북한 남한""")
)


@dataclass(slots=True)
class Found:
    """A sound bite found in the record: its segment span and its quote (record offsets)."""

    seg_start: int
    seg_end: int
    quote: Quote
    cut: bool = False


# --------------------------------------------------------------------------- label reading


def _head(phrase: str) -> str:
    """The head noun of an English descriptor: last word before "of/for/at/in"."""
    p = _HEAD_END.split(phrase.strip(), maxsplit=1)[0]
    words = p.replace("’s", "").replace("'s", "").split()
    if not words:
        return ""
    return words[-1].strip(",;:\"“”'").lower()


def _is_acronym(tok: str) -> bool:
    tok = tok.strip(",;\"“”")
    return bool(_ACRONYM.fullmatch(tok)) and tok not in _ROLE_ACRONYMS


def _is_role(phrase: str) -> bool:
    if has_hangul(phrase):
        compact = phrase.replace(" ", "")
        return compact.endswith(_KO_ROLE_SUFFIX) or compact in _KO_PLACES
    return any(_head(part) in _ROLE_HEADS for part in phrase.split(","))


def _is_org(phrase: str) -> bool:
    if has_hangul(phrase):
        return not _is_role(phrase)
    if phrase.strip().startswith(("\"", "“")):
        return False
    if _head(phrase) in _ORG_HEADS:
        return True
    words = phrase.split()
    return len(words) == 1 and _is_acronym(words[0])


def classify_descriptor(desc: str) -> tuple[str | None, str | None]:
    """``"Chief Researcher, INSS"`` → (role, org); ``"KEB Hana Bank"`` → (None, org)."""
    desc = squash(desc.strip(" ,;:-–—/"))
    if not desc:
        return None, None
    m = _ROLE_AT_ORG.match(desc)
    if m and _is_role(m[1]) and not has_hangul(desc):
        return m[1], m[2]
    if "," in desc and not has_hangul(desc):
        first, rest = desc.split(",", 1)
        rest = rest.strip()
        if _is_role(first) and rest and _is_org(rest) and not _is_role(rest):
            return first.strip(), rest
    if _is_role(desc):
        return desc, None
    if has_hangul(desc) or any(_is_org(part) for part in desc.split(",")):
        return None, desc
    return desc, None


def _split_title_prefix(name: str) -> tuple[str | None, str]:
    """``"PRES. MOON"`` → ("PRES.", "MOON"); ``"Col. Lee Seong-joon"`` → ("Col.", "Lee …")."""
    m = _TITLE_PREFIX.match(name)
    if m and len(name) > m.end():
        return m[1].strip(), name[m.end():].strip()
    return None, name


def _is_name(s: str) -> bool:
    """A person's name as written: capitalised tokens (1–4), or 2–5 Hangul syllables."""
    s = s.strip()
    if not s:
        return False
    if has_hangul(s):
        compact = s.replace(" ", "")
        return len(compact) <= 6 and not _is_role(s)
    toks = s.split()
    if not 1 <= len(toks) <= 4:
        return False
    if _head(s) in _ROLE_HEADS or _head(s) in _ORG_HEADS or "’s" in s or "'s" in s:
        return False
    return all(_NAME_TOKEN.match(t) for t in toks)


def _name_at_end(s: str) -> tuple[str | None, str | None]:
    """``"US Secretary of State Mike Pompeo"`` → ("Mike Pompeo", "US Secretary of State")."""
    toks = s.split()
    if not toks or not _NAME_TOKEN.match(toks[-1]) or toks[-1].lower() in _ROLE_HEADS:
        return None, s or None
    take = 1
    if len(toks) >= 2 and _NAME_TOKEN.match(toks[-2]) and toks[-2].lower() not in _ROLE_HEADS \
            and toks[-2].lower() not in _LOWER_PARTICLES and not toks[-2].endswith("."):
        take = 2
    if len(toks) == 3 and take == 2 and _NAME_TOKEN.match(toks[0]) \
            and toks[0].lower() not in _ROLE_HEADS and not toks[0].endswith("."):
        take = 3
    name = " ".join(toks[-take:])
    rest = " ".join(toks[:-take]).strip(" ,") or None
    return name, rest


@dataclass(frozen=True, slots=True)
class Label:
    """What a sound-bite label says; frozen, as :func:`read_label` shares one per label."""

    speaker: str | None = None
    role: str | None = None
    organization: str | None = None
    language: str | None = None
    cut: bool = False


def _sort_groups(groups: list[str]) -> tuple[str | None, list[str]]:
    """Top-level bracket contents → (language, descriptors); dates and voice notes dropped."""
    language = None
    descs: list[str] = []
    for g in groups:
        lm = _LANGUAGE.match(g.strip())
        if lm:
            language = lm[1]
            continue
        g2 = drop_nested_parens(g)  # "Witness(VOICE MODIFIED)" → "Witness"
        if not g2:
            continue
        lm = _LANGUAGE.match(g2)
        if lm:
            language = lm[1]
            continue
        if _DATEISH.search(g2) and len(g2) < 80 and "/" not in g2:
            continue
        if "/" in g2 and _DATEISH.search(g2.split("/")[0]):
            continue
        if _VOICE.search(g2) and len(g2) < 30:
            continue
        descs.append(g2)
    return language, descs


@lru_cache(maxsize=4096)
def read_label(label: str, style: str) -> Label:
    """Read a sound-bite label into speaker / role / organisation / language.

    Cached: labels recur (the same officials and "Resident (Korean)" speak in story after
    story), and reading one takes dozens of string tests.
    """
    label = squash(label.strip(" :[]"))
    if not label:
        return Label()
    if style == "bracket":
        return _read_slash_label(label)
    base, groups, cut = split_top_parens(label)
    language, descs = _sort_groups(groups)
    base = base.strip(" ,:-")
    prefix_role: str | None = None
    desc_role: str | None = None
    org: str | None = None
    speaker: str | None = None
    dash = _NAME_DASH.split(base, maxsplit=1)
    if len(dash) == 2:  # "Name - Role, Org"
        name_part, desc_part = dash[0].strip(), dash[1].strip()
        descs.insert(0, desc_part)
        prefix_role, name_part = _split_title_prefix(name_part)
        speaker = name_part or None
    elif style == "world" and "," in base and _is_name(base.split(",", 1)[0]):
        name_part, desc_part = base.split(",", 1)
        speaker = name_part.strip()
        descs.insert(0, desc_part.strip())
    elif base:
        prefix_role, rest = _split_title_prefix(base)
        if style == "world" and not descs and not prefix_role:
            speaker, role_part = _name_at_end(rest)
            if speaker is None or (role_part is None and not _is_name(rest)):
                # no person named: an event or an outlet ("Repatriation ceremony", "KCNA")
                if _is_role(rest):
                    desc_role = rest
                else:
                    org = rest
                speaker = None
            elif role_part:
                prefix_role = role_part
        elif _is_name(rest):
            speaker = rest
        elif prefix_role is None and (_is_role(rest) or not descs):
            r, o = classify_descriptor(rest)
            desc_role, org = r, o
        else:
            speaker = rest
    if descs:
        r, o = classify_descriptor(drop_nested_parens(descs[0]))
        desc_role = desc_role or r
        org = org or o
    role = desc_role or prefix_role
    if prefix_role and desc_role and _RANKS.match(prefix_role) is None \
            and prefix_role.lower() not in desc_role.lower():
        role = desc_role
    return Label(speaker=speaker or None, role=role or None, organization=org or None,
                 language=language, cut=cut)


def _read_slash_label(label: str) -> Label:
    """News 9 ``Name/Title/Date`` labels."""
    parts = [p.strip() for p in label.split("/") if p.strip()]
    if not parts:
        return Label()
    first, rest = parts[0], parts[1:]
    base, groups, cut = split_top_parens(first)
    language, descs = _sort_groups(groups)
    prefix_role, name = _split_title_prefix(base)
    speaker = role = org = None
    if _is_name(name):
        speaker = name
    else:
        r, org = classify_descriptor(name)
        prefix_role = prefix_role or r
    for p in rest:
        if _DATEISH.search(p) or _head(p) in _EVENT_HEADS or _VOICE.search(p) and len(p) < 30:
            continue
        descs.append(p)
    if descs:
        r, o = classify_descriptor(drop_nested_parens(", ".join(descs[:1])))
        role = r or None
        org = org or o
    if role is None:
        role = prefix_role
    return Label(speaker=speaker, role=role, organization=org, language=language, cut=cut)


# --------------------------------------------------------------------------- quoted words

_CLOSE_CAND = re.compile(r"[\"”]")
#: the blank run after a closing quote mark that may separate it from the next quoted passage:
#: spaces and tabs around at most one line break
_GAP = re.compile(r"[ \t\r]*(?:\n[ \t\r]*)?")
#: what :func:`_colon_at_depth0` looks at: brackets, colons and quote marks
_LABEL_PUNCT = re.compile(f"[():{ALL_QUOTES}]")


def quoted_run(text: str, pos: int, limit: int) -> tuple[int, int, int, bool]:
    """From an opening quote at ``pos``: (words_start, words_end, segment_end, cut).

    Consecutive quoted passages after one label are one quote (``"…""…"``).  A closing mark
    counts when it follows sentence punctuation or ends a line; nested ``"Title,"`` does not.
    """
    words_start = pos + 1
    end = -1
    seg_end = limit
    cur = pos
    cut = False
    while True:
        close = -1
        last_any = -1
        for m in _CLOSE_CAND.finditer(text, cur + 1, limit):
            c = m.start()
            prev = text[c - 1] if c > 0 else ""
            nxt = text[c + 1] if c + 1 < len(text) else "\n"
            last_any = c
            if prev in ".?!…" or nxt in "\n[" or (prev not in " \t" and nxt.isupper()):
                close = c
                break
        if close < 0:
            close = last_any if last_any > cur and NON_SPACE.search(
                text, last_any + 1, limit) is None else -1
        if close < 0:
            if end < 0:
                end = content_end(text, words_start, limit)
                cut = _blank_from(text, limit)
            break
        end = close
        seg_end = close + 1
        after = _GAP.match(text, seg_end, limit).end()  # type: ignore[union-attr]
        if after < limit and text[after] in OPEN_QUOTES:
            cur = after
            continue
        break
    if cut:
        seg_end = end
    return words_start, end, seg_end, cut


def _colon_at_depth0(s: str, limit: int = 200) -> int:
    """Index of the first ``:`` outside brackets in ``s[:limit]``; -1 when there is none or a
    quote mark outside brackets comes first."""
    depth = 0
    for m in _LABEL_PUNCT.finditer(s, 0, limit):  # jumps to the next bracket, colon or quote
        ch = m[0]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            return m.start() if ch == ":" else -1
    return -1


def strip_words(text: str, a: int, b: int) -> tuple[int, int]:
    """Shrink ``[a, b)`` by whitespace and one pair of surrounding quote marks."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b and text[a] in OPEN_QUOTES:
        a += 1
        if b > a and text[b - 1] in CLOSE_QUOTES:
            b -= 1
    elif b > a and text[b - 1] in CLOSE_QUOTES and text[a:b].count(text[b - 1]) % 2 == 1:
        b -= 1
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _blank_from(text: str, pos: int) -> bool:
    """Whether nothing but whitespace follows ``pos`` (``len(text.rstrip()) <= pos``, without
    copying the text once per sound bite)."""
    return NON_SPACE.search(text, pos) is None


def _line_end(text: str, pos: int, limit: int) -> int:
    nl = text.find("\n", pos, limit)
    return limit if nl < 0 else nl


def read_line_soundbite(text: str, mk_start: int, mk_end: int, limit: int) -> Found:
    """``[Soundbite] Label : "words"``, ``<녹취> 이름(직함) : "…"``, ``[Soundbite]``+newline+
    ``Name: words``."""
    a = mk_end
    le = _line_end(text, a, limit)
    if not text[a:le].strip():
        # the label and words on the next non-empty line (2024 layout)
        nxt = le
        while nxt < limit and text[nxt] in " \t\r\n":
            nxt += 1
        if nxt < limit:
            le2 = _line_end(text, nxt, limit)
            line2 = text[nxt:le2]
            if line2[:1] in OPEN_QUOTES or _colon_at_depth0(line2) > 0:
                a, le = nxt, le2
    line = text[a:le]
    lead = len(line) - len(line.lstrip())
    body = line.lstrip()
    if not body:
        return Found(mk_start, mk_end, Quote(text="", label=None, start=mk_end, end=mk_end))
    if body[0] in OPEN_QUOTES:
        label_text = None
        wa = a + lead
        if text[wa] in OPEN_QUOTES and text.find(text[wa] if text[wa] == "\"" else "”",
                                                  wa + 1, le) < 0 and le < limit:
            ws, we, seg_end, cut = quoted_run(text, wa, limit)
            return Found(mk_start, seg_end, Quote(text=text[ws:we], start=ws, end=we), cut)
        ws, we = strip_words(text, wa, le)
        lab = Label()
    else:
        c = _colon_at_depth0(body)
        if c < 0:
            label_text = body.strip()
            lab = read_label(label_text, "line")
            q = Quote(text="", label=label_text, start=le, end=le)
            _apply(q, lab)
            return Found(mk_start, a + lead + len(body.rstrip()), q, lab.cut)
        label_text = body[:c].strip()
        lab = read_label(label_text, "line")
        ws, we = strip_words(text, a + lead + c + 1, le)
    # cut: the text ends on this line, and not with a closing quote mark (the line's body is
    # not blank, so its last visible character lies on it)
    cut = _blank_from(text, le) and text[content_end(text, a, le) - 1] not in CLOSE_QUOTES
    q = Quote(text=text[ws:we], label=label_text, start=ws, end=we)
    _apply(q, lab)
    return Found(mk_start, le, q, cut or lab.cut)


def read_world_soundbite(text: str, mk_start: int, mk_end: int, limit: int) -> Found:
    """``[Sound bite: Label]`` followed (maybe on the next line) by quoted words."""
    raw = text[mk_start:mk_end]
    inner = raw[raw.index(":") + 1:] if ":" in raw else ""
    closed = inner.endswith("]")
    label_text = inner.rstrip("]").strip()
    lab = read_label(label_text, "world")
    q = Quote(text="", label=("Sound bite: " + label_text) if label_text else "Sound bite",
              start=mk_end, end=mk_end)
    _apply(q, lab)
    seg_end = mk_end
    cut = not closed
    p = mk_end
    while p < limit and text[p] in " \t\r\n":
        p += 1
    if closed and p < limit and text[p] in OPEN_QUOTES:
        ws, we, seg_end, qcut = quoted_run(text, p, limit)
        q.text, q.start, q.end = text[ws:we], ws, we
        cut = cut or qcut
    return Found(mk_start, seg_end, q, cut)


def read_bracket_soundbite(text: str, mk_start: int, mk_end: int, limit: int) -> Found:
    """News 9 ``[Name/Title: "words"]`` and ``["words"]``."""
    le = _line_end(text, mk_start, limit)
    line = text[mk_start:le]
    c = _colon_at_depth0(line[1:])
    label_text = line[1:c + 1].strip() if c >= 0 else None
    words_from = mk_start + 1 + (c + 1 if c >= 0 else 0)
    close = line.rstrip().endswith("]")
    words_to = mk_start + len(line.rstrip()) - (1 if close else 0)
    ws, we = strip_words(text, words_from, words_to)
    lab = read_label(label_text, "bracket") if label_text else Label()
    q = Quote(text=text[ws:we], label=label_text, start=ws, end=we)
    _apply(q, lab)
    return Found(mk_start, mk_start + len(line.rstrip()), q, not close or lab.cut)


def _apply(q: Quote, lab: Label) -> None:
    q.speaker, q.role, q.organization, q.language = (
        lab.speaker, lab.role, lab.organization, lab.language)
