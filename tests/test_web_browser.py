"""The web pages in a real browser: Debian's Chromium driven by Playwright, never a downloaded one.

Search, open a story, follow a speaker, page through results, change the date range, filter by
a facet, work without JavaScript, and show stories whose text carries XSS payloads without
running any of them.  Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from test_web_corpus import XSS_SPEAKER, XSS_TITLE, build_web_archive

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A dateline server on 127.0.0.1 (in a thread) over the fictional test archive."""
    uvicorn = pytest.importorskip("uvicorn")
    from dateline.web import create_app

    archive = build_web_archive(tmp_path_factory.mktemp("web-browser"), sample_stories=40)
    port = _free_port()
    config = uvicorn.Config(create_app(archive), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the dateline server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run `bash scripts/setup-test-env.sh` (it "
                    "apt-installs Debian's chromium and fonts-noto-cjk); browsers are never "
                    "downloaded by `playwright install`")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watch:
    """What a page did that it should not: dialogs opened, page errors, CSP violations."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", lambda msg: self.console.append(msg.text)
                if msg.type == "error" else None)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.watch = Watch(pg)
    yield pg
    context.close()


def shot(page: Any, name: str, *, full: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def search(page: Any, query: str) -> None:
    page.goto("/")
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?"))


def total(page: Any) -> int:
    text = page.inner_text("#summary strong")
    return int(text.replace(",", ""))


def hit_dates(page: Any) -> list[str]:
    return page.eval_on_selector_all(".hit time", "els => els.map(e => e.getAttribute('datetime'))")


def test_web_browser_home_and_search_open_story(page: Any) -> None:
    page.goto("/")
    assert "Search" in page.inner_text("h1")
    shot(page, "01-home")
    search(page, "eastern railway")
    assert total(page) >= 40
    assert page.locator(".hit").count() == 20
    assert page.locator(".hit mark").count() > 0  # highlighted snippets
    assert page.locator("svg.chart rect.bar").count() > 1  # stories per month
    shot(page, "02-search")
    first = page.locator(".hit h3 a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/stories/[0-9a-f]+$"))
    assert page.inner_text("h1").startswith(title)
    assert page.locator(".seg-anchor").count() >= 1
    assert "source file" in page.inner_text(".facts").lower()
    shot(page, "03-story")
    assert not page.watch.errors and not page.watch.dialogs


def test_web_browser_follow_speaker_link(page: Any) -> None:
    search(page, 'speaker:"Park Sol-bin"')
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    link = page.locator(".seg-soundbite a.entity", has_text="Park Sol-bin").first
    link.click()
    page.wait_for_url(re.compile(r"/entities/"))
    assert "Park Sol-bin" in page.inner_text("h1")
    shot(page, "04-entity")


def test_web_browser_page_through_results(page: Any) -> None:
    search(page, "eastern railway")
    first_page = page.eval_on_selector_all(".hit h3 a", "els => els.map(e => e.href)")
    page.click("nav.pager a[rel=next]")
    page.wait_for_url(re.compile(r"page=2"))
    second_page = page.eval_on_selector_all(".hit h3 a", "els => els.map(e => e.href)")
    assert second_page and not set(first_page) & set(second_page)
    assert page.get_attribute("ol.hits", "start") == "21"
    assert "page 2 of" in page.inner_text("#summary")
    shot(page, "05-page-2", full=False)
    page.click("nav.pager a[rel=prev]")
    page.wait_for_url(re.compile(r"page=1"))
    assert page.eval_on_selector_all(".hit h3 a", "els => els.map(e => e.href)") == first_page


def test_web_browser_change_date_range(page: Any) -> None:
    search(page, "eastern railway")
    before = total(page)
    page.fill("#from", "2018-03-01")
    page.fill("#to", "2018-06-30")
    page.click("#search-form button[type=submit]")
    page.wait_for_url(re.compile(r"from=2018-03-01"))
    after = total(page)
    assert 0 < after < before
    dates = hit_dates(page)
    assert dates and all("2018-03-01" <= d <= "2018-06-30" for d in dates)
    # sorting by date (the select submits itself with JavaScript on)
    page.select_option("#sort", "date")
    page.wait_for_url(re.compile(r"sort=date"))
    dates = hit_dates(page)
    assert dates == sorted(dates)
    shot(page, "06-date-range", full=False)


def test_web_browser_facet_filter(page: Any) -> None:
    search(page, "eastern railway")
    before = total(page)
    page.locator('.facet[data-facet="year"] li a').first.click()
    page.wait_for_url(re.compile(r"year="))
    assert page.locator(".chip").count() == 1
    assert total(page) < before
    page.locator(".chip").first.click()
    page.wait_for_url(lambda url: "year=" not in url)
    assert total(page) == before


def test_web_browser_xss_payloads_never_run(page: Any) -> None:
    search(page, "payload")
    assert XSS_TITLE in page.inner_text(".hits")  # shown as text, not markup
    shot(page, "07-xss-search", full=False)
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    assert page.inner_text("h1") == XSS_TITLE
    assert "Envoy Kang <img" in page.inner_text(".transcript")
    assert page.locator(".transcript img, .transcript script, h1 script").count() == 0
    # the javascript: URL is shown, never linked
    assert page.locator("a[href^='javascript']").count() == 0
    shot(page, "08-xss-story")
    for link in page.locator(".seg-soundbite a.entity").all()[:1]:
        link.click()
        page.wait_for_load_state()
    page.goto("/quotes?q=talk")
    page.goto("/entities/" + XSS_SPEAKER.replace("/", "%2F"))
    page.goto("/search?q=" + XSS_TITLE.replace("&", "%26").replace('"', "%22"))
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.watch.dialogs == []
    assert page.watch.errors == []


def test_web_browser_korean(page: Any) -> None:
    search(page, "철도 연결")
    assert total(page) >= 1
    page.locator(".hit h3 a", has_text="가상 항구").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    assert "철도" in page.inner_text("h1")
    assert "김하늘" in page.inner_text(".seg-soundbite")
    shot(page, "09-korean-story")


def test_web_browser_works_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto("/")
        pg.fill("#q", "eastern railway")
        pg.press("#q", "Enter")
        pg.wait_for_url(re.compile(r"/search\?"))
        assert pg.locator(".hit").count() > 0
        pg.locator(".hit h3 a").first.click()
        pg.wait_for_url(re.compile(r"/stories/"))
        assert pg.locator(".seg").count() > 0
        pg.goto("/stats")
        assert pg.locator("svg.chart").count() == 1
        shot(pg, "10-stats-no-js")
        pg.goto("/rejects")
        assert "broken.json" in pg.inner_text("table")
        shot(pg, "11-rejects", full=False)
    finally:
        context.close()


def test_web_browser_untitled_stories_show_a_marked_title(page: Any) -> None:
    """KBS World Radio pages carry no title: their lead gives one, marked as derived, in the
    results and on the story page; each speaker is listed once."""
    search(page, 'program:"KBS World Radio News" railway')
    marked = page.locator(".hit h3 .derived-mark").first
    assert marked.is_visible() and marked.inner_text().lower() == "from the lead"
    assert page.locator(".hit h3 .untitled").count() == 0
    title = page.locator(".hit h3 .derived-title").first.inner_text()
    assert title and "Untitled" not in title
    shot(page, "11-derived-titles", full=False)
    page.locator(".hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/stories/"))
    assert page.locator("h1 .derived-mark").is_visible()
    assert page.inner_text("h1 .derived-title") == title
    names = page.locator(".speakers li a.entity").all_inner_texts()
    assert names and len(names) == len(set(names))
    shot(page, "12-derived-title-story")
    assert not page.watch.errors and not page.watch.dialogs
