"""HAR 1.2 reader edge cases and the writer's round trip."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from register_conformance.clientcert.har import HarError, read_har, write_har
from register_conformance.clientcert.rules_request import BODY_NOT_RECORDED

from .judging_samples import journey_walk

SECRET = "sandbox_" + "ab" * 32


def entry(started: str, method: str = "GET", path: str = "/api/v2026.1/info", *, headers=None, post=None,
          status: int = 200, content=None) -> dict:
    request = {"method": method, "url": f"https://register.example{path}", "httpVersion": "HTTP/1.1",
               "headers": headers if headers is not None else [{"name": "Authorization", "value": f"Bearer {SECRET}"}],
               "queryString": [], "cookies": [{"name": "session", "value": "cookie-secret"}]}
    if post is not None:
        request["postData"] = post
    return {"startedDateTime": started, "time": 12.5, "request": request,
            "response": {"status": status, "statusText": "", "headers": [], "cookies": [],
                         "content": content if content is not None else {"size": 0, "mimeType": "", "text": ""}}}


def har(tmp_path: Path, entries: list, name: str = "t.har") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                                        "entries": entries}}), encoding="utf-8")
    return path


def test_unsorted_entries_are_sorted_and_numbered(tmp_path: Path) -> None:
    items = read_har(har(tmp_path, [entry("2026-01-01T10:00:05.000Z", path="/api/v2026.1/trainees"),
                                    entry("2026-01-01T10:00:01.000+00:00")]))
    assert [e.seq for e in items] == [0, 1]
    assert [e.route for e in items] == ["/info", "/trainees"]
    assert items[0].elapsed_ms == 12.5 and items[0].client == "har"


def test_credentials_and_cookies_never_kept(tmp_path: Path) -> None:
    headers = [{"name": "authorization", "value": f"bearer {SECRET}"}, {"name": "Cookie", "value": "a=cookie-secret"},
               {"name": "X-Trace", "value": "1"}, {"name": "X-Trace", "value": "2"}]
    items = read_har(har(tmp_path, [entry("2026-01-01T10:00:00Z", headers=headers)]))
    assert items[0].request_header("Authorization") == "bearer [REDACTED]"  # the scheme word as sent
    assert [v for k, v in items[0].request_headers if k == "X-Trace"] == ["1", "2"]  # repeats kept
    out = tmp_path / "out.har"
    write_har(items, out)
    text = out.read_text(encoding="utf-8")
    assert SECRET not in text and "cookie-secret" not in text


def test_base64_and_absent_bodies(tmp_path: Path) -> None:
    body = json.dumps({"data": {"first_names": "Zoë"}})
    encoded = base64.b64encode(body.encode()).decode()
    items = read_har(har(tmp_path, [
        entry("2026-01-01T10:00:00Z", "PUT", "/api/v2026.1/trainees/t1",
              post={"mimeType": "application/json", "text": encoded, "encoding": "base64"},
              content={"size": 2, "mimeType": "application/json", "text": base64.b64encode(b"{}").decode(),
                       "encoding": "base64"}),
        entry("2026-01-01T10:00:01Z", "POST", "/api/v2026.1/trainees"),
    ]))
    assert items[0].request_json() == {"data": {"first_names": "Zoë"}} and items[0].response_body == "{}"
    assert items[1].request_body is None and BODY_NOT_RECORDED in items[1].notes


def test_status_zero_means_no_response(tmp_path: Path) -> None:
    assert read_har(har(tmp_path, [entry("2026-01-01T10:00:00Z", status=0)]))[0].status is None


def test_round_trip_keeps_exchanges(tmp_path: Path) -> None:
    walk = journey_walk()
    path = tmp_path / "walk.har"
    write_har(walk, path)
    again = read_har(path)
    assert [(e.method, e.url, e.status, e.request_body) for e in again] == \
        [(e.method, e.url, e.status, e.request_body) for e in walk]
    assert [round(e.started, 3) for e in again] == [round(e.started, 3) for e in walk]


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "invalid JSON"),
    ('{"log": {}}', "no log.entries"),
    ("[]", "no log.entries"),
    ('{"log": {"entries": [{"request": {"method": "GET"}}]}}', "entry 0"),
    ('{"log": {"entries": [{"startedDateTime": "yesterday", "request": {"method": "GET", "url": "http://x/"}}]}}',
     "startedDateTime"),
])
def test_bad_input_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.har"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(HarError, match=message) as info:
        read_har(path)
    assert "\n" not in str(info.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(HarError, match="cannot read"):
        read_har(tmp_path / "nope.har")
    binary = tmp_path / "bin.har"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(HarError, match="not UTF-8"):
        read_har(binary)


def test_sanitized_export_without_authorization_is_not_refused(tmp_path: Path) -> None:
    from register_conformance.clientcert.judging import Context, judge

    items = read_har(har(tmp_path, [entry("2026-01-01T10:00:00Z", headers=[]),
                                    entry("2026-01-01T10:00:30Z", headers=[], status=401)]))
    row = next(r for r in judge(items, Context(plan="check")).requirements if r["id"] == "CL-REQ-AUTH")
    assert row["verdict"] == "fail" and [seq for seq, _ in row["evidence"]] == [1]  # only the 401 one
    kept = read_har(har(tmp_path, [entry("2026-01-01T10:00:00Z"), entry("2026-01-01T10:00:30Z", headers=[])],
                        "kept.har"))
    row = next(r for r in judge(kept, Context(plan="check")).requirements if r["id"] == "CL-REQ-AUTH")
    assert [seq for seq, _ in row["evidence"]] == [1]  # the file records headers: a missing one is missing
