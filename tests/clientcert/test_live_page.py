"""The live page in a real headless Chromium, against a fake ``LiveSource`` served by uvicorn.

Skipped, with the reason, where Debian's chromium + chromium-driver (or selenium) are not installed.
The end-to-end run against the real ``client serve`` is in ``test_live_serve.py``.
"""

from __future__ import annotations

import threading
import time

import pytest

from register_conformance.clientcert.judging import Context, Injection
from register_conformance.lifecycle.data import TraineeData
from tests.clientcert.browser import start_chromium, wait_for
from tests.clientcert.live_fakes import (
    TOKEN,
    FakeSource,
    ThreadServer,
    blank_judgement,
    live_app,
    synthetic_exchanges,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


def css(driver, selector):
    return driver.find_elements("css selector", selector)


def journey_state(driver, journey: str) -> str | None:
    return driver.execute_script(
        "const li = document.querySelector(`#journeys li[data-journey='${arguments[0]}']`);"
        "return li ? li.dataset.state : null;", journey)


def rows(driver) -> list[str]:
    """The exchange numbers listed, top to bottom (read in one go: the list is redrawn while polling)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#exchanges tr.exchange')].map((row) => row.dataset.seq);")


def text(driver, element_id: str) -> str:
    return driver.execute_script("return document.getElementById(arguments[0]).textContent;", element_id)


def open_page(driver, url: str) -> None:
    driver.get(url + "/_conformance/")
    wait_for(lambda: driver.execute_script("return document.body.dataset.ready"), "the page's first update")


def test_the_checklist_fills_the_exchange_expands_without_token_and_finish_is_called(browser, tmp_path):
    source = FakeSource(reports_dir=tmp_path)  # judged by judging.judge
    data = TraineeData("live", "v2026.1")
    source.add("GET", "http://127.0.0.1/api/v2026.1/trainees", 404, response_body={"errors": ["No trainees found"]})
    with ThreadServer(live_app(source)) as url:
        open_page(browser, url)
        assert journey_state(browser, "create-with-degree") == "waiting"
        assert rows(browser) == ["0"]

        created = source.add("POST", "http://127.0.0.1/api/v2026.1/trainees", 201,
                             request_body={"data": data.trainee("12", degrees=[data.degree()])},
                             response_body={"data": {"trainee_id": "t-1", "state": "submitted_for_trn"}})
        wait_for(lambda: journey_state(browser, "create-with-degree") == "demonstrated",
                 "the journey to turn to demonstrated")
        wait_for(lambda: css(browser, '#exchanges tr.exchange[data-seq="1"]'), "the new exchange in the list")

        css(browser, '#journeys li[data-journey="create-with-degree"] a.seq')[0].click()  # its exchange, expanded
        detail = wait_for(lambda: [d for d in css(browser, f'tr.detail[data-seq="{created.seq}"]')
                                   if "Authorization" in d.text], "the expanded exchange")[0]
        assert "Authorization: Bearer [REDACTED]" in detail.text
        assert '"degrees_attributes"' in detail.text and "submitted_for_trn" in detail.text
        assert "demonstrates Create a trainee with a degree" in detail.text
        assert TOKEN not in browser.page_source
        assert [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []  # no script error

        browser.find_element("id", "finish").click()
        assert source.finish_calls == 0  # asks first
        browser.find_element("id", "finish-yes").click()
        wait_for(source.finished.is_set, "source.finish() to be called")
        assert (tmp_path / "report.html").is_file()
        wait_for(lambda: "Finishing" in text(browser, "banner"), "the finishing banner")
        assert str(tmp_path) in text(browser, "banner")
        assert source.finish_calls == 1 and browser.find_element("id", "finish").get_attribute("disabled")


def test_ten_thousand_exchanges_are_paged_and_any_one_can_be_opened(browser):
    source = FakeSource(synthetic_exchanges(10_000), judge_fn=blank_judgement)
    with ThreadServer(live_app(source)) as url:
        open_page(browser, url)
        wait_for(lambda: rows(browser)[:1] == ["9999"], "the newest exchange at the top")
        assert len(rows(browser)) == 50  # one page in the DOM, not 10,000 rows
        assert "#9950–#9999 of 10000" in text(browser, "page-info")

        browser.find_element("id", "page-older").click()
        wait_for(lambda: rows(browser)[:1] == ["9949"], "the older page")
        source.add("GET", "http://127.0.0.1/api/v2026.1/trainees", 200)
        wait_for(lambda: "10001" in text(browser, "page-info"), "the new total while paged")
        assert rows(browser)[0] == "9949"  # a paged view stays where the reader is

        box = browser.find_element("id", "jump-seq")
        box.send_keys("1234\n")
        wait_for(lambda: css(browser, 'tr.detail[data-seq="1234"] .message'), "exchange #1234 expanded")
        assert rows(browser)[0] == "1234" and len(rows(browser)) == 50

        browser.find_element("id", "page-newest").click()
        wait_for(lambda: rows(browser)[:1] == ["10000"], "back to the newest, following again")
        source.add("GET", "http://127.0.0.1/api/v2026.1/trainees?page=2", 200)
        wait_for(lambda: rows(browser)[:1] == ["10001"], "a new exchange arriving at the top")
        assert len(rows(browser)) == 50
        for _ in range(120):  # a burst bigger than a page between two polls
            source.add("GET", "http://127.0.0.1/api/v2026.1/trainees?page=3", 200)
        wait_for(lambda: rows(browser)[:1] == ["10121"], "the newest page after a burst")
        assert rows(browser) == [str(seq) for seq in range(10121, 10071, -1)]


def test_the_page_says_when_client_serve_has_gone(browser):
    source = FakeSource(synthetic_exchanges(3), judge_fn=blank_judgement)
    server = ThreadServer(live_app(source))
    url = server.__enter__()
    try:
        open_page(browser, url)
    finally:
        server.__exit__(None, None, None)
    wait_for(lambda: "Lost contact" in text(browser, "banner"), "the lost-contact banner", 40)
    assert css(browser, "#live-dot.off")


def test_the_list_shows_before_the_first_judgement_and_is_redrawn_with_it(browser):
    release = threading.Event()

    def held_judge(exchanges, context):
        assert release.wait(60)
        return blank_judgement(exchanges, context)

    source = FakeSource(synthetic_exchanges(120), judge_fn=held_judge)
    try:
        with ThreadServer(live_app(source, wait=0.05)) as url:
            open_page(browser, url)
            assert rows(browser)[:1] == ["119"] and text(browser, "verdict") == "Judging…"
            assert "Judging 120 exchanges" in text(browser, "judging")
            verdicts = "return [...document.querySelectorAll('#exchanges tr.exchange')].map((r) => r.dataset.verdict);"
            assert set(browser.execute_script(verdicts)) == {"pending"}
            release.set()
            wait_for(lambda: set(browser.execute_script(verdicts)) == {"none"}, "the rows redrawn with their verdicts")
            assert text(browser, "verdict") == "No failure so far"
            assert browser.execute_script("return document.getElementById('judging').hidden")
    finally:
        release.set()


def test_an_adverse_response_is_listed_waiting_then_passed_when_the_client_waits(browser):
    served = Injection(seq=0, client="provider-a", kind="rate-limited-429", retry_after=2.0,
                       expected="waits at least Retry-After (2 s), then sends the request again")
    source = FakeSource(context=Context(plan="resilience", injections=(served,)))  # judged by judging.judge
    started = time.time() - 60
    since = TraineeData("live", "v2026.1").dates.cycle_start.isoformat()
    url = f"http://127.0.0.1/api/v2026.1/trainees?since={since}"
    source.add("GET", url, 429, response_body="Retry later", started=started, elapsed_ms=1.0,
               injected="rate-limited-429")
    with ThreadServer(live_app(source)) as base:
        open_page(browser, base)
        injection = "return document.querySelector('#injections tr[data-seq=\"0\"]')?.dataset.verdict ?? null;"
        wait_for(lambda: browser.execute_script(injection) == "pending", "the injection listed, waiting")
        assert "rate-limited-429 (Retry-After 2s)" in text(browser, "injections")
        source.add("GET", url, 200, response_body={"data": []}, started=started + 2.5)
        wait_for(lambda: browser.execute_script(injection) == "pass", "the client's reaction judged")
        assert "1 of 1 handled" in text(browser, "injections-count")
        assert browser.find_elements("css selector", '#injections tr[data-seq="0"] a.seq[data-seq="1"]')
