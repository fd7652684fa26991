"""The trained reading of Korean names (dateline.enrich.korean_model) and its training script."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest

from conftest import ROOT
from dateline.enrich import korean_model
from dateline.enrich.entities import extract
from dateline.enrich.facts import MentionFact
from dateline.model import ParsedStory

_MEETING = ("윤석열 대통령은 12일 서울 용산 대통령실에서 기시다 후미오 일본 총리와 만나 회담했다. "
            "외교부는 이날 회담 결과를 발표했다.")


@pytest.fixture
def rules_alone() -> Iterator[None]:
    korean_model.use(None)
    yield
    korean_model.reset()


def _names(text: str) -> set[tuple[str, str]]:
    return {(m.kind, m.surface) for m in extract(ParsedStory(text=text, language="ko")).mentions}


def test_pieces_end_where_names_and_particles_do() -> None:
    text = "윤석열은 서울에서 NATO 회의(3일)에"
    cut = korean_model.pieces(text, 0, len(text), cuts=set())
    assert [text[a:b] for a, b in cut] == ["윤석열", "은", "서울", "에서", "NATO", "회", "의",
                                           "(", "3", "일", ")", "에"]
    # a proper noun's end cuts a run: "국방부장관" read as 국방부 + 장관
    cut = korean_model.pieces("국방부장관", 0, 5, cuts={3})
    assert cut == [(0, 3), (3, 5)]


def test_labels_and_names_read_back_the_same() -> None:
    text = "기시다 후미오 일본 총리"
    cut = korean_model.pieces(text, 0, len(text), set())
    spans = [("person", 0, 7), ("place", 8, 10)]
    tags = korean_model.tags_of(cut, spans)
    assert tags == ["B-person", "I-person", "B-place", "O"]
    assert korean_model.spans_of(cut, tags) == spans
    # an inside label after another kind, or after nothing, starts a name of its own
    assert korean_model.spans_of(cut, ["I-person", "I-place", "O", "I-org"]) == [
        ("person", 0, 3), ("place", 4, 7), ("org", 11, 13)]


def test_features_name_each_piece_and_two_neighbours_on_either_side() -> None:
    """The names the shipped model was trained with: any change to them is a new model."""
    text = "기시다 후미오 총리"
    cut = korean_model.pieces(text, 0, len(text), set())
    feats = korean_model.features(text, cut, ["B-person", "I-person", "O"], ["B", "I", ""])
    first, middle = feats[0], feats[1]
    assert first[:12] == ["bias", "u=기시다", "last=다", "first=기", "len=3", "rule=B-person",
                          "nnp=B", "sp_before=0", "sp_after=1", "glued_before=0",
                          "rule=B-person|-1:rule=^", "type=hangul"]
    assert first[-10:] == ["-2:none", "-1:none", "1:u=후미오", "1:rule=I-person", "1:nnp=I",
                           "1:last=오", "2:u=총리", "2:rule=O", "2:nnp=", "2:last=리"]
    assert "rule=I-person|-1:rule=B-person" in middle
    assert middle[-10:] == ["-2:none", "-1:u=기시다", "-1:rule=B-person", "-1:nnp=B",
                            "-1:last=다", "1:u=총리", "1:rule=O", "1:nnp=", "1:last=리", "2:none"]
    # the same pieces named again give the same names (made once per form and label)
    assert korean_model.features(text, cut, ["B-person", "I-person", "O"], ["B", "I", ""]) == feats


def test_the_shipped_model_loads_and_reads_a_name_the_rules_cut_short(rules_alone: None) -> None:
    by_rules = _names(_MEETING)
    korean_model.reset()
    assert korean_model.available() and korean_model.MODEL.exists()
    by_model = _names(_MEETING)
    # the rules keep only the first word of a Japanese name; the model reads both
    assert ("person", "기시다") in by_rules and ("person", "기시다 후미오") in by_model
    assert {("person", "윤석열"), ("place", "일본"), ("org", "외교부")} <= by_model
    assert all(m.source == "model" for m in extract(ParsedStory(text=_MEETING,
                                                                language="ko")).mentions)


def test_without_a_model_the_rules_stand(rules_alone: None) -> None:
    assert not korean_model.available()
    assert korean_model.read(_MEETING, 0, len(_MEETING), [], []) is None
    assert ("person", "기시다") in _names(_MEETING)


def test_sound_bite_speakers_and_the_reporter_stand_whatever_the_model_reads() -> None:
    from dateline.model import Quote

    text = "홍길동 기자입니다. 박하람 대변인은 \"합의했다\"고 말했다."
    story = ParsedStory(text=text, language="ko", reporter="홍길동",
                        quotes=[Quote("합의했다", speaker="박하람", start=19, end=23)])
    sources = {(m.surface, m.source) for m in extract(story).mentions}
    assert ("홍길동", "reporter") in sources and ("박하람", "soundbite") in sources


def test_threads_each_read_with_their_own_tagger() -> None:
    # a crfsuite tagger is not shared between threads: each thread opens its own
    alone = _names(_MEETING)
    found: list[set[tuple[str, str]]] = []

    def work() -> None:
        for _ in range(20):
            found.append(_names(_MEETING))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(found) == 60 and all(f == alone for f in found)


def test_training_labels_the_longest_gold_name_where_pieces_allow() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import train_korean_entities as train

    text = "서울시청 앞에서 서울 시민이 모였다"
    item = {"persons": [], "orgs": [{"name": "서울시청"}], "places": [{"name": "서울"}]}
    spans = train.gold_spans(text, 0, len(text), item)
    assert spans == [("org", 0, 4), ("place", 9, 11)]  # not 서울 inside 서울시청
    cut = korean_model.pieces(text, 0, len(text), set())
    labels = train._labels(cut, spans + [("person", 1, 3)])  # misaligned: left out
    assert labels[:2] == ["B-org", "O"] and "B-person" not in labels
    assert labels[[text[a:b] for a, b in cut].index("서울")] == "B-place"


def test_training_records_what_the_extractor_hands_the_model(rules_alone: None,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    # the features are recorded from the extractor itself, whether or not a model is loaded
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import score_entities
    import train_korean_entities as train

    item = {"lang": "ko", "persons": [{"name": "기시다 후미오"}, {"name": "윤석열"}],
            "orgs": [{"name": "외교부"}], "places": [{"name": "일본"}]}
    story = ParsedStory(text=_MEETING, language="ko", title="윤석열, 기시다와 회담")
    monkeypatch.setattr(score_entities, "fresh_items", lambda shared: [(item, [story])])
    reading = korean_model.read
    seqs = train.sequences(ROOT)
    assert len(seqs) == 2  # the text and the title
    _, feats, labels = seqs[0]
    assert len(feats) == len(labels) and any("rule=B-person" in f for f in feats)
    assert labels.count("B-person") == 2 and "B-org" in labels and "B-place" in labels
    assert korean_model.read is reading and not korean_model.available()  # put back


def test_names_the_model_reads_have_hangul_and_keep_to_one_line() -> None:
    # quoted English and Russian sentences were labelled organisations whole; names in Latin
    # letters are the rules' (acronyms), and no name crosses a line
    text = ("러시아어 위키백과는 10일 \"Wikipedia in Russian will be closed on July 10 in protest "
            "against the law\"라는 공지를 올렸다.\nThey were stamped with voting seal but scrapped "
            "before election\n이에 대해 KBS와 CNN이 보도했다.")
    found = extract(ParsedStory(text=text, language="ko")).mentions
    assert {("org", "KBS"), ("org", "CNN")} <= {(m.kind, m.surface) for m in found}
    assert all("\n" not in m.surface and len(m.surface.split()) < 4 for m in found)
    assert all(m.source != "model" for m in found if m.surface.isascii())


def test_a_title_keeps_the_rules_latin_names_when_the_model_reads_none_there() -> None:
    story = ParsedStory(text=_MEETING, language="ko", title="NATO와 KBS")
    titled = {m.surface for m in extract(story).mentions if m.note == "title"}
    assert {"NATO", "KBS"} <= titled


def test_a_name_the_model_reads_meets_one_the_rules_or_kiwi_found(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The model alone typed common words of a register it never learnt (``창발성``,
    "creativity", as a place in a North Korean address); its names now stand only where the
    rules' mentions or Kiwi's proper nouns are."""
    text = "근로자들은 창발성을 발휘하였다. 서울에서 회의가 열렸다."

    class EveryHangulPiece:  # labels each Hangul piece a place, as a confused model would
        def tag(self, feats: list[list[str]]) -> list[str]:
            return ["B-place" if "type=hangul" in f else "O" for f in feats]

        def marginal(self, label: str, at: int) -> float:
            return 0.6  # and unsure of each

    monkeypatch.setattr(korean_model, "_tagger", EveryHangulPiece)
    seoul = text.index("서울")
    mention = MentionFact("place", "서울", "seoul", seoul, seoul + 2)
    read = korean_model.read(text, 0, len(text), [mention], [])
    assert read is not None
    assert {text[a:b] for _, a, b in read} == {"서울"}


def test_a_name_ending_with_a_body_or_site_head_is_no_person(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A steelworks named after a person (``김책제철소``) was read as a person; a name the
    model reads ending with a head only a body or a site takes is typed by that head."""
    text = "솔빛제철소와 솔빛발전소, 그리고 김솔빈이 왔다."

    class EveryHangulWordAPerson:  # labels each Hangul piece a person, and is sure of it
        def tag(self, feats: list[list[str]]) -> list[str]:
            return ["B-person" if "type=hangul" in f else "O" for f in feats]

        def marginal(self, label: str, at: int) -> float:
            return 0.99

    monkeypatch.setattr(korean_model, "_tagger", EveryHangulWordAPerson)
    read = korean_model.read(text, 0, len(text), [], [])
    assert read is not None
    kinds = {text[a:b]: kind for kind, a, b in read}
    assert (kinds["솔빛제철소"], kinds["솔빛발전소"], kinds["김솔빈"]) == ("org", "place", "person")


def test_what_the_model_reads_is_read_as_the_rules_read_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A body's country is a place too (``대한민국 특허청``); an address is a place for each link
    (``인천 강화군``); a name an office follows is a person (``나리코 파탈 방위상``); a
    surname before ``씨`` is nobody, and so is a word that ends as a common noun (``마찰력``)."""
    text = ("대한민국 특허청은 인천 강화군의 나리코 파탈 방위상을 만났다. 김씨도 왔다. "
            "마찰력이 컸다.")
    spans = {"대한민국 특허청": "org", "인천 강화군": "place", "나리코 파탈": "place",
             "김": "person", "마찰력": "person"}

    class Reads:  # reads each of ``spans`` with its kind, and is sure of it
        def tag(self, feats: list[list[str]]) -> list[str]:
            return ["O"] * len(feats)

        def marginal(self, label: str, at: int) -> float:
            return 0.99

    monkeypatch.setattr(korean_model, "_tagger", Reads)
    monkeypatch.setattr(korean_model, "spans_of", lambda cut, tags: [
        (kind, text.index(form), text.index(form) + len(form)) for form, kind in spans.items()])
    story = ParsedStory(text=text, language="ko")
    got = {(m.kind, m.surface) for m in extract(story).mentions}
    assert {("org", "대한민국 특허청"), ("place", "대한민국"), ("place", "인천"),
            ("place", "강화군"), ("person", "나리코 파탈")} <= got
    assert ("place", "인천 강화군") not in got
    assert ("place", "나리코 파탈") not in got
    assert not {s for k, s in got if k == "person" and s in ("김", "마찰력")}


def test_a_person_the_model_reads_is_mended(monkeypatch: pytest.MonkeyPatch) -> None:
    """The words after a name that say who the person is go, and so do the words up to a title
    before it and a particle read with it; a syllable the analyser cut off a name of two comes
    back, unless it is one that follows names (``김솔씨``)."""
    text = ("박솔민 미래한국당 의원과 소피아 라르센 UNHCR 대표, 스키 선수 아론 벨라미가 왔다. "
            "배우 한다빈은 울었다. 이어 김솔배는 웃었고 김솔씨는 떠났다.")
    read_as = [("박솔민 미래한국당", "박솔민"), ("소피아 라르센 UNHCR", "소피아"),
               ("스키 선수 아론 벨라미", "스키"), ("한다빈은", "한다빈"), ("김솔", "김솔배"),
               ("김솔", "김솔씨")]  # (what the model reads, where)

    class Reads:  # reads each of ``read_as`` as a person, and is sure of it
        def tag(self, feats: list[list[str]]) -> list[str]:
            return ["O"] * len(feats)

        def marginal(self, label: str, at: int) -> float:
            return 0.99

    def spans(cut: object, tags: object) -> list[tuple[str, int, int]]:
        return [("person", text.index(where), text.index(where) + len(form))
                for form, where in read_as]

    monkeypatch.setattr(korean_model, "_tagger", Reads)
    monkeypatch.setattr(korean_model, "spans_of", spans)
    read = korean_model.read(text, 0, len(text), [], [])
    assert read is not None
    assert [text[a:b] for _, a, b in read] == [
        "박솔민", "소피아 라르센", "아론 벨라미", "한다빈", "김솔배", "김솔"]


def test_a_foreign_name_read_in_half_gets_its_other_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """One word of a foreign name of two gets the other word Kiwi tagged beside it: the family
    name after it, the given name before a name of no Korean form; a job in loanwords before a
    name is no part of it.  A word of no Korean form that the rules read as no name is no
    person when the model alone reads one there, unless a surname starts a name of two
    (``고종``); ``박모`` is nobody."""
    text = ("아지무 네쿠레 ITU 사무총장과 존스대학의 시리바산 드라세가란 교수, 키커 라몬 벨토가 "
            "왔다. 코스피는 올랐고 고종은 웃었고 박모 씨는 떠났다.")
    read_as = ["아지무", "드라세가란", "키커 라몬 벨토", "코스피", "고종", "박모"]
    tagged = ["아지무", "네쿠레", "시리바산", "드라세가란"]  # what Kiwi tags as proper nouns

    class Reads:  # reads each of ``read_as`` as a person, and is sure of it
        def tag(self, feats: list[list[str]]) -> list[str]:
            return ["O"] * len(feats)

        def marginal(self, label: str, at: int) -> float:
            return 0.99

    def at(form: str) -> tuple[int, int]:
        return text.index(form), text.index(form) + len(form)

    monkeypatch.setattr(korean_model, "_tagger", Reads)
    monkeypatch.setattr(korean_model, "spans_of", lambda cut, tags: [
        ("person", *at(form)) for form in read_as])
    read = korean_model.read(text, 0, len(text), [], [(form, *at(form)) for form in tagged])
    assert read is not None
    assert [text[a:b] for _, a, b in read] == [
        "아지무 네쿠레", "시리바산 드라세가란", "라몬 벨토", "고종"]
