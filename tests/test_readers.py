"""Readers: every file becomes SourceFile objects, nothing lost (all samples here are fictional)."""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tracemalloc
import unicodedata
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.errors import InputError
from dateline.model import RecordError, SourceFile, normalize_text
from dateline.readers import (
    BINARY_REASON,
    ReaderOptions,
    discover,
    matches,
    read_bytes,
    read_path,
    readers,
    register_reader,
    unregister_reader,
)

DATA = Path(__file__).parent / "data" / "readers"
OPTS = ReaderOptions()
KST = timezone(timedelta(hours=9))

KOREAN = "남북 철도 연결 사업이 다시 논의됐습니다.\n기자 김하늘입니다."
ENGLISH = " date 2031-04-05 Harbour Ferry\n[Anchor Lead]\nThe ferry line resumed service."


def only(sources: list[SourceFile]) -> SourceFile:
    assert len(sources) == 1, [s.name for s in sources]
    return sources[0]


def read_one(raw: bytes, name: str = "x.txt", **options: object) -> SourceFile:
    return only(read_bytes(raw, name, f"/in/{name}", ReaderOptions(**options)))  # type: ignore[arg-type]


def shared_folder() -> Path | None:
    env = os.environ.get("DATELINE_SHARED")
    folder = Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"
    return folder if (folder / "corpora").is_dir() else None


def same_records(a: SourceFile, b: SourceFile) -> None:
    assert [(r.text, r.locator, r.hints, r.warnings) for r in a.records] == [
        (r.text, r.locator, r.hints, r.warnings) for r in b.records
    ]
    assert [(e.reason, e.locator) for e in a.errors] == [(e.reason, e.locator) for e in b.errors]
    assert (a.reader, a.encoding, a.reject_reason) == (b.reader, b.encoding, b.reject_reason)


# -- text and encodings ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["story.txt", "story", "STORY.TXT"])
def test_readers_text_whole_file_is_one_record(name: str) -> None:
    source = read_one(ENGLISH.encode(), name)
    assert source.reader == "text"
    assert source.encoding == "utf-8"
    assert [r.text for r in source.records] == [ENGLISH]
    assert source.records[0].locator == ""
    assert source.errors == [] and source.reject_reason is None


def test_readers_text_sample_file_from_disk() -> None:
    source = only(read_path(DATA / "kbs_style.txt", OPTS))
    assert source.origin == str(DATA / "kbs_style.txt")
    assert source.name == "kbs_style.txt"
    assert source.raw == (DATA / "kbs_style.txt").read_bytes()
    assert source.records[0].text.startswith(" date 2031-04-05")


def test_readers_text_is_nfc_with_unix_newlines() -> None:
    decomposed = unicodedata.normalize("NFD", KOREAN).replace("\n", "\r\n")
    source = read_one(decomposed.encode("utf-8"))
    assert source.records[0].text == KOREAN
    assert unicodedata.is_normalized("NFC", source.records[0].text)


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        (KOREAN.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + KOREAN.encode("utf-8"), "utf-8-sig"),
        (KOREAN.encode("utf-16"), "utf-16"),
        (KOREAN.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        (KOREAN.encode("cp949"), "cp949"),
        (KOREAN.encode("euc-kr"), "cp949"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be", "cp949", "euc-kr"],
)
def test_readers_encoding_detected_and_recorded(raw: bytes, encoding: str) -> None:
    source = read_one(raw)
    assert source.encoding == encoding
    assert source.records[0].text == KOREAN
    assert source.records[0].warnings == []
    assert source.raw == raw


def test_readers_encoding_cp949_json_and_csv() -> None:
    obj = [{"title": "철도 회담", "text": KOREAN, "date": "2031-04-05"}]
    json_source = read_one(json.dumps(obj, ensure_ascii=False).encode("cp949"), "k.json")
    assert json_source.encoding == "cp949"
    assert json_source.records[0].hints.title == "철도 회담"
    csv_raw = "title,text\n철도 회담,남북 철도 연결 사업\n".encode("cp949")
    csv_source = read_one(csv_raw, "k.csv")
    assert csv_source.encoding == "cp949"
    assert csv_source.records[0].text == "남북 철도 연결 사업"


def test_readers_forced_encoding() -> None:
    raw = KOREAN.encode("euc-kr")
    assert read_one(raw, encoding="euc-kr").records[0].text == KOREAN
    latin = "Café au lait".encode("latin-1")
    source = read_one(latin, encoding="latin-1")
    assert source.encoding == "iso8859-1" and source.records[0].text == "Café au lait"


def test_readers_forced_wrong_encoding_rejects_with_advice() -> None:
    source = read_one(KOREAN.encode("cp949"), encoding="utf-8")
    assert source.records == []
    assert "not valid utf-8 at byte" in source.reject_reason
    assert "--encoding" in source.reject_reason


def test_readers_truncated_utf8_is_a_warning_not_a_reject() -> None:
    raw = KOREAN.encode("utf-8")[:-2]  # drop the final "." and cut into the "다" before it
    source = read_one(raw)
    assert source.reject_reason is None and source.encoding == "utf-8"
    record = source.records[0]
    assert record.text == KOREAN[:-2]
    assert len(record.warnings) == 1 and "truncated" in record.warnings[0]


def test_readers_truncated_utf8_jsonl_warns_and_keeps_other_lines() -> None:
    raw = ('{"text": "첫째 줄"}\n{"text": "둘째 줄"}\n{"text": "셋째').encode()[:-1]
    source = read_one(raw, "t.jsonl")
    assert [r.text for r in source.records] == ["첫째 줄", "둘째 줄"]
    assert source.errors[0].locator == "line 3"
    assert "truncated" in source.errors[0].reason


def test_readers_stray_byte_deep_in_a_long_file_is_not_a_reject() -> None:
    raw = b"An ordinary newswire paragraph.\n" * 20_000 + b"caf\xe9 au lait\n" + b"end.\n"
    source = read_one(raw, "wire.sgm")
    assert source.reject_reason is None and source.encoding not in (None, "utf-8")
    assert "au lait" in source.records[0].text


def test_readers_mostly_utf8_keeps_text_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline.readers import decoding

    monkeypatch.setattr(decoding, "_charset_normalizer", lambda raw, first_bad: None)
    raw = "한국어 문장입니다. ".encode() * 500 + b"\xff" + " 끝".encode()
    source = read_one(raw)
    assert source.encoding == "utf-8"
    assert source.records[0].text.endswith("\ufffd 끝")
    assert "replaced by U+FFFD" in source.records[0].warnings[0]


def test_readers_options_pickle_for_worker_processes() -> None:
    import pickle

    options = ReaderOptions(format="json", include=("*.json",), text_field="body")
    assert pickle.loads(pickle.dumps(options)) == options


def test_readers_empty_file_is_rejected() -> None:
    source = read_one(b"", "empty.txt")
    assert source.reject_reason == "empty file"
    assert source.records == [] and source.raw == b""


def test_readers_whitespace_only_is_rejected() -> None:
    assert "only whitespace" in read_one(b"  \n\n\t ").reject_reason


@pytest.mark.parametrize(
    "raw",
    [
        bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"plain words\x00\x00\x00 and NUL bytes",
        b"\xff\xfe\xfd\xfc\x80\x81\x00\x02\x03" * 30,
    ],
    ids=["all-bytes", "png", "nul", "garbage"],
)
def test_readers_binary_garbage_is_rejected_with_raw_kept(raw: bytes) -> None:
    for name in ("b.txt", "b.json", "b.jsonl", "b.csv", "b"):
        source = read_one(raw, name)
        assert source.records == []
        assert source.reject_reason is not None
        assert source.reject_reason.startswith(BINARY_REASON)
        assert source.raw == raw


@pytest.mark.parametrize(("raw", "advice"), [
    (b"SQLite format 3\x00\x10\x00\x01\x01" + bytes(200), "sqlite3 -json"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" + bytes(100), "pdftotext"),
], ids=["sqlite", "pdf"])
def test_readers_known_binary_formats_are_rejected_with_what_to_do(raw: bytes,
                                                                     advice: str) -> None:
    for name in ("news.db", "news.pdf", "news"):
        source = read_one(raw, name)
        assert source.records == [] and source.raw == raw
        assert source.reject_reason is not None
        assert source.reject_reason.startswith(BINARY_REASON) and advice in source.reject_reason


def test_readers_50mb_single_line_in_bounded_memory(tmp_path: Path) -> None:
    size = 50 * 1024 * 1024
    path = tmp_path / "long.txt"
    with path.open("wb") as f:
        chunk = b"The quick fictional ferry crossed the bay. " * 1000
        written = 0
        while written < size:
            f.write(chunk)
            written += len(chunk)
    tracemalloc.start()
    try:
        source = only(read_path(path, OPTS))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert source.reject_reason is None
    assert len(source.records[0].text) == written
    assert "\n" not in source.records[0].text
    assert peak < 3.5 * written, f"peak {peak / written:.1f}× the file size"


# -- JSON ------------------------------------------------------------------------------------


def test_readers_json_sample_with_wrapper_and_kcna_style_dates() -> None:
    source = only(read_path(DATA / "articles.json", OPTS))
    assert source.reader == "json"
    assert [r.locator for r in source.records] == ["#1", "#3"]
    first, third = source.records
    # date_str "2031-04-05" wins over the epoch (2031-04-04T00:00Z)
    assert first.hints.date == date(2031, 4, 5)
    assert first.hints.title == "Lighthouse Museum Opens"
    assert first.hints.url == "https://news.example.test/1"
    assert first.hints.extra == {"topic": "Culture"}
    assert third.hints.published_at == datetime(2031, 4, 7, 6, 30, tzinfo=KST)
    assert (third.hints.program, third.hints.language) == ("News Today", "en")
    [error] = source.errors
    assert error.locator == "#2" and "story_text" in error.reason and "#2" in error.reason
    assert json.loads(error.raw)["headline"] == "Empty Item"


@pytest.mark.parametrize("text_key", ["text", "body", "story_text", "excerpt", "content",
                                      "article", "Body"])
@pytest.mark.parametrize("title_key", ["title", "headline"])
def test_readers_json_text_and_title_field_detection(text_key: str, title_key: str) -> None:
    raw = json.dumps([{text_key: "Ferry resumes.", title_key: "Ferry"}]).encode()
    record = read_one(raw, "a.json").records[0]
    assert (record.text, record.hints.title) == ("Ferry resumes.", "Ferry")


@pytest.mark.parametrize(
    ("value", "expected_date", "expected_time"),
    [
        ("2031-04-05", date(2031, 4, 5), None),
        ("2031.04.05", date(2031, 4, 5), None),
        ("2031.04.05 (07:00)", date(2031, 4, 5), None),
        ("2031-04-05T07:00:00+09:00", date(2031, 4, 5), "2031-04-05T07:00:00+09:00"),
        ("2031-04-05T07:00:00Z", date(2031, 4, 5), "2031-04-05T07:00:00+00:00"),
        ("Sat, 05 Apr 2031 07:00:00 +0900", date(2031, 4, 5), "2031-04-05T07:00:00+09:00"),
        (1933113600000, date(2031, 4, 5), None),
        (1933113600, date(2031, 4, 5), None),
    ],
)
@pytest.mark.parametrize("key", ["date", "date_str", "published", "published_at", "pubdate",
                                 "datetime"])
def test_readers_json_date_forms(key: str, value: object, expected_date: date,
                                 expected_time: str | None) -> None:
    record = read_one(json.dumps({"text": "x", key: value}).encode(), "a.json").records[0]
    assert record.hints.date == expected_date
    got = record.hints.published_at.isoformat() if record.hints.published_at else None
    assert got == expected_time
    assert record.warnings == []


def test_readers_json_date_from_a_field_named_for_a_date() -> None:
    """No field of a known date name: the first one named for the story's date whose value
    reads as a date (a Korean Wikinews scrape has ``content_date`` and ``update_dt``)."""
    def hints(obj: dict[str, object]) -> tuple[date | None, dict[str, object]]:
        record = read_one(json.dumps({"text": "x", **obj}).encode(), "a.json").records[0]
        return record.hints.date, record.hints.extra

    assert hints({"update_dt": "2032-01-01", "content_date": "2031-04-05"}) == (
        date(2031, 4, 5), {"update_dt": "2032-01-01"})
    assert hints({"datePublished": "2031-04-05T07:00:00Z"})[0] == date(2031, 4, 5)
    assert hints({"content_date": "", "pub_date": "2031.04.05"})[0] == date(2031, 4, 5)
    # dates of something else than the story are not the story's date
    for other in ("dateModified", "last_updated_date", "crawl_date", "birth_date"):
        assert hints({other: "2031-04-05"}) == (None, {other: "2031-04-05"})
    # a field of a known name comes first
    assert hints({"content_date": "2031-04-05", "date": "2030-01-02"})[0] == date(2030, 1, 2)


def test_readers_json_invalid_date_is_a_warning() -> None:
    source = read_one(b'{"text": "Kept anyway.", "date": "the day after"}', "a.json")
    record = source.records[0]
    assert record.text == "Kept anyway." and record.hints.date is None
    assert "'date'" in record.warnings[0] and "YYYY-MM-DD" in record.warnings[0]


@pytest.mark.parametrize(
    ("field_value", "reason_part"),
    [(42, "is a number"), ([1, 2], "is a list"), (None, "is null"), ({"a": 1}, "is an object"),
     ("", "is empty"), ("   \n", "is empty")],
)
def test_readers_json_wrong_type_is_a_record_error(field_value: object,
                                                   reason_part: str) -> None:
    items = [{"text": "good one"}, {"text": field_value}, {"text": "good two"}]
    source = read_one(json.dumps(items).encode(), "a.json")
    assert [r.text for r in source.records] == ["good one", "good two"]
    [error] = source.errors
    assert error.locator == "#2"
    assert "record #2" in error.reason and "'text'" in error.reason and reason_part in error.reason
    assert source.reject_reason is None


def test_readers_json_missing_text_field_and_non_objects() -> None:
    source = read_one(b'[{"headline": "no body"}, "a string", 7, {"text": "ok"}]', "a.json")
    assert [r.locator for r in source.records] == ["#4"]
    reasons = {e.locator: e.reason for e in source.errors}
    assert "has no text field" in reasons["#1"] and "--text-field" in reasons["#1"]
    assert "'headline'" in reasons["#1"]
    assert "is a str" in reasons["#2"] and "is a number" in reasons["#3"]


@pytest.mark.parametrize("wrapper", ["items", "data", "articles", "records"])
def test_readers_json_wrappers(wrapper: str) -> None:
    raw = json.dumps({"meta": {"n": 2}, wrapper: [{"text": "a"}, {"text": "b"}]}).encode()
    assert [r.text for r in read_one(raw, "w.json").records] == ["a", "b"]


def test_readers_json_nested_wrapper_and_single_object() -> None:
    nested = json.dumps({"data": {"items": [{"text": "deep"}]}}).encode()
    assert [r.text for r in read_one(nested, "n.json").records] == ["deep"]
    single = read_one(b'{"text": "alone", "title": "One"}', "s.json")
    assert [(r.locator, r.text, r.hints.title) for r in single.records] == [("#1", "alone", "One")]


def test_readers_json_field_flags_override_detection() -> None:
    raw = json.dumps([{
        "text": "not this", "summary": "Use this.", "title": "not this", "name": "Flagged",
        "when": "2031-04-05", "date": "1999-01-01", "where": "https://x.test/a",
        "key": "k-1", "show": "x", "prog": "News 9", "lang": "xx", "tongue": "ko",
        "nested": {"body": "Nested text."},
    }]).encode()
    options = {"text_field": "summary", "title_field": "name", "date_field": "when",
               "url_field": "where", "id_field": "key", "program_field": "prog",
               "language_field": "tongue"}
    record = read_one(raw, "f.json", **options).records[0]
    assert record.text == "Use this."
    hints = record.hints
    assert (hints.title, hints.date, hints.url, hints.record_id, hints.program, hints.language) \
        == ("Flagged", date(2031, 4, 5), "https://x.test/a", "k-1", "News 9", "ko")
    nested = read_one(raw, "f.json", text_field="nested.body").records[0]
    assert nested.text == "Nested text."
    missing = read_one(raw, "f.json", text_field="nope")
    assert "no field 'nope'" in missing.errors[0].reason


def test_readers_json_id_as_url_only_when_it_is_one() -> None:
    records = read_one(json.dumps([{"text": "a", "id": "https://x.test/1"},
                                   {"text": "b", "id": "42"}]).encode(), "i.json").records
    assert [(r.hints.url, r.hints.record_id) for r in records] == [
        ("https://x.test/1", "https://x.test/1"), (None, "42")]


def test_readers_invalid_json_is_rejected_with_place() -> None:
    source = read_one(b'[{"text": "a"},\n {"text": }]', "bad.json")
    assert source.records == []
    assert source.reject_reason.startswith("invalid JSON")
    assert source.reject_place == "line 2, column 11"


def test_readers_json_file_holding_json_lines_is_read_as_lines() -> None:
    source = read_one(b'{"text": "a"}\n{"text": "b"}\n', "lines.json")
    assert source.reader == "jsonl"
    assert [(r.locator, r.text) for r in source.records] == [("line 1", "a"), ("line 2", "b")]


# -- JSONL and CSV ---------------------------------------------------------------------------


def test_readers_jsonl_bad_line_is_isolated() -> None:
    raw = (DATA / "lines.jsonl").read_bytes()
    source = only(read_path(DATA / "lines.jsonl", OPTS))
    assert [r.locator for r in source.records] == ["line 1", "line 4"]
    assert source.records[0].hints.date == date(2031, 4, 8)
    assert source.records[0].hints.record_id == "a1"
    assert "date not understood" in source.records[1].warnings[0]
    [error] = source.errors
    assert error.locator == "line 2" and error.reason.startswith("line 2: invalid JSON")
    assert error.raw == raw.split(b"\n")[1]


def test_readers_jsonl_non_object_line() -> None:
    source = read_one(b'{"text": "a"}\n[1, 2]\n', "x.ndjson")
    assert source.reader == "jsonl"
    assert source.errors[0].locator == "line 2" and "is a list" in source.errors[0].reason


def test_readers_csv_sample() -> None:
    source = only(read_path(DATA / "rows.csv", OPTS))
    assert source.reader == "csv"
    assert [(r.locator, r.hints.title, r.hints.date) for r in source.records] == [
        ("row 1", "Bridge Inspection", date(2031, 4, 9)),
        ("row 2", "Night Market", date(2031, 4, 10)),
    ]
    assert source.records[1].text.endswith("to the square.\nStalls sold grilled corn.")
    [error] = source.errors
    assert error.locator == "row 3" and "'text' is empty" in error.reason
    assert "line 5" in error.reason


@pytest.mark.parametrize(("name", "sep"), [("t.tsv", "\t"), ("s.csv", ";"), ("p.csv", "|")])
def test_readers_csv_delimiters(name: str, sep: str) -> None:
    raw = sep.join(["headline", "body", "link"]) + "\n" + sep.join(["H", "Body text", "u"]) + "\n"
    record = read_one(raw.encode(), name).records[0]
    assert (record.text, record.hints.title, record.hints.url) == ("Body text", "H", "u")


def test_readers_csv_big_field_and_extra_cells() -> None:
    big = "word " * 60_000
    raw = f'text,title\n"{big}",T,surplus\n'.encode()
    record = read_one(raw, "big.csv").records[0]
    assert record.text == big
    assert record.hints.extra["_extra_cells"] == ["surplus"]
    assert "more cell" in record.warnings[0]


def test_readers_csv_without_text_column() -> None:
    source = read_one(b"url,year\nhttps://x.test,2031\n", "no.csv")
    assert source.records == [] and "has no text field" in source.errors[0].reason


# -- HTML and WARC ---------------------------------------------------------------------------


def test_readers_html_main_text_title_date() -> None:
    pytest.importorskip("trafilatura")
    source = only(read_path(DATA / "page.html", OPTS))
    assert source.reader == "html" and source.errors == []
    record = source.records[0]
    assert "stay open until ten at night" in record.text
    assert "Copyright" not in record.text and "Home" not in record.text
    assert record.hints.title == "Seaview Library Extends Hours"
    assert record.hints.date == date(2021, 4, 12)
    assert record.hints.published_at == datetime(2021, 4, 12, 9, tzinfo=KST)
    assert record.hints.language == "en"


def test_readers_html_declared_euc_kr() -> None:
    pytest.importorskip("trafilatura")
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
            f"<title>철도</title></head><body><article><p>{KOREAN}</p>"
            f"<p>{KOREAN}</p></article></body></html>")
    source = read_one(html.encode("euc-kr"), "k.htm")
    assert source.encoding == "cp949"
    assert "남북 철도 연결" in source.records[0].text


def test_readers_html_without_trafilatura_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    source = only(read_path(DATA / "page.html", OPTS))
    assert source.records == []
    [error] = source.errors
    assert "pip install 'dateline[html]'" in error.reason and error.raw == source.raw


def _warc(gzipped: bool) -> bytes:
    warcio = pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders

    buf = io.BytesIO()
    writer = warcio.warcwriter.WARCWriter(buf, gzip=gzipped)

    def response(url: str, ctype: str, body: bytes, when: str) -> None:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": when}))

    para = "<p>The fictional tram line to the harbour opened on {day}, the city said.</p>" * 5
    response("https://news.example.test/a", "text/html; charset=utf-8",
             f"<html><head><title>Tram A</title></head><body><article>{para.format(day='Monday')}"
             "</article></body></html>".encode(), "2019-05-06T07:08:09Z")
    response("https://news.example.test/logo.png", "image/png", b"\x89PNG\r\n\x1a\n",
             "2019-05-06T07:08:10Z")
    writer.write_record(writer.create_warc_record(
        "https://news.example.test/b", "request", payload=io.BytesIO(b"GET /b HTTP/1.1\r\n\r\n"),
        warc_headers_dict={"WARC-Date": "2019-05-06T07:08:11Z"}))
    response("https://news.example.test/b", "text/html; charset=euc-kr",
             f"<html><body><article><p>{KOREAN}</p><p>{KOREAN}</p></article></body></html>"
             .encode("euc-kr"), "2020-01-02T03:04:05Z")
    return buf.getvalue()


@pytest.mark.parametrize("gzipped", [False, True], ids=["warc", "warc.gz"])
def test_readers_warc_html_responses_become_records(gzipped: bool) -> None:
    pytest.importorskip("trafilatura")
    raw = _warc(gzipped)
    name = "crawl.warc.gz" if gzipped else "crawl.warc"
    source = read_one(raw, name)
    assert source.reader == "warc" and source.errors == [] and source.raw == raw
    a, b = source.records
    assert (a.locator, a.hints.url, a.hints.date) == (
        "record 1", "https://news.example.test/a", date(2019, 5, 6))
    assert a.hints.title == "Tram A" and "tram line to the harbour" in a.text
    assert a.hints.extra["warc_date"] == "2019-05-06T07:08:09Z"
    assert (b.locator, b.hints.url, b.hints.date) == (
        "record 4", "https://news.example.test/b", date(2020, 1, 2))
    assert "남북 철도" in b.text and b.hints.extra["encoding"] == "cp949"


def test_readers_warc_damaged_tail_keeps_earlier_records() -> None:
    pytest.importorskip("trafilatura")
    raw = _warc(False)
    cut = raw.index(b"WARC/1", raw.index(b"WARC/1", 10) + 10)  # start of the 3rd record
    tail = b"this is not a WARC record\r\n\r\n"
    source = read_one(raw[:cut] + tail, "d.warc")
    assert [r.hints.url for r in source.records] == ["https://news.example.test/a"]
    [error] = source.errors
    assert error.locator == "record 3" and "damaged" in error.reason
    assert error.raw == tail


def test_readers_warc_without_html_is_rejected() -> None:
    warcio = pytest.importorskip("warcio")
    buf = io.BytesIO()
    writer = warcio.warcwriter.WARCWriter(buf, gzip=False)
    writer.write_record(writer.create_warc_record(
        "https://news.example.test/b", "request", payload=io.BytesIO(b"GET /b HTTP/1.1\r\n\r\n")))
    source = read_one(buf.getvalue(), "requests.warc")
    assert source.reject_reason == "no HTML responses among the 1 WARC records"
    junk = read_one(b"WARC/1.0 but not really\r\n", "junk.warc")
    assert junk.records == [] and (junk.reject_reason or junk.errors[0].reason)


# -- gz and zip ------------------------------------------------------------------------------


def test_readers_gz_is_read_by_inner_name_and_raw_is_the_compressed_file() -> None:
    raw = gzip.compress(json.dumps([{"text": "zipped story"}]).encode())
    source = read_one(raw, "feed.json.gz")
    assert source.name == "feed.json.gz" and source.reader == "json"
    assert source.raw == raw
    assert [r.text for r in source.records] == ["zipped story"]
    same_records(source, read_one(source.raw, source.name))


def test_readers_gzip_magic_without_gz_name() -> None:
    source = read_one(gzip.compress(ENGLISH.encode()), "story.txt")
    assert source.records[0].text == ENGLISH


def test_readers_corrupt_gz_is_rejected_with_raw_kept() -> None:
    raw = gzip.compress(ENGLISH.encode() * 50)[:-30]
    source = read_one(raw, "story.txt.gz")
    assert source.records == [] and "corrupt gzip" in source.reject_reason
    assert source.raw == raw
    empty = read_one(gzip.compress(b""), "e.txt.gz")
    assert empty.reject_reason == "empty file (after gzip decompression)"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_readers_zip_members_are_sources() -> None:
    members = {
        "b/two.txt": KOREAN.encode("cp949"),
        "a.json": b'[{"text": "from json"}]',
        "nested.txt.gz": gzip.compress(b"inside gz inside zip"),
        "empty.txt": b"",
        "__MACOSX/._a.json": b"\x00\x05junk",
    }
    sources = read_bytes(_zip(members), "bundle.zip", "in/bundle.zip", OPTS)
    assert [s.name for s in sources] == [
        "bundle.zip!a.json", "bundle.zip!b/two.txt", "bundle.zip!empty.txt",
        "bundle.zip!nested.txt.gz"]
    assert sources[0].origin == "in/bundle.zip!a.json"
    assert sources[1].encoding == "cp949" and sources[1].records[0].text == KOREAN
    assert sources[1].raw == members["b/two.txt"]
    assert sources[2].reject_reason == "empty file"
    assert sources[3].records[0].text == "inside gz inside zip"
    for source in sources:  # raw + name re-read to the same records
        same_records(source, only(read_bytes(source.raw, source.name, source.origin, OPTS)))


def test_readers_zip_cp949_member_names() -> None:
    legacy = io.BytesIO()  # a Korean Windows zip: CP949 names without the UTF-8 flag
    with zipfile.ZipFile(legacy, "w") as z:
        z.writestr("ABCD.txt", b"legacy name")
    raw = legacy.getvalue().replace(b"ABCD.txt", "뉴스.txt".encode("cp949"))
    [source] = read_bytes(raw, "old.zip", "old.zip", OPTS)
    assert source.name == "old.zip!뉴스.txt"
    assert source.records[0].text == "legacy name"


def test_readers_corrupt_zip_is_rejected_with_raw_kept() -> None:
    raw = _zip({"a.txt": b"alpha"})[:40]
    source = read_one(raw, "broken.zip")
    assert source.name == "broken.zip" and source.raw == raw
    assert "corrupt zip" in source.reject_reason


def test_readers_zip_bad_member_keeps_archive_and_other_members() -> None:
    raw = bytearray(_zip({"good.txt": b"good text " * 20, "bad.txt": b"bad text " * 20}))
    start = raw.index(b"bad.txt") + len(b"bad.txt")  # first bytes of its data
    raw[start + 2] ^= 0xFF
    sources = read_bytes(bytes(raw), "mixed.zip", "mixed.zip", OPTS)
    by_name = {s.name: s for s in sources}
    assert by_name["mixed.zip!good.txt"].records[0].text == "good text " * 20
    assert "cannot extract" in by_name["mixed.zip!bad.txt"].reject_reason
    assert by_name["mixed.zip"].raw == bytes(raw)
    assert "could not be extracted" in by_name["mixed.zip"].reject_reason


# -- discovery -------------------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel in ["a.txt", "b.json", "sub/c.txt", "sub/deep/d.txt", "sub/deep/e.csv",
                ".hidden.txt", ".git/config", "drafts/x.txt", "z.jsonl"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Fictional text.\n")
    return tmp_path


def _rel(paths: object, root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in paths]  # type: ignore[attr-defined]


def test_readers_discover_sorted_recursive_without_hidden(tree: Path) -> None:
    assert _rel(discover([tree], OPTS), tree) == [
        "a.txt", "b.json", "drafts/x.txt", "sub/c.txt", "sub/deep/d.txt", "sub/deep/e.csv",
        "z.jsonl"]


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        (("**/*.txt",), (), ["a.txt", "drafts/x.txt", "sub/c.txt", "sub/deep/d.txt"]),
        (("*.txt",), ("drafts",), ["a.txt", "sub/c.txt", "sub/deep/d.txt"]),
        (("sub/**",), ("*.csv",), ["sub/c.txt", "sub/deep/d.txt"]),
        ((), ("sub/deep/*", "*.json*"), ["a.txt", "drafts/x.txt", "sub/c.txt"]),
        (("*.[jc]s*",), (), ["b.json", "sub/deep/e.csv", "z.jsonl"]),
    ],
)
def test_readers_discover_include_exclude(tree: Path, include: tuple[str, ...],
                                          exclude: tuple[str, ...], expected: list[str]) -> None:
    options = ReaderOptions(include=include, exclude=exclude)
    assert _rel(discover([tree], options), tree) == expected


def test_readers_discover_files_given_by_name_and_duplicates(tree: Path) -> None:
    found = list(discover([tree / "z.jsonl", tree / ".hidden.txt", tree, tree / "a.txt"], OPTS))
    assert _rel(found[:2], tree) == ["z.jsonl", ".hidden.txt"]
    assert len(found) == len(set(found)) == 8


def test_readers_discover_missing_path_raises_input_error(tree: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        discover([tree, tree / "nope"], OPTS)
    with pytest.raises(InputError, match="unknown reader 'pdf'"):
        discover([tree], ReaderOptions(format="pdf"))


def test_readers_glob_matching() -> None:
    assert matches("**/*.txt", "a.txt") and matches("**/*.txt", "x/y/a.txt")
    assert not matches("sub/*.txt", "sub/deep/a.txt") and matches("sub/**/*.txt", "sub/a.txt")
    assert matches("*.txt", "deep/down/a.txt") and not matches("a?.txt", "a/.txt")


def test_readers_bad_files_do_not_affect_the_folder(tmp_path: Path) -> None:
    good = {"good.txt": ENGLISH.encode(), "good.json": b'[{"text": "fine"}]'}
    bad = {
        "empty.txt": b"",
        "garbage.txt": bytes(range(256)) * 4,
        "truncated.txt": KOREAN.encode()[:-2],
        "wrongtype.json": b'[{"text": 5}, {"text": "fine too"}]',
        "badline.jsonl": b'{"text": "ok"}\n{oops\n',
        "corrupt.zip": b"PK\x03\x04 not really a zip",
        "broken.json": b"{",
    }
    for name, data in {**good, **bad}.items():
        (tmp_path / name).write_bytes(data)
    sources = [s for p in discover([tmp_path], OPTS) for s in read_path(p, OPTS)]
    by_name = {s.name: s for s in sources}
    assert len(sources) == len(good) + len(bad)
    assert by_name["good.txt"].records[0].text == ENGLISH
    assert by_name["good.json"].records[0].text == "fine"
    assert by_name["empty.txt"].reject_reason == "empty file"
    assert by_name["garbage.txt"].reject_reason.startswith(BINARY_REASON)
    assert by_name["truncated.txt"].records[0].warnings
    assert [r.text for r in by_name["wrongtype.json"].records] == ["fine too"]
    assert by_name["badline.jsonl"].errors[0].locator == "line 2"
    assert "corrupt zip" in by_name["corrupt.zip"].reject_reason
    assert "invalid JSON" in by_name["broken.json"].reject_reason
    for source in sources:  # nothing lost: every source keeps its exact bytes
        assert source.raw == (tmp_path / source.name).read_bytes()
        assert source.records or source.errors or source.reject_reason


def test_readers_unreadable_path_is_a_reject(tmp_path: Path) -> None:
    source = only(read_path(tmp_path / "gone.txt", OPTS))
    assert "cannot read the file" in source.reject_reason


# -- registry --------------------------------------------------------------------------------


def test_readers_builtins_are_registered() -> None:
    assert {"text", "json", "jsonl", "csv", "html", "warc"} <= set(readers())


def test_readers_third_party_reader_registers_like_the_builtins() -> None:
    def read_upper(source: SourceFile, options: ReaderOptions) -> None:
        from dateline.model import Record

        source.records.append(Record(source.raw.decode().upper(), "all"))

    register_reader("shout", (".shout",), read_upper, sniff=lambda head: head.startswith(b"!!"))
    try:
        assert read_one(b"hello", "a.shout").records[0].text == "HELLO"
        assert read_one(b"!!hey", "a.unknownext").reader == "shout"
        assert read_one(b"hello", "a.txt", format="shout").reader == "shout"
        with pytest.raises(ValueError, match="already registered"):
            register_reader("shout", (".x",), read_upper)
    finally:
        unregister_reader("shout")
    assert read_one(b"!!hey", "a.unknownext").reader == "text"


def test_readers_a_crashing_reader_becomes_a_reject() -> None:
    def explode(source: SourceFile, options: ReaderOptions) -> None:
        raise RuntimeError("boom")

    register_reader("explode", (".boom",), explode)
    try:
        source = read_one(b"data", "x.boom")
    finally:
        unregister_reader("explode")
    assert "internal error in the explode reader" in source.reject_reason
    assert source.raw == b"data"


# -- round trips -----------------------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from("\n\t\r가각힣"),
    min_size=1, max_size=300,
).filter(lambda s: not s.isspace())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom"]))
def test_readers_roundtrip_any_text_through_utf8_and_utf16(text: str, codec: str) -> None:
    raw = b"\xff\xfe" + text.encode("utf-16-le") if codec == "utf-16-le-bom" else text.encode(codec)
    source = read_one(raw, "r.txt")
    assert source.reject_reason is None
    assert source.records[0].text == normalize_text(text)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(_TEXT, min_size=1, max_size=5))
def test_readers_roundtrip_json_and_jsonl(texts: list[str]) -> None:
    items = [{"text": t, "title": "T"} for t in texts]
    as_json = read_one(json.dumps(items, ensure_ascii=False).encode(), "r.json")
    as_lines = read_one("\n".join(json.dumps(i) for i in items).encode(), "r.jsonl")
    for source in (as_json, as_lines):
        kept = [normalize_text(t) for t in texts if normalize_text(t).strip()]
        assert [r.text for r in source.records] == kept


def test_readers_samples_reread_from_raw_give_the_same_records() -> None:
    for path in sorted(DATA.iterdir()):
        for source in read_path(path, OPTS):
            same_records(source, only(read_bytes(source.raw, source.name, source.origin, OPTS)))


# -- shared corpora (read in place, never copied) --------------------------------------------


@pytest.fixture(scope="module")
def shared() -> Path:
    folder = shared_folder()
    if folder is None:
        pytest.skip("the shared corpora folder is absent (../shared beside the repository, or "
                    "set DATELINE_SHARED)")
    return folder


def test_readers_kcna_corpus_without_code(shared: Path) -> None:
    folder = shared / "corpora" / "kcna-stiles-2024"
    sources = [s for p in discover([folder], ReaderOptions(include=("*.json",)))
               for s in read_path(p, OPTS)]
    records = [r for s in sources for r in s.records]
    errors = [e for s in sources for e in s.errors]
    assert (len(records), len(errors)) == (1862, 249)
    assert all(r.hints.title and r.hints.url and r.hints.date for r in records)
    assert all("'story_text' is empty" in e.reason for e in errors)
    assert min(r.hints.date for r in records) == date(2023, 12, 24)
    assert max(r.hints.date for r in records) == date(2024, 11, 10)


def test_readers_kbs_pages_corpus_without_code(shared: Path) -> None:
    folder = shared / "corpora" / "kbs-pages"
    sources = [s for p in discover([folder], ReaderOptions(include=("*.json",)))
               for s in read_path(p, OPTS)]
    records = [r for s in sources for r in s.records]
    assert len(records) == 47
    assert all(r.hints.url and r.hints.url.startswith("http") for r in records)
    assert all(s.errors == [] and s.reject_reason is None for s in sources)


def test_readers_shared_seeds_are_text(shared: Path, tmp_path: Path) -> None:
    seeds = sorted((shared / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("no seed transcripts in the shared folder")
    archive = tmp_path / "seeds.zip"  # the seeds read the same from a zip, in tmp only
    with zipfile.ZipFile(archive, "w") as z:
        for seed in seeds:
            z.write(seed, seed.name)
    direct = [only(read_path(s, OPTS)) for s in seeds]
    zipped = read_path(archive, OPTS)
    assert [d.records[0].text for d in direct] == [z.records[0].text for z in zipped]
    assert all(d.records[0].text.lstrip().startswith("date") for d in direct)
    assert not any(isinstance(e, RecordError) for d in direct for e in d.errors)
