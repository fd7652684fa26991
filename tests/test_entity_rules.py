"""The entity rules on the kinds of error a reader sees first (fictional texts, no ../shared)."""

from __future__ import annotations

import re

import pytest

from dateline.enrich import english, gazetteer, korean
from dateline.enrich.entities import extract
from dateline.enrich.facts import Collector
from dateline.enrich.names import key_for
from dateline.model import ParsedStory, Segment


def _facts(text: str, title: str | None = None, language: str = "en") -> set[tuple[str, str]]:
    story = ParsedStory(text=text, language=language, title=title)
    story.segments = [Segment("report", text, 0, len(text))]
    return {(m.kind, m.key) for m in extract(story).mentions}


@pytest.mark.parametrize("text, wanted, unwanted", [
    # sites, monuments and parks are places, never people
    ("Crowds gathered at Anguk Intersection near Gyeongbokgung Palace and Namsan Tower.",
     {("place", "anguk intersection"), ("place", "gyeongbokgung palace"),
      ("place", "namsan tower")}, {"person"}),
    ("Wreaths were laid at the Taesong Revolutionary Cemetery and on Mount Paektu.",
     {("place", "taesong revolutionary cemetery"), ("place", "mount paektu")}, {"person"}),
    # capital letters alone make no person
    ("The Air Force said Arms Control talks with Harbour Logistics would resume.",
     set(), {"person"}),
    # a long title before a name, and a title glued onto a name
    ("DPRK Foreign Minister Choe Son Hui met Admiral Dana Whitcombe in Seoul.",
     {("person", "choe sonhui"), ("person", "dana whitcombe"), ("place", "north korea"),
      ("place", "seoul")}, set()),
    # organisations whole: X of the Y chains, possessive plurals, no run-on, split at "and"
    ("He met the Central Committee of the Workers' Party of Korea in Pyongyang.",
     {("org", "central committee of the workers' party of korea")}, set()),
    ("The Seoul High Court on Monday fined Harbour Electronics and Tidewater Motors.",
     {("org", "seoul high court"), ("org", "harbour electronics"), ("org", "tidewater motors")},
     set()),
    ("Delegates of the Pyongyang Children's Knitwear Factory attended.",
     {("org", "pyongyang children's knitwear factory")}, set()),
    # directions stay in provinces; KCNA's "south Korea"
    ("Farms in South Hamgyong Province helped, unlike the puppets of south Korea.",
     {("place", "south hamgyong province"), ("place", "south korea")}, set()),
    # fragments: a Spanish article, a month abbreviation, part of a country's long name
    ("Un grupo de turistas llegó el Aug. 3 a la Democratic People's Republic of Korea.",
     {("place", "north korea")}, {"org", "person"}),
    # names before a lower-case plural head
    ("The Unryul and Jaeryong mines and the Orang and Yonsa counties kept working.",
     {("org", "unryul mine"), ("org", "jaeryong mine"), ("place", "orang county"),
      ("place", "yonsa county")}, set()),
    # a word before "said" is no surname when it is a group, a company's suffix, an exchange
    # or a word the story writes in lower case too (a newswire's "Analysts said")
    ("Dealers said rates would fall. Harbour Ferry Corp said it agreed. The Portville Stock "
     "Exchange said trading resumed. Many bankers were cautious. Bankers said little. The "
     "Treasury said nothing.",
     {("org", "portville stock exchange")}, {"person"}),
])
def test_rules_type_what_a_reader_would(text: str, wanted: set[tuple[str, str]],
                                        unwanted: set[str]) -> None:
    found = _facts(text)
    assert wanted <= found, found
    assert not {kind for kind, _ in found - wanted} & unwanted, found


def test_rules_a_surname_written_in_lower_case_too_needs_the_full_name() -> None:
    """"Young said" stands for Dana Young when the story names her; a word the story also
    writes in lower case is no surname on its own."""
    named = _facts("Dana Young chairs the port board. Young said young sailors were needed.")
    assert ("person", "dana young") in named and ("person", "young") not in named
    alone = _facts("Young said young sailors were needed.")
    assert not {k for k, _ in alone} & {"person"}
    assert ("person", "whitcombe") in _facts("Whitcombe said the ferry would sail.")


def test_rules_a_newswire_headline_verb_and_table_words_are_no_names() -> None:
    found = _facts("Dana Whitcombe said the line would buy two ferries.",
                   title="DANA WHITCOMBE SAYS FERRY LINE SEES GROWTH")
    assert {key for kind, key in found if kind == "person"} == {"dana whitcombe"}
    found = _facts("Said Tomas Rennick, the port's manager: the ferries sail again.")
    assert ("person", "tomas rennick") in found
    table = _facts("Harbour Ferry Line 3rd Qtr Net\n    Shr 12 cts vs 10 cts\n    Nine Mths\n"
                   "    Shr 40 cts vs 31 cts\n")
    assert not {k for k, _ in table} & {"person"}, table


def test_rules_a_firm_named_like_a_person_is_the_firm_in_its_story() -> None:
    found = _facts("Tomas Rennick and Co Inc said it bought two ferries. An analyst at "
                   "Tomas Rennick said the price was fair.")
    assert {kind for kind, _ in found} == {"org"}, found
    # a person whose name a body's name merely starts with stays a person
    found = _facts("Dana Whitcombe spoke at the Dana Whitcombe Foundation on Monday.")
    assert ("person", "dana whitcombe") in found


def test_rules_a_lone_word_before_said_is_the_company_its_story_names() -> None:
    found = _facts("Portwell Tool Co agreed to buy the yard. Portwell said its offer was final.")
    assert found == {("org", "portwell tool co")}, found
    # a company whose name merely holds a person's surname leaves the person alone
    found = _facts("Dana Portwell runs the yard. Portwell said it would grow. Portwell Tool "
                   "Co agreed.")
    assert ("person", "dana portwell") in found


@pytest.mark.parametrize("text, title, wanted", [
    # a nationality's adjective that starts a company's name is part of it
    ("American Harbour Freight Co said it would sell the unit to British Tidewater Co Plc.",
     None, {("org", "american harbour freight co"), ("org", "british tidewater co plc")}),
    # a partnership written with its comma, and two firms joined by "and"
    ("Underwriters are Portwell, Rennick and Co and Whitcombe Freight Inc and Dana Tool "
     "Co Inc.", None, {("org", "portwell rennick and co"), ("org", "whitcombe freight inc"),
                       ("org", "dana tool co inc")}),
    # a firm named in the possessive is one name
    ("The notes are rated A-2 by Moody's Investors Service Inc, a trader said.",
     None, {("org", "moody's investors service inc")}),
    # a headline in capitals names its company whole
    ("Shr 1.20 dlrs vs 1.10 dlrs. Net 10 mln vs nine mln.",
     "HARBOUR FERRY GROUP INC <HFG> 4TH QTR NET", {("org", "harbour ferry group inc")}),
    # a firm's word alone is the firm its story names with that word and an ending alone
    ("Portwell Freight Ltd is owned by Portwell SA. Portwell said it would sell.",
     None, {("org", "portwell freight ltd"), ("org", "portwell sa")}),
])
def test_rules_read_companies_whole(text: str, title: str | None,
                                    wanted: set[tuple[str, str]]) -> None:
    assert _facts(text, title) == wanted


def test_rules_keep_a_nationality_out_of_other_names() -> None:
    found = _facts("American officials met the Japanese delegation of the Harbour Council.")
    assert not any(key.startswith(("american", "japanese")) for _, key in found), found
    found = _facts("In Portwell, Rennick and Co said the yard would reopen.")
    assert ("org", "in portwell rennick and co") not in found


@pytest.mark.parametrize("text, wanted", [
    # a person of an organisation, an organisation's officer: two entities, never one body
    ("Rates will fall, said Dana Whitcombe of Harbour Data Resources Inc.",
     {("person", "dana whitcombe"), ("org", "harbour data resources inc")}),
    ("Harbour Ferry Corp Chairman T.R. Vellan said the line would grow.",
     {("org", "harbour ferry corp"), ("person", "t r vellan")}),
    ("Bank of Pinehollow Governor Tarn Veloso said rates would stay.",
     {("org", "bank of pinehollow"), ("person", "tarn veloso")}),
    ("Unification Ministry Spokesperson Koo Byoung-sam said talks would resume.",
     {("org", "unification ministry"), ("person", "koo byoungsam")}),
    ("Senate Majority Leader Dana Whitcombe said the bill would pass.",
     {("org", "senate"), ("person", "dana whitcombe")}),
    # a long title of the form "X of Y" before a name
    ("Minister of Foreign Affairs Choe Son Hui met Governor of the Bank of Greece Tarn Veloso.",
     {("person", "choe sonhui"), ("person", "tarn veloso"), ("org", "bank of greece")}),
    # ranks of the armed services are titles, the staff of an army a body
    ("Army Colonel Ri Un Ryong and Navy Lieutenant Commander Yu Kyong Song spoke at the KPA "
     "General Staff.",
     {("person", "ri unryong"), ("person", "yu kyongsong"),
      ("org", "general staff of the korean people's army")}),
    # a known long name with a title word and "and" in it
    ("Talks under the General Agreement on Tariffs and Trade resumed.",
     {("org", "general agreement on tariffs and trade")}),
    # Korean names with a syllable that is also an English word or a month
    ("Present were Chairman Pak In Chol and Minister of Commerce Kwak Jong Jun.",
     {("person", "pak inchol"), ("person", "kwak jongjun")}),
    # particles inside a name
    ("Finance Minister Tarn du Veloso said the budget was final.",
     {("person", "tarn du veloso")}),
    # a body's officials are no person
    ("Officials of the Ministry of Light Industry visited.",
     {("org", "ministry of light industry")}),
    # short names of the financial news; a union that is a country
    ("The Fed said the IMF would lend to the Soviet Union.",
     {("org", "federal reserve"), ("org", "international monetary fund"),
      ("place", "soviet union")}),
])
def test_rules_split_people_from_their_bodies_and_titles(
        text: str, wanted: set[tuple[str, str]]) -> None:
    found = _facts(text)
    assert found == wanted, found


def test_rules_read_the_title_and_mark_its_mentions() -> None:
    story = ParsedStory(text="The leader inspected the port on Monday.", language="en",
                        title="Kim Jong Un Inspects Wonsan Port Construction")
    story.segments = [Segment("report", story.text, 0, len(story.text))]
    mentions = extract(story).mentions
    titled = {(m.kind, m.key) for m in mentions if m.note == "title"}
    assert ("person", "kim jongun") in titled and ("place", "wonsan port") in titled
    assert all(m.start == m.end == 0 for m in mentions if m.note == "title")
    # words the body never capitalises are not names: "Inspects", "Construction"
    assert not any("inspects" in m.key or "construction" in m.key for m in mentions)


def test_rules_all_capital_labels_read_in_mixed_case() -> None:
    text = 'PRES. PARK SOL-BIN : "We will meet." NAT\'L ASSEMBLY TRADE COMMITTEE'
    reading = english.reading_text(text)
    assert len(reading) == len(text)
    assert reading.startswith("Pres. Park Sol-bin")
    assert "Nat'l Assembly Trade Committee" in reading
    found = _facts(text)
    assert ("person", "park solbin") in found
    assert ("org", "nat'l assembly trade committee") in found


def test_rules_recase_title_keeps_only_evidence() -> None:
    body = "Officials of the Songhang Farm in the DPRK moved into new houses."
    title = "Farmers of Songhang Farm in DPRK Move into New Houses"
    recased = english.recase_title(title, body)
    assert len(recased) == len(title)
    assert "Songhang Farm" in recased and "DPRK" in recased and "move into new houses" in recased


def test_rules_sound_bite_roles_give_their_organisation_not_a_person() -> None:
    found = _facts("[Soundbite] Han Gyeol-mi(Harbour Party Presidential Candidate) : \"Yes.\" "
                   "[Soundbite] Oh Da-som(Market Vendor) : \"No.\"")
    assert ("org", "harbour party") in found
    assert not {k for kind, k in found if kind == "person" and "vendor" in k}
    assert not {k for kind, k in found if kind == "org" and "candidate" in k}


def test_rules_country_qualifiers_share_an_organisation_key() -> None:
    assert key_for("org", "Ministry of National Defence of the DPRK") == key_for(
        "org", "DPRK Ministry of National Defence") == "ministry of national defence"
    assert key_for("org", "WPK Central Committee") == key_for(
        "org", "Central Committee of the Workers' Party of Korea")
    assert key_for("org", "Workers' Party of Korea") == "workers' party of korea"


@pytest.mark.parametrize("form, context, kind", [
    ("박솔빈", "박솔빈 대변인은 말했다", "person"),     # a title after the name
    ("솔빈", "재판장 솔빈은", "person"),                # a title before it
    ("타델리아", "타델리아 2세가 즉위했다", "person"),  # a regnal number
    ("한국거래소", "한국거래소는 밝혔다", "org"),        # an organisation's suffix
    ("하늘여행사", "하늘여행사 직원이", "org"),          # a word only bodies take
    ("경주시", "경주시에서", "place"),                  # a place suffix beats a name's form
    ("미국", "미국은", "place"),                        # the gazetteer
    ("한국어", "한국어를", None),                       # a language
    ("두리", "당의 두리에", None),                      # a word Kiwi takes for a name
    ("지머맨", "본명은 지머맨이다", None),              # a loanword, not a Korean name's form
    ("영천시", "영천시 측에 따르면", "place"),          # a city's government is the city
    ("새솔당", "새솔당 원내대표는", "org"),             # a party, though a title follows
])
def test_korean_proper_nouns_typed(form: str, context: str, kind: str | None) -> None:
    at = context.index(form)
    assert korean.kind_of(form, context, at, at + len(form)) == kind


def test_korean_scan_finds_bodies_written_as_common_nouns() -> None:
    text = "소방방재청은 외교부와 함께 하늘여행사 직원에게 알렸다."
    col = Collector(text)
    korean.scan(col, text, [("하늘여행사", text.index("하늘"), text.index("하늘") + 5)])
    assert {(m.kind, m.surface) for m in col.mentions} == {
        ("org", "소방방재청"), ("org", "외교부"), ("org", "하늘여행사")}


def test_korean_scan_joins_a_name_and_its_head() -> None:
    text = "리비아 공군은 UN 안전보장이사회 결의 뒤 타델리아 해양박물관을 지났다."
    found = [("리비아", 0, 3), ("타델리아", text.index("타델"), text.index("타델") + 4)]
    col = Collector(text)
    korean.scan(col, text, found)
    assert {(m.kind, m.surface) for m in col.mentions} == {
        ("org", "리비아 공군"), ("place", "리비아"),  # a country before a body is a place too
        ("org", "UN 안전보장이사회"), ("place", "타델리아 해양박물관")}


def _scanned(text: str, found: list[str]) -> set[tuple[str, str]]:
    col = Collector(text)
    korean.scan(col, text, [(f, text.index(f), text.index(f) + len(f)) for f in found])
    return {(m.kind, m.surface) for m in col.mentions}


def test_korean_scan_drops_a_particle_the_analyser_kept() -> None:
    # Kiwi sometimes tags a name with its particle as one proper noun
    assert ("place", "포르투갈") in _scanned("포르투갈의 나다르 선수가 이겼다.", ["포르투갈의"])
    assert ("person", "한솔민") in _scanned("결승에서 한솔민이 나다르를 꺾었다.", ["한솔민이"])
    assert ("place", "유라시아주") not in _scanned("유라시아주의 운동이 커졌다.", ["유라시아주의"])


def test_korean_scan_keeps_a_korean_name_apart_from_the_word_before() -> None:
    got = _scanned("두잇리서치 최종호 대표는 말했다. 부조종사 고한결(37)씨가 다쳤다.",
                   ["두잇리서치", "최종호", "부조종사", "고한결"])
    assert ("person", "최종호") in got and ("person", "고한결") in got
    assert not {s for k, s in got if " " in s}


def test_korean_scan_joins_a_three_part_and_a_hyphenated_foreign_name() -> None:
    text = "위원장 에이미 코니 바렐의 지명 뒤 아네타 크롬-카렌바흐 자를란트 주 총리가 왔다."
    got = _scanned(text, ["에이미 코니", "바렐의", "아네타", "크롬", "카렌바흐", "자를란트"])
    assert ("person", "에이미 코니 바렐") in got
    assert ("person", "아네타 크롬-카렌바흐") in got and ("place", "자를란트 주") in got


def test_korean_scan_keeps_a_korean_name_apart_from_a_loanword_before_it() -> None:
    # a job written in loanwords ("키커") is no given name; "버락 오바마" stays whole;
    # a word of six syllables after a given name is no family name ("솔빛맘코리아", a body)
    text = ("1번 키커 이솔민과 2번 키커 한다빈이 찼다. 버락 오바마가 왔다. "
            "마이클 솔빛맘코리아 대표가 말했다.")
    got = _scan_kinds(text, ("키커", "이솔민", "한다빈", "버락", "오바마", "마이클",
                             "솔빛맘코리아"))
    assert {("person", "이솔민"), ("person", "한다빈"), ("person", "버락 오바마")} <= got
    assert not {s for k, s in got if "키커" in s or "마이클 솔빛맘코리아" in s}


def test_korean_country_names_are_known_as_korean_text_writes_them() -> None:
    # pycountry writes "남아프리카 공화국"; a Korean article writes it without the space
    assert {"남아프리카 공화국", "남아프리카공화국"} <= gazetteer.korean_country_names()
    assert korean.describes("남아프리카공화국") and korean.describes("UNHCR")
    assert not korean.describes("퀸") and not korean.describes("라르센")


def test_korean_scan_finds_well_known_people_and_never_a_ship() -> None:
    got = _scanned("시진핑이 방문했고 세월호 유가족과 나로호 발사를 말했다.", ["세월호", "나로호"])
    assert got == {("person", "시진핑")}


def test_korean_scan_follows_a_place_down_to_its_villages() -> None:
    text = "충청남도 연기군 금남면 도암리 농장과 울진군 북면 야산, 서울시 역삼동에서 났다."
    got = _scanned(text, ["충청남도", "연기군", "금남면", "울진군", "서울시"])
    assert {("place", "도암리"), ("place", "북면"), ("place", "역삼동")} <= got
    assert ("place", "농장과") not in got


def test_korean_scan_reads_embassies_armies_and_chambers() -> None:
    got = _scanned("주러시아 대한민국 대사관과 이스라엘군, 미 상원이 밝혔다.",
                   ["러시아", "대한민국", "이스라엘", "미"])
    assert {("org", "대한민국 대사관"), ("place", "대한민국"), ("org", "이스라엘군"),
            ("place", "이스라엘"), ("org", "미 상원")} <= got


def test_korean_scan_joins_a_foreign_name_kiwi_splits() -> None:
    text = ("대표 베르나 솔라비치도 환영했고, 파티마 오렌셀의 연설이 이어졌다. "
            "텍사스주에서도 그랬다.")
    found = [(w, text.index(w), text.index(w) + len(w))
             for w in ("베르나", "솔라비치", "파티마", "오렌셀", "텍사스")]
    col = Collector(text)
    korean.scan(col, text, found)
    assert {(m.kind, m.surface) for m in col.mentions} == {
        ("person", "베르나 솔라비치"), ("person", "파티마 오렌셀"), ("place", "텍사스주")}


def _scan_kinds(text: str, words: tuple[str, ...]) -> set[tuple[str, str]]:
    found = [(w, i, i + len(w)) for w in words for i in _starts(text, w)]
    col = Collector(text)
    korean.scan(col, text, sorted(found, key=lambda f: f[1]))
    return {(m.kind, m.surface) for m in col.mentions}


def _starts(text: str, word: str) -> list[int]:
    out, at = [], text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out


def test_korean_scan_types_a_name_by_the_evidence_of_all_its_mentions() -> None:
    # no single mention of "솔바람해운" is typed by its own reading; its context is
    text = "솔바람해운은 오늘 발표했다. 선장은 솔바람해운 임원에 대한 재판에서 진술했다."
    assert _scan_kinds(text, ("솔바람해운",)) == {("org", "솔바람해운")}
    # the untyped mentions take the type the others' words give it
    text = "타델리아 당선인이 말했다. 타델리아는 내일 떠난다."
    assert _scan_kinds(text, ("타델리아",)) == {("person", "타델리아")}


def test_korean_scan_types_the_members_of_a_list_by_its_head() -> None:
    text = "누리카, 솔바, 다온 등의 유럽계 업체들이 진출했다."
    assert _scan_kinds(text, ("누리카", "솔바", "다온")) == {
        ("org", "누리카"), ("org", "솔바"), ("org", "다온")}


def test_korean_scan_keeps_anonymised_people_unnamed() -> None:
    text = "최모(31)씨와 최씨의 약혼남 박모(33)씨가 다쳤다."
    assert not {k for k, _ in _scan_kinds(text, ("최모", "최", "박모"))} & {"person"}


def test_korean_scan_finds_names_the_analyser_cut_by_their_title_or_list() -> None:
    # the analyser gives none of these names whole but 정다빈; "하지만" is no name
    text = ("솔나라 대통령은 황솔빈 감사원장, 문다온 외교부 대변인을 임명했다. 하지만 대변인 "
            "김누리는 임솔찬, 정다빈, 안솔민을 만났다.")
    found = [("정다빈", text.index("정다빈"), text.index("정다빈") + 3)]
    col = Collector(text)
    korean.scan(col, text, found)
    persons = {m.surface for m in col.mentions if m.kind == "person"}
    assert persons == {"황솔빈", "문다온", "김누리", "임솔찬", "정다빈", "안솔민"}


def test_korean_scan_keeps_a_name_out_of_the_body_after_it() -> None:
    text = "조다온 외교부 대변인은 유감을 표했다."
    assert _scan_kinds(text, ("조다온",)) == {("person", "조다온")}


def test_korean_scan_finds_areas_sites_and_media_written_as_common_nouns() -> None:
    text = ("수도권과 동해안, 서해남부 해상에 이어 국도 7호선과 솔내고속도로가 막혔고 "
            "국립솔내박물관은 문을 닫았다고 솔내뉴스가 전했다. 대한민국 검찰은 수사했다.")
    kinds = _scan_kinds(text, ("솔내", "대한민국"))
    assert {s for k, s in kinds if k == "place"} >= {
        "수도권", "동해안", "서해남부", "국도 7호선", "솔내고속도로", "국립솔내박물관"}
    assert {s for k, s in kinds if k == "org"} >= {"솔내뉴스", "대한민국 검찰"}


@pytest.mark.parametrize("form, context, kind", [
    ("한솔강", "한솔강 지류에서", "place"),           # a river
    ("소행성", "혜성과 소행성의 충돌", None),          # not a name, though a surname starts it
    ("봉다온", "봉다온의 영화", "person"),             # a surname of the longer list
    ("성실히", "성실히 일했다", None),                 # an adverb, though a surname starts it
])
def test_korean_name_forms_told_from_common_nouns(form: str, context: str,
                                                  kind: str | None) -> None:
    at = context.index(form)
    assert korean.kind_of(form, context, at, at + len(form)) == kind


def test_korean_scan_keeps_a_regnal_number_with_the_name() -> None:
    text = "타델리아 2세가 즉위했다."
    assert _scan_kinds(text, ("타델리아",)) == {("person", "타델리아 2세")}


def test_korean_scan_finds_agencies_hospitals_and_island_chains() -> None:
    text = "YG엔터테인먼트와 솔빛병원은 밝혔다. 다온 열도에서 솔내헌법재판소는 물었다."
    kinds = _scan_kinds(text, ("다온",))
    assert {s for k, s in kinds if k == "org"} == {"YG엔터테인먼트", "솔빛병원", "솔내헌법재판소"}
    assert {s for k, s in kinds if k == "place"} == {"다온 열도"}


def test_a_korean_city_is_one_place_with_or_without_its_status() -> None:
    assert key_for("place", "울산광역시") == key_for("place", "울산") == "울산"
    assert key_for("place", "세종특별자치시") == key_for("place", "세종")
    assert key_for("place", "광역시") == "광역시"  # a status alone stays what it is


def test_korean_scan_tells_construction_work_from_a_corporation() -> None:
    text = "솔내도시공사는 관개공사와 확장공사를 맡았다."
    assert _scan_kinds(text, ()) == {("org", "솔내도시공사")}


def test_korean_scan_finds_known_bodies_wherever_written() -> None:
    # names the analyser need not tag: the longest known name that fits, a particle after it
    text = ("교보문고에서 팔린 한겨레21과 롯데 자이언츠의 책을 두고 롯데 측은 말이 없었다. "
            "교보문고서비스라는 회사도 있다. 위너는 이겼다.")
    kinds = _scan_kinds(text, ("롯데",))
    assert {s for k, s in kinds if k == "org"} == {"교보문고", "한겨레21", "롯데 자이언츠", "롯데"}
    # a word that is also a common one ("winner") is a body only where the analyser says so
    assert ("org", "위너") in _scan_kinds(text, ("위너",))
    assert not {s for _, s in kinds if "위너" in s}


@pytest.mark.parametrize("form, context, kind", [
    ("배솔장", "배솔장 설치가 끝났다", None),          # given names seldom end so
    ("배치된", "배치된 부대", None),                    # a verb the analyser took for a name
    ("솔빛절", "솔빛절을 맞아", None),                  # a holiday
    ("자랑찬 위훈", "자랑찬 위훈을", None),              # words of a phrase, not a name
    ("다온 솔빈", "다온 솔빈은", "person"),             # a foreign name of two words
])
def test_korean_words_that_only_look_like_names(form: str, context: str,
                                                kind: str | None) -> None:
    at = context.index(form)
    assert korean.kind_of(form, context, at, at + len(form)) == kind


def test_korean_scan_tells_a_statue_and_an_ism_from_a_person_and_a_state() -> None:
    text = "박솔빈 장군 동상 앞에서 박솔빈주의를 외쳤고 솔내주의 주민과 다온 요금소에 갔다."
    kinds = _scan_kinds(text, ("박솔빈", "솔내", "다온"))
    assert ("place", "박솔빈 장군 동상") in kinds and ("place", "다온 요금소") in kinds
    assert not {s for _, s in kinds if s.startswith("박솔빈주")}


def test_korean_scan_joins_a_body_and_the_place_before_it() -> None:
    text = "대한민국 솔빛청은 서울 다온경찰서와 15일 솔내위원회에 알렸다."
    kinds = _scan_kinds(text, ("대한민국", "서울"))
    assert {s for k, s in kinds if k == "org"} == {"대한민국 솔빛청", "서울 다온경찰서",
                                                   "솔내위원회"}
    # a country before a body is a place as well; a city is part of the body's name
    assert {s for k, s in kinds if k == "place"} == {"대한민국"}


def test_korean_scan_keeps_places_in_a_row_and_roadworks_apart() -> None:
    text = "솔면 다온리에서 솔빛로 확장공사가 멈췄고 솔내반도와 이바라키현도 흔들렸다."
    kinds = _scan_kinds(text, ("솔면", "다온리", "솔빛로", "솔내", "이바라키현"))
    assert {("place", "다온리"), ("place", "솔내반도"), ("place", "이바라키현")} <= kinds
    assert not {s for _, s in kinds if s.startswith("솔면 ")}  # two units, not one name
    assert not {s for k, s in kinds if k == "org"}


def test_korean_scan_joins_no_verb_into_a_cut_name() -> None:
    text = "불합리하게 배치된 청장년 로력을 줄였다."
    assert not {s for _, s in _scan_kinds(text, ())}


def test_korean_scan_leaves_out_a_company_service_and_cameras() -> None:
    text = "카카오톡과 카카오페이가 멈췄고, 카카오는 사과했다. 아이폰3GS 화면과 CCTV를 KT가 살폈다."
    got = _scanned(text, ["카카오톡", "카카오페이", "카카오"])
    assert ("org", "KT") in got and ("org", "카카오") in got
    assert not {s for _, s in got} & {"카카오톡", "카카오페이", "GS", "CCTV"}


def test_korean_scan_reads_clubs_countries_cut_and_ambiguous_places() -> None:
    text = ("FC 바로니아와 레알 카스티야 CF, 볼리냐 FC 1909와의 경기 뒤 "
            "조선민주주의인민공화국에서도 서울 550명, 경기 257명이 나왔다. "
            "이란현과 아카나 역, 도호쿠 지방에도 눈이 왔다.")
    found = ["바로니아", "레알 카스티야", "볼리냐", "조선", "서울", "경기", "이란현", "아카나",
             "도호쿠"]
    got = _scanned(text, found)
    assert {("org", "FC 바로니아"), ("org", "레알 카스티야 CF"), ("org", "볼리냐 FC 1909"),
            ("place", "조선민주주의인민공화국"), ("place", "경기"), ("place", "이란현"),
            ("place", "아카나 역"), ("place", "도호쿠 지방")} <= got
    assert ("place", "조선") not in got


def test_korean_scan_types_no_railway_line_or_loanword_pair_as_a_person() -> None:
    text = "도카이 신칸센과 쇼난 다카노 라인이 멈췄고 코로나 범유행 뒤 리즈 트러스가 말했다."
    got = _scanned(text, ["도카이 신칸센", "쇼난 다카노 라인", "코로나 범유행", "리즈 트러스"])
    assert {s for k, s in got if k == "person"} == {"리즈 트러스"}


def test_korean_kind_of_a_surname_alone_and_words_that_end_no_name() -> None:
    # a surname alone is someone only with a title after it, and not an anonymised one
    assert korean.kind_of("문", "문 대통령이 말했다", 0, 1) == "person"
    assert korean.kind_of("이", "이 씨가 말했다", 0, 1) is None
    assert korean.kind_of("리", "사무총장 리 발언", 5, 6) is None
    # ethnic groups, laws, editions, ring roles: no given name ends so
    for word in ("조선족", "연금법", "한정판", "공급책"):
        assert korean.kind_of(word) is None, word
    # words the analyser tags as proper nouns in news of the 2020s
    assert korean.kind_of("유튜버") is None and korean.kind_of("범유행") is None


def test_korean_scan_reads_matches_councils_districts_and_bases() -> None:
    text = ("홍콩전에서 이겼다. 전국가맹점협의회와 부산상담소가 밝혔다. 파리 10구와 동창리 기지, "
            "강남대로에서 리즈 트러스가 말했고 베이징 궈안을 이겼다.")
    got = _scanned(text, ["홍콩전", "파리", "동창리", "강남", "리즈 트러스", "베이징 궈안"])
    assert {("place", "홍콩"), ("org", "전국가맹점협의회"), ("org", "부산상담소"),
            ("place", "파리 10구"), ("place", "동창리 기지"), ("place", "강남대로"),
            ("person", "리즈 트러스")} <= got
    assert ("person", "베이징 궈안") not in got


def _described(text: str, persons: list[str], orgs: list[str]) -> set[str]:
    col = Collector(text)
    for kind, names in (("person", persons), ("org", orgs)):
        for name in names:  # every occurrence
            for at in (m.start() for m in re.finditer(re.escape(name), text)):
                col.add(kind, name, at, at + len(name))
    return {m.surface for m in korean.drop_described(col.mentions, text) if m.kind == "org"}


def test_korean_bodies_named_only_in_a_description_are_no_mention() -> None:
    text = ("국회 정보위원회 소속 한빛당 고한결 의원과 새날당 비상대책위원장 나다솜, "
            "최누리(가람대) 교수가 말했다. 보람부 장관도 왔다.")
    assert _described(text, ["고한결", "나다솜", "최누리"],
                      ["국회", "정보위원회", "한빛당", "새날당", "가람대", "보람부"]) == set()
    # named for itself once, a body keeps every mention
    text = "새날당 비상대책위원장 나다솜이 말했다. 새날당은 회의를 열었다."
    assert _described(text, ["나다솜"], ["새날당"]) == {"새날당"}


def test_korean_scan_reads_committees_districts_roads_and_teams() -> None:
    text = ("국방부 장관 한솔민은 외통위와 다온특위에 나왔다. 솔내 갑 후보와 송파구 을 선거구, "
            "솔빛동IC와 솔빛대로 다온대교 남단이 막혔다. 가온 축구 국가대표팀과 대법원, "
            "솔빛안전처 다온소방본부, 광주MBC가 밝혔다. 미 국무장관도 왔다.")
    got = _scanned(text, ["한솔민", "솔빛대로", "가온"])
    assert {("person", "한솔민"), ("org", "외통위"), ("org", "다온특위"),
            ("place", "솔내 갑"), ("place", "송파구 을"), ("place", "솔빛동IC"),
            ("place", "솔빛대로"), ("place", "다온대교"), ("org", "가온 축구 국가대표팀"),
            ("org", "대법원"), ("org", "솔빛안전처 다온소방본부"), ("org", "광주MBC"),
            ("place", "미")} <= got
    # a ministry before its minister is no person; a body after another is part of it; a road
    # and the bridge after it stay two places
    assert not {s for _, s in got} & {"국방부", "솔빛안전처", "다온소방본부", "솔빛대로 다온대교",
                                       "송파구"}


def test_korean_kind_of_places_in_things_wikis_and_bodies_by_what_they_are() -> None:
    assert korean.kind_of("유라시아", "유라시아판 밑으로", 0, 4) is None  # a plate
    assert korean.kind_of("스웨덴", "스웨덴어 위키", 0, 3) is None  # a language
    assert korean.kind_of("도카이도", "도카이도 신칸센이", 0, 4) is None  # a line
    assert korean.kind_of("스웨덴", "스웨덴에서", 0, 3) == "place"
    assert korean.kind_of("히브리어위키여행") is None
    assert korean.kind_of("지지율") is None and korean.kind_of("추징금") is None
    assert korean.kind_of("가람사", "출판사인 가람사의 책", 5, 8) == "org"


def test_korean_scan_reads_armies_groups_sections_and_survey_regions() -> None:
    text = ("솔빛군이 아니라 북한군과 NATO군, 주한 미군이 G20에 맞섰다. FIFA 집행위원회와 "
            "경북권 응답자, 산본-오이도 구간과 서대전역이 나왔다. 가처분신청과 협조요청을 냈다.")
    got = _scanned(text, ["산본", "오이도", "서대전역"])
    assert {("org", "북한군"), ("place", "북한"), ("org", "NATO군"), ("org", "주한 미군"),
            ("place", "미"), ("org", "G20"), ("org", "FIFA 집행위원회"), ("place", "경북권"),
            ("place", "산본"), ("place", "오이도")} <= got
    # a county is no army; applications and requests are no agencies; section ends stay apart
    assert not {s for _, s in got} & {"솔빛군", "가처분신청", "협조요청", "산본-오이도",
                                       "집행위원회"}
    assert korean.kind_of("서대전") == "place" and korean.kind_of("동일본") != "place"
    assert korean.kind_of("이영희", "김철수와 이영희 사이에", 5, 8) == "person"


def test_korean_scan_reads_a_ministry_of_an_office_federations_and_the_armed_forces() -> None:
    text = "제1대 문교부 장관을 지냈다. 대한민국 국군과 전국솔빛노동조합연맹이 밝혔다."
    got = _scanned(text, ["대한민국"])
    assert {("org", "대한민국 국군"), ("place", "대한민국"), ("org", "전국솔빛노동조합연맹")} <= got
    assert not {s for k, s in got if k == "person"}  # "문교부" before its minister is no one
    assert korean.kind_of("설치류") is None


def test_korean_scan_reads_a_name_an_office_follows_as_a_person() -> None:
    # the office comes after a country, a body or both, or glued to its field; "하원의장" is
    # an office, not the chamber
    text = ("나리코 파탈 중국 외교부 대변인은 밝혔다. 또 톨레 바운 국방장관에게 전화했다. "
            "루시아 몬드렐 하원의장과 만났다.")
    got = _scan_kinds(text, ("나리코 파탈", "중국", "톨레", "바운", "루시아 몬드렐"))
    assert {("person", "나리코 파탈"), ("person", "톨레 바운"),
            ("person", "루시아 몬드렐")} <= got
    assert not {s for k, s in got if k == "org" and "하원" in s}


def test_korean_scan_joins_a_foreign_name_after_a_title_or_a_given_name() -> None:
    # a title before the first word: no body's name before a Korean one ("솔빛서베이 최종민");
    # a family name with loanword syllables after a given name Korean names could have; the
    # "이" of "파로바이" is the name's, a proper noun a space after it
    text = ("내무부 장관 슐레이만 도일루가 말했다. 마이클 오브라이엔이 왔다. "
            "솔빛서베이 최종민 대표는 말했다. 소론바이 제엔베토프를 지지했다.")
    got = _scan_kinds(text, ("슐레이만", "도일루", "마이클", "오브라이엔", "솔빛서베이", "최종민",
                             "소론바이", "제엔베토프"))
    assert {("person", "슐레이만 도일루"), ("person", "마이클 오브라이엔"),
            ("person", "소론바이 제엔베토프")} <= got
    assert ("person", "최종민") in got


@pytest.mark.parametrize("form, wanted", [
    ("인천 강화군", (2, 3)), ("대전 갈마동", (2, 3)), ("경기도 고양시", (3, 4)),
    ("인천 광역시", None), ("서울 수서역", None), ("대전 서구을", None), ("파리 10구", None),
])
def test_an_address_read_as_one_place_is_a_place_for_each_link(
        form: str, wanted: tuple[int, int] | None) -> None:
    assert korean.address_parts(form) == wanted


@pytest.mark.parametrize("written, anonymous", [
    ("김씨와", True), ("김모씨에게", True), ("이 모 씨가", True), ("오모(29)씨가", True),
    ("임 씨는", True), ("문 대통령은", False), ("김 위원장이", False), ("박 군은", True),
    ("김양이", True), ("박 군수는", False), ("이 양국은", False),
])
def test_a_surname_alone_before_ssi_names_nobody(written: str, anonymous: bool) -> None:
    assert korean.anonymous(written[0], written, 1) is anonymous


def test_a_body_named_with_its_country_gives_the_country_as_a_place() -> None:
    assert korean.country_first("대한민국 특허청") == "대한민국"
    assert korean.country_first("미국 국무부") == "미국"
    assert korean.country_first("서울 종암경찰서") is None
    assert korean.country_first("대한민국") is None


@pytest.mark.parametrize("form, noun", [
    ("마찰력", True), ("고기압", True), ("장타율", True), ("배춧값", True), ("연막탄", True),
    ("박진병", False), ("김영오", False), ("윤석열", False), ("갈마동", False),
])
def test_a_word_ending_as_a_common_noun_of_a_quantity_is_no_name(form: str, noun: bool) -> None:
    assert korean.noun_like(form) is noun


@pytest.mark.parametrize("text, form, kind", [
    ("전라북도에서 열렸다", "전라북도", "place"), ("정의당은 밝혔다", "정의당", "org"),
    ("안산 선수는 웃었다", "안산", None), ("김누리는 웃었다", "김누리", None),
])
def test_a_place_or_body_the_gazetteers_know_is_no_person_without_a_title(
        text: str, form: str, kind: str | None) -> None:
    start = text.index(form)
    assert korean.known_kind(form, text, start, start + len(form)) == kind


@pytest.mark.parametrize("form, kind", [("문", "person"), ("미", "place"), ("갑", None)])
def test_a_name_of_one_syllable_is_a_surname_or_a_short_country(form: str, kind: str) -> None:
    assert korean.syllable_kind(form) == kind


def test_no_country_and_no_common_noun_is_read_as_a_person() -> None:
    # "미 국방장관": the office follows a country; "유전체", "genome", ends as a noun does, while
    # "김용균" is a name; "서울시청" is the city's hall
    assert not korean.holds_office("미", "미 국방장관 레온 파네타", 1)
    assert korean.holds_office("레온 파네타", "레온 파네타 국방장관", 6)
    assert korean.noun_like("유전체") and not korean.noun_like("김용균")
    assert korean.head_kind("솔빛시청") == "org"
    assert korean.anonymous("박 군", "박 군은 울었다", 3)  # the model reads "young Park" whole
    assert korean.anonymous("김 씨", "김 씨가 왔다", 3)
    assert not korean.anonymous("박 군수", "박 군수가 왔다", 4)
