"""The JSON API and the HTML pages through FastAPI's TestClient: data, one error shape, limits,
read-only serving, security headers, escaping, and schemathesis against the OpenAPI spec."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

from dateline import Archive  # noqa: E402
from dateline.web import create_app  # noqa: E402
from dateline.web.data import clean_snippet  # noqa: E402
from test_web_corpus import XSS_SPEAKER, XSS_TITLE, build_web_archive  # noqa: E402

ERROR_KEYS = {"ok", "error", "status", "code"}


@pytest.fixture(scope="session")
def web_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_web_archive(tmp_path_factory.mktemp("web-api"), sample_stories=40)


@pytest.fixture(scope="session")
def app(web_archive: Path) -> Any:
    return create_app(web_archive)


@pytest.fixture(scope="session")
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _first_hit(client: TestClient, q: str) -> dict[str, Any]:
    body = client.get("/api/search", params={"q": q}).json()
    assert body["ok"] is True and body["hits"], body
    return body["hits"][0]


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    if code is not None:
        assert body["code"] == code, body
    return body


# ----------------------------------------------------------------------------- search


def test_web_api_search_returns_hits_facets_and_marked_snippets(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "eastern railway"}).json()
    assert body["ok"] is True
    assert body["total"] >= 40
    assert len(body["hits"]) == 20
    assert set(body["facets"]) >= {"year", "month", "program", "speaker", "language"}
    assert any("<mark>" in s for h in body["hits"] for s in h["snippets"])
    assert body["request"]["limit"] == 20


def test_web_api_search_pages_do_not_overlap(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "eastern railway", "limit": 10}).json()
    second = client.get("/api/search", params={"q": "eastern railway", "limit": 10,
                                               "offset": 10}).json()
    ids1, ids2 = {h["id"] for h in first["hits"]}, {h["id"] for h in second["hits"]}
    assert len(ids1) == len(ids2) == 10 and not ids1 & ids2


def test_web_api_search_date_range_and_sort(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "eastern railway", "from": "2018-03",
                                             "to": "2018-06", "sort": "date"}).json()
    dates = [h["date"] for h in body["hits"]]
    assert dates and dates == sorted(dates)
    assert all("2018-03-01" <= d <= "2018-06-30" for d in dates)


@pytest.mark.parametrize(("param", "value"), [("year", "2018"), ("speaker", "Park Sol-bin"),
                                              ("program", "KBS World Radio News"),
                                              ("language", "en")])
def test_web_api_search_facet_filters_narrow(client: TestClient, param: str, value: str) -> None:
    everything = client.get("/api/search", params={"q": "railway"}).json()
    narrowed = client.get("/api/search", params={"q": "railway", param: value}).json()
    assert narrowed["ok"] is True
    assert 0 < narrowed["total"] <= everything["total"]
    facet = "year" if param == "year" else param
    assert set(narrowed["facets"][facet]) == {value}


def test_web_api_browse_a_date_range_without_words(client: TestClient) -> None:
    body = client.get("/api/search", params={"from": "2019-01-01", "to": "2019-12-31"}).json()
    assert body["ok"] is True and body["total"] > 0
    assert all(h["date"].startswith("2019") for h in body["hits"])


@pytest.mark.parametrize(("value", "expected"), [
    ("none", set()), ("false", set()), ("all", {"year", "month", "program", "speaker",
                                                 "language"}),
    ("year,program", {"year", "program"}), (" Speaker ", {"speaker"}),
])
def test_web_api_search_facets_parameter(client: TestClient, value: str,
                                         expected: set[str]) -> None:
    everything = client.get("/api/search", params={"q": "railway"}).json()
    body = client.get("/api/search", params={"q": "railway", "facets": value}).json()
    assert body["ok"] is True and set(body["facets"]) == expected
    assert body["total"] == everything["total"]
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in everything["hits"]]
    for name in expected:
        assert body["facets"][name] == everything["facets"][name]
    assert set(body["request"]["facets"]) == expected


def test_web_api_search_unknown_facet_is_a_400(client: TestClient) -> None:
    body = assert_error(client.get("/api/search", params={"q": "railway", "facets": "colour"}),
                        400, "input_error")
    assert "colour" in body["error"]


def test_web_api_repeated_search_is_answered_from_the_cache(client: TestClient) -> None:
    from dateline.search import cache

    params = {"q": "harbour sanctions", "sort": "-date", "offset": 10, "limit": 5}
    first = client.get("/api/search", params=params).json()
    pages, facets = cache.PAGES.stats().hits, cache.FACETS.stats().hits
    again = client.get("/api/search", params=params).json()
    assert cache.PAGES.stats().hits == pages + 1 and cache.FACETS.stats().hits == facets + 1
    first.pop("took_ms"), again.pop("took_ms")
    assert again == first


def test_web_api_search_sees_an_ingest_at_once(tmp_path: Path, web_archive: Path) -> None:
    """The caches are keyed by the index generation: stories ingested (here by another Archive
    of the same process, which shares the caches) show in totals, facets and hits as soon as
    the ingest has committed, without waiting for the index reader to notice."""
    from conftest import write_kbs_radio

    copy = tmp_path / "copy.dateline"
    shutil.copytree(web_archive, copy)
    params = {"q": "eastern railway", "sort": "-date", "limit": 5}
    with TestClient(create_app(copy, warm_up=False), raise_server_exceptions=False) as c:
        before = c.get("/api/search", params=params).json()
        assert c.get("/api/search", params=params).json()["total"] == before["total"]
        assert "2031" not in before["facets"]["year"]
        new = tmp_path / "new"
        for i in range(3):
            write_kbs_radio(new, f"zeppelin-{i}.txt", f"2031-0{i + 1}-10", "Han Ji-ho",
                            f"The zeppelin line {i} joins the eastern railway.")
        with Archive(copy) as writer:
            writer.ingest([new], workers=1)
        after = c.get("/api/search", params=params).json()
        assert after["total"] == before["total"] + 3
        assert after["facets"]["year"]["2031"] == 3
        assert after["facets"]["month"]["2031-02"] == 1
        assert [h["date"][:4] for h in after["hits"][:3]] == ["2031"] * 3
        browse = c.get("/api/search", params={"from": "2031", "to": "2031"}).json()
        assert browse["total"] == 3


def test_web_api_json_is_the_same_without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from dateline.web import app as web_app

    payload = {"ok": True, "title": "가상 항구 <mark>철도</mark> & \"quotes\"", "score": 1.5,
               "none": None, "list": [1, "two"]}
    fast = web_app.dump_json(payload)
    monkeypatch.setattr(web_app, "_orjson", None)
    plain_json = web_app.dump_json(payload)
    assert json.loads(fast) == json.loads(plain_json) == payload
    assert "가상".encode() in plain_json  # UTF-8, not \u escapes


def test_search_cache_is_bounded_and_hands_out_copies(web_archive: Path) -> None:
    from dateline.search.cache import LRUCache

    lru: LRUCache[int] = LRUCache(2)
    for key in "abc":
        lru.put(key, ord(key))
    assert lru.get("a") is None and lru.get("c") == ord("c") and lru.stats().size == 2
    off: LRUCache[int] = LRUCache(0)  # DATELINE_SEARCH_CACHE=0
    off.put("a", 1)
    assert off.get("a") is None and off.stats().size == 0
    with Archive(web_archive, readonly=True) as arc:
        first = arc.search("railway", limit=3)
        first.hits[0].title = "changed"
        first.hits[0].snippets.append("changed")
        first.facets["year"]["1900"] = 1
        again = arc.search("railway", limit=3)
    assert again.hits[0].title != "changed" and "changed" not in again.hits[0].snippets
    assert "1900" not in again.facets["year"]


# ----------------------------------------------------------------------------- stories


def test_web_api_story_has_segments_quotes_source_and_no_paths(client: TestClient,
                                                               web_archive: Path) -> None:
    hit = _first_hit(client, 'speaker:"Park Sol-bin"')
    response = client.get(f"/api/stories/{hit['id']}")
    story = response.json()
    assert story["ok"] is True and story["id"] == hit["id"]
    kinds = [s["kind"] for s in story["segments"]]
    assert "anchor" in kinds and "soundbite" in kinds
    bite = next(s for s in story["segments"] if s["kind"] == "soundbite")
    assert bite["quotes"] and bite["quotes"][0]["speaker"]
    assert story["source"].endswith(".txt") and "/" not in story["source"]
    assert story["revisions"] and story["revisions"][-1]["current"] is True
    # never a file-system path: not the archive's, not the sources' origins
    assert str(web_archive) not in response.text
    assert str(web_archive.parent) not in response.text
    assert '"origin"' not in response.text


def test_web_api_story_revisions_and_duplicates(client: TestClient) -> None:
    revised = client.get(f"/api/stories/{_first_hit(client, 'corrected')['id']}").json()
    assert [r["revision"] for r in revised["revisions"]] == [1, 2]
    phase1 = client.get("/api/search", params={"q": '"phase 1," eastern'}).json()
    ids = [h["id"] for h in phase1["hits"]]
    stories = [client.get(f"/api/stories/{i}").json() for i in ids]
    assert any(s["duplicates"] for s in stories)


def test_web_api_story_by_prefix_redirects_page(client: TestClient) -> None:
    sid = _first_hit(client, "railway")["id"]
    page = client.get(f"/stories/{sid[:8]}", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/stories/{sid}"


def test_web_api_stats_and_rejects(client: TestClient, web_archive: Path) -> None:
    stats = client.get("/api/stats")
    assert stats.json()["stories"] >= 48
    assert "archive" not in stats.json() and str(web_archive) not in stats.text
    rejects = client.get("/api/rejects").json()
    assert rejects["total"] >= 1
    assert any(r["source"] == "broken.json" and r["reason"] for r in rejects["rejects"])


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("url", "status", "code"), [
    ("/api/stories/ffffffffffffffff", 404, "not_found"),
    ("/api/no-such-endpoint", 404, "not_found"),
    ("/api/search?q=", 400, "query_error"),
    ("/api/search?q=railway&limit=abc", 400, "invalid_parameter"),
    ("/api/search?q=railway&limit=0", 400, "invalid_parameter"),
    ("/api/search?q=railway&sort=sideways", 400, "invalid_parameter"),
    ("/api/search?q=railway&from=2018-13-45", 400, "input_error"),
    ("/api/search?q=railway&from=2019&to=2018", 400, "input_error"),
    ("/api/search?q=railway&year=abcd", 400, "input_error"),
    ("/api/rejects?offset=-1", 400, "invalid_parameter"),
])
def test_web_api_error_shape(client: TestClient, url: str, status: int, code: str) -> None:
    assert_error(client.get(url), status, code)


def test_web_api_error_shape_for_wrong_method_and_json_accept(client: TestClient) -> None:
    assert_error(client.delete("/api/stats"), 405, "method_not_allowed")
    assert_error(client.get("/no-such-page", headers={"accept": "application/json"}), 404)
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


@pytest.mark.parametrize("q", ['"unbalanced', "(((", ")", "AND", "OR OR", "-", "NOT",
                               "date:2018-13", "title:", "speaker:(", "::", "*", "?",
                               "\\", "철도 OR", "date:..", 'program:"', "a" * 900])
def test_web_api_odd_queries_never_500(client: TestClient, q: str) -> None:
    response = client.get("/api/search", params={"q": q})
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert_error(response, 400)
    page = client.get("/search", params={"q": q})
    assert page.status_code in (200, 400)


# ----------------------------------------------------------------------------- limits


def test_web_api_limits(client: TestClient, app: Any) -> None:
    limits = app.state.limits
    long_query = "railway " * (limits.max_query_length // 8 + 1)
    body = assert_error(client.get("/api/search", params={"q": long_query}), 400, "query_error")
    assert str(limits.max_query_length) in body["error"]
    assert client.get("/api/search", params={"q": "railway",
                                             "limit": limits.max_page_size}).status_code == 200
    assert_error(client.get("/api/search", params={"q": "railway",
                                                   "limit": limits.max_page_size + 1}), 400)
    assert_error(client.get("/api/search", params={"q": "railway", "offset": 10**6}), 400)
    assert_error(client.get("/api/rejects", params={"limit": limits.max_page_size + 1}), 400)
    assert client.get("/search", params={"q": long_query}).status_code == 400


# ----------------------------------------------------------------------------- security


def test_web_api_security_headers_on_every_kind_of_response(client: TestClient) -> None:
    for url in ("/", "/api/stats", "/api/stories/ffffffffffffffff", "/static/style.css",
                "/no-such-page", "/docs"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "default-src 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]


def test_web_pages_escape_archive_text(client: TestClient) -> None:
    hit = _first_hit(client, "payload")
    assert hit["title"] == XSS_TITLE
    for url in (f"/stories/{hit['id']}", "/search?q=payload", "/quotes?q=talk",
                "/search?q=" + XSS_TITLE.replace("&", "%26")):
        html = client.get(url).text
        assert "<script>window" not in html, url
        assert "<img src=x" not in html, url
        assert 'href="javascript' not in html, url
    story = client.get(f"/stories/{hit['id']}").text
    assert "&lt;script&gt;window.__xss" in story
    assert "Envoy Kang &lt;img" in story
    # the page's own scripts come from /static only
    assert story.count("<script") == 1 and '<script src="/static/app.js"' in story


def test_web_snippets_keep_only_mark() -> None:
    assert clean_snippet("a <mark>rail</mark> &amp; b") == "a <mark>rail</mark> &amp; b"
    dirty = clean_snippet('<mark>x</mark><img src=x onerror=1><script>y</script><mark>z')
    assert "<img" not in dirty and "<script" not in dirty
    assert dirty.count("<mark>") == dirty.count("</mark>") == 2
    assert clean_snippet("</mark>plain") == "plain"


def test_web_api_is_read_only(client: TestClient, web_archive: Path) -> None:
    before = client.get("/api/stats").json()
    assert_error(client.post("/api/sources", json={"name": "x.txt", "text": "Anchor: hi"}),
                 403, "permission_denied")
    assert_error(client.post("/api/sources", json={"name": "x.txt", "text": "hi"},
                             headers={"authorization": "Bearer guess"}), 403)
    assert_error(client.post("/api/reindex"), 403, "permission_denied")
    assert client.get("/api/stats").json() == before


def test_web_api_writes_need_the_token(tmp_path: Path, web_archive: Path) -> None:
    copy = tmp_path / "copy.dateline"
    shutil.copytree(web_archive, copy)
    app = create_app(copy, allow_writes=True, token="s3cret")
    text = (" date 2020-02-02 Photo : YONHAP News\n\nAnchor: The zeppelin ferry service "
            "resumed. Han Ji-ho has more.Report: The zeppelin ferry is back.Han Ji-ho, KBS "
            "World Radio News.")
    with TestClient(app, raise_server_exceptions=False) as c:
        assert_error(c.post("/api/sources", json={"name": "z.txt", "text": text}), 403)
        assert_error(c.post("/api/sources", json={"name": "z.txt", "text": text},
                            headers={"authorization": "Bearer wrong"}), 403)
        ok = c.post("/api/sources", json={"name": "../../z.txt", "text": text},
                    headers={"authorization": "Bearer s3cret"})
        assert ok.status_code == 200, ok.text
        assert ok.json()["name"] == "z.txt" and ok.json()["counts"]["new"] == 1
        # the server's readers see the new commit once their index reader reloads
        deadline = time.monotonic() + 10
        while c.get("/api/search", params={"q": "zeppelin"}).json()["total"] != 1:
            assert time.monotonic() < deadline, "the ingested story never became searchable"
            time.sleep(0.2)
    with Archive(web_archive, readonly=True) as original:
        assert original.search("zeppelin").total == 0


def test_web_app_refuses_writes_without_token(web_archive: Path) -> None:
    from dateline.errors import DatelineError

    with pytest.raises(DatelineError):
        create_app(web_archive, allow_writes=True)


# ----------------------------------------------------------------------------- pages, docs


@pytest.mark.parametrize("url", ["/", "/search?q=railway", "/search?q=railway&page=2",
                                 "/search?program=News+Today", "/stats", "/rejects", "/docs",
                                 "/search", "/quotes", "/entities"])
def test_web_pages_render(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1" in response.text or 'class="searchbox' in response.text


def test_web_korean_story_page(client: TestClient) -> None:
    hit = _first_hit(client, "가상 항구")
    html = client.get(f"/stories/{hit['id']}").text
    assert "가상 항구 철도 연결 합의" in html and "김하늘" in html


def test_web_docs_page_needs_no_third_party_assets(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/api/search" in html and "/api/stories/{story_id}" in html
    assert "cdn" not in html.lower() and 'src="http' not in html
    schema = client.get("/openapi.json").json()
    assert "/api/search" in schema["paths"]
    assert "422" not in str(schema["paths"]["/api/search"]["get"]["responses"])


def test_web_speaker_link_goes_to_entity(client: TestClient) -> None:
    hit = _first_hit(client, 'speaker:"Park Sol-bin"')
    html = client.get(f"/stories/{hit['id']}").text
    import re

    link = re.search(r'<figcaption><span class="seg-label">Sound bite</span>\s*<a class="entity" '
                     r'href="(/entities/[^"]+)"[^>]*>Park Sol-bin</a>', html)
    assert link, html
    page = client.get(link.group(1))
    assert page.status_code == 200 and "Park Sol-bin" in page.text
    api = client.get("/api/entities/Park%20Sol-bin").json()
    assert api["ok"] is True
    api_xss = client.get("/api/entities/" + XSS_SPEAKER.replace(" ", "%20"))
    assert api_xss.status_code in (200, 404)


def test_web_quotes_and_timeline(client: TestClient) -> None:
    quotes = client.get("/api/quotes", params={"speaker": "Park Sol-bin"}).json()
    assert quotes["ok"] is True and quotes["total"] >= 15
    assert all(h["speaker"] == "Park Sol-bin" for h in quotes["hits"])
    topic = client.get("/api/quotes", params={"q": "section", "speaker": "Moon Tae-ri"}).json()
    assert topic["total"] >= 1 and all("<mark>" in (h["snippet"] or "") for h in topic["hits"])
    page = client.get("/quotes", params={"q": "railway", "speaker": "Park Sol-bin"})
    assert page.status_code == 200 and "Park Sol-bin" in page.text
    people = client.get("/api/entities", params={"kind": "person", "top": 5}).json()
    assert people["ok"] is True and people["entities"]
    timeline = client.get("/api/timeline", params={"q": "railway", "by": "month"}).json()
    assert timeline["ok"] is True and timeline["series"]
    assert sum(p["count"] for p in timeline["series"]) >= 40
    entity = client.get("/api/entities/Park%20Sol-bin").json()
    assert entity["timeline"]["series"] and entity["aliases"] and entity["titles"]


# ----------------------------------------------------------------------------- schemathesis


def test_web_api_schemathesis_no_server_errors(app: Any) -> None:
    """Every operation of the OpenAPI spec, with schemathesis' generated requests: no 500s, and
    every error in the one shape.  Bounded: a few examples per operation."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import given

    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=6, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text[:500])
            if response.status_code >= 400:
                assert set(response.json()) == ERROR_KEYS, response.text

        check()


# ----------------------------------------------------------------------------- serving


def test_web_worker_process_app_comes_from_the_environment(web_archive: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from dateline.web.app import SERVE_ENV, app_from_environment

    monkeypatch.setenv(SERVE_ENV, json.dumps({"archive": str(web_archive), "pool_size": 2}))
    app = app_from_environment()
    assert app.state.pool.size == 2 and not app.state.allow_writes
    with TestClient(app) as c:
        assert c.get("/api/stats").json()["ok"] is True


def test_web_serve_refuses_writes_with_several_workers(web_archive: Path) -> None:
    from typer.testing import CliRunner

    from dateline.cli import app as cli

    out = CliRunner().invoke(cli, ["serve", "--archive", str(web_archive), "--workers", "2",
                                   "--allow-writes", "--token", "t"])
    assert out.exit_code != 0
    assert "--workers 1" in (out.output + str(out.exception))


def test_web_story_thread_reads_stories_by_id(web_archive: Path) -> None:
    """The thread's and near-duplicates' titles are read by story id whatever their number
    (SQLite once chose the duplicate_of index for five ids or more and walked the archive)."""
    from dateline.store import analysis as sql

    with Archive(web_archive, readonly=True) as arc:
        ids = [s.id for s in arc.stories()][:12]
        statements: list[str] = []
        arc.store.conn.set_trace_callback(statements.append)
        heads = sql.story_headers(arc.store, ids)
        arc.store.conn.set_trace_callback(None)
        assert set(heads) == set(ids)
        plan = " ".join(str(row) for row in arc.store.conn.execute(
            "EXPLAIN QUERY PLAN " + _with_marks(statements[-1], ids), ids))
        assert "stories_dup" not in plan and "(id=?)" in plan


def _with_marks(statement: str, ids: list[str]) -> str:
    """A traced statement (values inlined) with its id list as parameters again."""
    inlined = ",".join(f"'{i}'" for i in ids)
    assert inlined in statement
    return statement.replace(inlined, ",".join("?" * len(ids)))


def test_web_story_reads_its_thread_without_computing_it(client: TestClient,
                                                        web_archive: Path) -> None:
    with Archive(web_archive, readonly=True) as arc:
        story = next(arc.stories())
    started = time.perf_counter()
    body = client.get(f"/api/stories/{story.id}").json()
    assert body["ok"] is True and isinstance(body["thread"], list)
    assert time.perf_counter() - started < 2.0  # stored links: no thread finder to build
