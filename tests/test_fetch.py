"""Fetcher against a real HTTP server on loopback: statuses, redirects, guard, caps, deadlines."""

from __future__ import annotations

import gzip
import socket
import subprocess
import threading
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.errors import BlockedHostError, FetchError
from monitor.fetch import (
    Fetcher,
    HttpSettings,
    address_problem,
    parse_retry_after,
    resolve_host,
)
from tests.support.httpd import (
    Exchange,
    LoopbackServer,
    dribble,
    redirect,
    reset_after,
    short_body,
)

KB = 1024
# Tests talk to 127.0.0.1, so the guard is off unless a test is about the guard.
OPEN = HttpSettings(timeout=2.0, max_bytes=64 * KB, allow_private_hosts=True)
GUARDED = HttpSettings(timeout=2.0, max_bytes=64 * KB)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(OPEN) as client:
        yield client


def fails(fetcher: Fetcher, url: str, **kwargs: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch(url, **kwargs)
    return caught.value


# --- success and conditional GET --------------------------------------------------------------


def test_a_200_returns_body_type_charset_and_validators(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route(
        "/feed.xml",
        body="<rss>déjà</rss>".encode(),
        headers={
            "Content-Type": 'application/rss+xml; charset="UTF-8"',
            "ETag": '"v1"',
            "Last-Modified": "Tue, 07 Oct 2025 09:00:00 GMT",
        },
    )
    result = fetcher.fetch(server.url("/feed.xml"))
    assert result.status == 200
    assert result.body == "<rss>déjà</rss>".encode()
    assert (result.content_type, result.charset) == ("application/rss+xml", "utf-8")
    assert (result.etag, result.last_modified) == ('"v1"', "Tue, 07 Oct 2025 09:00:00 GMT")
    assert not result.not_modified
    sent = server.requests_to("/feed.xml")[0].headers
    assert sent["user-agent"] == OPEN.user_agent
    assert sent["accept-encoding"] == "gzip, deflate"
    assert "if-none-match" not in sent


def conditional(exchange: Exchange) -> None:
    if exchange.headers.get("if-none-match") == '"v1"':
        exchange.send(304)  # no validators repeated: the client must keep its own
    else:
        exchange.send(200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Tue, 07 Oct 2025"})


def test_a_304_is_a_result_and_the_validators_were_sent(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", handler=conditional)
    first = fetcher.fetch(server.url("/feed.xml"))
    second = fetcher.fetch(
        server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
    )
    assert second.not_modified
    assert (second.status, second.body) == (304, b"")
    assert (second.etag, second.last_modified) == ('"v1"', "Tue, 07 Oct 2025")
    sent = server.requests_to("/feed.xml")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 07 Oct 2025"


def test_a_server_ignoring_conditional_requests_gives_a_full_response(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/feed.xml", body=b"<rss/>", headers={"ETag": '"v2"'})
    result = fetcher.fetch(server.url("/feed.xml"), etag='"v1"')
    assert not result.not_modified
    assert (result.body, result.etag) == (b"<rss/>", '"v2"')


def test_cookies_set_by_one_response_are_never_sent_again(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/a", body=b"a", headers={"Set-Cookie": "session=secret; Path=/"})
    server.route("/b", body=b"b")
    fetcher.fetch(server.url("/a"))
    fetcher.fetch(server.url("/b"))
    assert "cookie" not in server.requests_to("/b")[0].headers


# --- redirects --------------------------------------------------------------------------------


def test_a_redirect_chain_is_followed_to_the_final_url(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/one", handler=redirect("/two", 301))
    server.route("/two", handler=redirect("three", 307))  # relative to /two
    server.route("/three", handler=redirect(server.url("/final"), 308))
    server.route("/final", body=b"here")
    result = fetcher.fetch(server.url("/one"))
    assert (result.url, result.body) == (server.url("/final"), b"here")


def test_a_redirect_loop_is_an_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/a", handler=redirect("/b"))
    server.route("/b", handler=redirect("/a"))
    error = fails(fetcher, server.url("/a"))
    assert "redirect loop" in str(error)
    assert not error.temporary


def test_more_hops_than_allowed_is_an_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    for i in range(30):
        server.route(f"/hop{i}", handler=redirect(f"/hop{i + 1}"))
    error = fails(fetcher, server.url("/hop0"))
    assert "more than 5 redirects" in str(error)
    assert len(server.requests) == 6  # the first request and five hops, nothing more


@pytest.mark.parametrize(
    "target",
    ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "javascript:alert(1)"],
)
def test_redirects_to_other_schemes_are_refused(
    server: LoopbackServer, fetcher: Fetcher, target: str
) -> None:
    server.route("/go", handler=redirect(target))
    error = fails(fetcher, server.url("/go"))
    assert str(error).startswith("fetch: refused ")
    assert target.split(":")[0] + ":" in str(error)
    assert not error.temporary


@pytest.mark.parametrize("target", ["http://[::1", "http://exa mple.org/", "http://:80/", "//"])
def test_a_redirect_to_a_broken_url_is_an_error(
    server: LoopbackServer, fetcher: Fetcher, target: str
) -> None:
    server.route("/go", handler=redirect(target))
    error = fails(fetcher, server.url("/go"))
    assert not error.temporary


@pytest.mark.parametrize("url", ["http://[::1", "http://", "not a url", ""])
def test_a_broken_url_is_an_error(fetcher: Fetcher, url: str) -> None:
    assert not fails(fetcher, url).temporary


def test_a_url_of_another_scheme_is_refused_before_any_connection(fetcher: Fetcher) -> None:
    error = fails(fetcher, "file:///etc/passwd")
    assert str(error) == "fetch: refused file: URL for file:///etc/passwd"


def test_a_compressed_bomb_on_a_redirect_is_never_inflated(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * KB))

    def bomb_redirect(exchange: Exchange) -> None:
        exchange.send(
            302, bomb, {"Location": "/final", "Content-Encoding": "gzip"}
        )  # the body of a 3xx is never read

    server.route("/go", handler=bomb_redirect)
    server.route("/final", body=b"ok")
    assert fetcher.fetch(server.url("/go")).body == b"ok"


# --- the host guard ---------------------------------------------------------------------------


def addresses_problems(host: str) -> set[str | None]:
    return {address_problem(address) for address in resolve_host(host, timeout=5)}


@pytest.mark.parametrize(
    ("host", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("[::1]", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("169.254.169.254", "link-local"),
        ("10.1.2.3", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("100.64.0.1", "shared (CGNAT)"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::7f00:1", "loopback"),
        ("2002:7f00:1::", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("2130706433", "loopback"),
        ("0177.0.0.1", "loopback"),
        ("0x7f.1", "loopback"),
        ("localhost", "loopback"),
    ],
)
def test_the_guard_classifies_refused_addresses(host: str, problem: str) -> None:
    assert addresses_problems(host) == {problem}


@pytest.mark.parametrize("host", ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"])
def test_the_guard_lets_public_addresses_through(host: str) -> None:
    assert addresses_problems(host) == {None}


def test_loopback_is_refused_with_the_guard_on(server: LoopbackServer) -> None:
    server.route("/", body=b"secret")
    with Fetcher(GUARDED) as guarded:
        error = fails(guarded, server.url("/"))
    assert isinstance(error, BlockedHostError)
    assert str(error) == f"fetch: refused loopback address 127.0.0.1 for {server.url('/')}"
    assert not error.temporary
    assert server.requests == []  # refused before connecting


def test_loopback_works_when_private_hosts_are_allowed(server: LoopbackServer) -> None:
    server.route("/", body=b"fine")
    with Fetcher(HttpSettings(allow_private_hosts=True)) as open_fetcher:
        assert open_fetcher.fetch(server.url("/")).body == b"fine"


@pytest.mark.parametrize(
    "spelling",
    [
        "http://2130706433:{port}/",
        "http://0177.0.0.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://localhost:{port}/",
    ],
)
def test_odd_spellings_of_loopback_are_refused(server: LoopbackServer, spelling: str) -> None:
    with Fetcher(GUARDED) as guarded:
        fails(guarded, spelling.format(port=server.port))
    assert server.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "http://[::1]:{port}/",
        "http://127.0.0.2:{port}/",
        "http://2130706434:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://100.64.0.1/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(server: LoopbackServer, target: str) -> None:
    # Only the test server's own address is exempt: every hop is checked on its own.
    server.route("/go", handler=redirect(target.format(port=server.port)))
    with Fetcher(GUARDED, allowed_addresses=["127.0.0.1"]) as guarded:
        error = fails(guarded, server.url("/go"))
    assert isinstance(error, BlockedHostError)
    assert f"(redirected from {server.url('/go')})" in str(error)


def test_the_checked_address_is_the_one_connected_to(server: LoopbackServer) -> None:
    """DNS rebinding: a second lookup could answer differently, so there is only one."""
    answers = [["93.184.216.34"], ["127.0.0.1"]]
    asked: list[str] = []

    def rebinding(host: str) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), 2) - 1]

    server.route("/", body=b"secret")
    settings = HttpSettings(timeout=1.0)
    with Fetcher(settings, resolver=rebinding) as guarded:
        fails(guarded, f"http://rebind.example:{server.port}/")
    assert asked == ["rebind.example"]
    assert server.requests == []


def test_a_name_with_any_private_address_is_refused(server: LoopbackServer) -> None:
    with Fetcher(GUARDED, resolver=lambda host: ["93.184.216.34", "127.0.0.1"]) as guarded:
        error = fails(guarded, f"http://mixed.example:{server.port}/")
    assert isinstance(error, BlockedHostError)


def test_the_host_header_keeps_the_name_while_connecting_to_the_resolved_address(
    server: LoopbackServer,
) -> None:
    server.route("/", body=b"named")
    with Fetcher(OPEN, resolver=lambda host: ["127.0.0.1"]) as named:
        assert named.fetch(f"http://news.example:{server.port}/").body == b"named"
    assert server.requests[0].headers["host"] == f"news.example:{server.port}"


def test_proxy_variables_do_not_bypass_the_guard(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, server.base_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with Fetcher(GUARDED) as guarded:
        error = fails(guarded, "http://10.0.0.1/")
    assert isinstance(error, BlockedHostError)
    assert server.requests == []  # the "proxy" never saw the request


# --- status errors and Retry-After ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "temporary"),
    [
        *[(500, True), (502, True), (503, True), (504, True), (408, True), (429, True)],
        *[(404, False), (410, False), (403, False), (401, False)],
    ],
)
def test_status_errors_say_whether_a_retry_may_help(
    server: LoopbackServer, fetcher: Fetcher, status: int, temporary: bool
) -> None:
    server.route("/x", status=status, body=b"error page")
    error = fails(fetcher, server.url("/x"))
    assert str(error) == f"fetch: HTTP {status} for {server.url('/x')}"
    assert (error.status, error.temporary) == (status, temporary)


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds(server: LoopbackServer, fetcher: Fetcher, status: int) -> None:
    server.route("/x", status=status, headers={"Retry-After": "120"})
    assert fails(fetcher, server.url("/x")).retry_after == 120


def test_retry_after_as_an_http_date(server: LoopbackServer, fetcher: Fetcher) -> None:
    later = datetime.now(UTC) + timedelta(minutes=10)
    server.route("/x", status=429, headers={"Retry-After": http_date(later)})
    retry_after = fails(fetcher, server.url("/x")).retry_after
    assert retry_after is not None
    assert 540 <= retry_after <= 600


def test_retry_after_garbage_is_ignored(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/x", status=429, headers={"Retry-After": "soon, maybe"})
    error = fails(fetcher, server.url("/x"))
    assert error.retry_after is None
    assert error.temporary


def test_retry_after_is_capped(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/x", status=429, headers={"Retry-After": "99999999"})
    assert fails(fetcher, server.url("/x")).retry_after == OPEN.max_retry_after


NOW = datetime(2025, 10, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0.0),
        ("  30 ", 30.0),
        ("Tue, 07 Oct 2025 12:05:00 GMT", 300.0),
        ("Tuesday, 07-Oct-25 12:05:00 GMT", 300.0),  # RFC 850, still to be accepted
        ("Tue, 07 Oct 2025 11:00:00 GMT", 0.0),  # already past
        ("Tue, 07 Oct 2025 12:05:00", 300.0),  # no zone: GMT
        ("99999999", 3600.0),
        ("Wed, 07 Oct 2099 12:00:00 GMT", 3600.0),
        ("-5", None),
        ("1.5", None),
        ("", None),
        (None, None),
        ("next tuesday", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW, cap=3600.0) == expected


@given(st.text(max_size=40))
def test_parse_retry_after_is_never_negative_nor_past_the_cap(value: str) -> None:
    seconds = parse_retry_after(value, now=NOW, cap=60.0)
    assert seconds is None or 0.0 <= seconds <= 60.0


# --- size cap and compression -----------------------------------------------------------------


def test_a_body_past_the_cap_with_content_length(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/big", body=b"x" * (64 * KB + 1))
    error = fails(fetcher, server.url("/big"))
    assert str(error) == f"fetch: body larger than 64 KB for {server.url('/big')}"


def endless_chunks(exchange: Exchange) -> None:
    exchange.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"y" * 8192
    while exchange.sleep(0):
        exchange.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def test_a_body_past_the_cap_without_content_length(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.route("/endless", handler=endless_chunks)
    error = fails(fetcher, server.url("/endless"))
    assert "body larger than 64 KB" in str(error)


def test_a_lying_small_content_length_reads_only_what_was_announced(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    def liar(exchange: Exchange) -> None:
        exchange.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + b"z" * 200 * KB)
        exchange.close_connection()

    server.route("/liar", handler=liar)
    assert fetcher.fetch(server.url("/liar")).body == b"zzzzz"


@pytest.mark.parametrize("layers", [1, 2])
def test_a_gzip_bomb_is_aborted_at_the_cap(
    server: LoopbackServer, fetcher: Fetcher, layers: int
) -> None:
    bomb = b"\0" * (64 * 1024 * KB)  # 64 MB once inflated
    for _ in range(layers):
        bomb = gzip.compress(bomb)
    assert len(bomb) < 128 * KB  # small on the wire
    server.route("/bomb", body=bomb, headers={"Content-Encoding": ", ".join(["gzip"] * layers)})
    error = fails(fetcher, server.url("/bomb"))
    assert "body larger than 64 KB" in str(error)


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("gzip, deflate", lambda data: zlib.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
)
def test_compressed_bodies_are_decoded(
    server: LoopbackServer, fetcher: Fetcher, encoding: str, encode: object
) -> None:
    text = b"<rss>" + b"ceasefire " * 3000 + b"</rss>"
    assert callable(encode)
    server.route("/c", body=encode(text), headers={"Content-Encoding": encoding})
    assert fetcher.fetch(server.url("/c")).body == text


def test_an_unknown_encoding_is_an_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/br", body=b"\x8b\x00\x80", headers={"Content-Encoding": "br"})
    assert "unsupported content encoding 'br'" in str(fails(fetcher, server.url("/br")))


def test_a_corrupt_gzip_body_is_an_error(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/bad", body=b"\x1f\x8b not gzip at all", headers={"Content-Encoding": "gzip"})
    assert "corrupt compressed body" in str(fails(fetcher, server.url("/bad")))


# --- deadlines and broken connections ---------------------------------------------------------

SHORT = HttpSettings(timeout=1.0, max_bytes=64 * KB, allow_private_hosts=True)


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_dribbling_server_hits_the_total_deadline(
    server: LoopbackServer, headers_too: bool
) -> None:
    # Each byte comes well inside any read timeout; only a whole-request deadline stops it.
    server.route("/slow", handler=dribble(b"x" * 100, every=0.2, headers_too=headers_too))
    with Fetcher(SHORT) as short:
        error = fails(short, server.url("/slow"))
    assert str(error) == f"fetch: deadline of 1s exceeded for {server.url('/slow')}"
    assert error.temporary


def test_a_server_that_accepts_and_never_answers_hits_the_deadline() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with Fetcher(SHORT) as short:
            error = fails(short, f"http://127.0.0.1:{port}/")
    assert "deadline of 1s exceeded" in str(error)


def test_one_slow_request_does_not_spend_the_deadline_of_the_others(
    server: LoopbackServer,
) -> None:
    server.route("/slow", handler=dribble(b"x" * 100, every=0.2))
    server.route("/fast", body=b"fast")
    with Fetcher(SHORT) as shared, ThreadPoolExecutor(max_workers=4) as pool:
        slow = pool.submit(shared.fetch, server.url("/slow"))
        fast = [pool.submit(shared.fetch, server.url("/fast")) for _ in range(12)]
        assert [f.result().body for f in fast] == [b"fast"] * 12
        with pytest.raises(FetchError, match="deadline"):
            slow.result()


def test_connection_refused_is_temporary(fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = fails(fetcher, f"http://127.0.0.1:{port}/")
    assert str(error).startswith("fetch: cannot connect")
    assert error.temporary


def test_a_content_length_longer_than_the_body(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/short", handler=short_body(b"only this", declared=1000))
    error = fails(fetcher, server.url("/short"))
    assert str(error).startswith("fetch: broken response")
    assert error.temporary


def test_a_reset_mid_body(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.route("/reset", handler=reset_after(b"x" * 1000, declared=50_000))
    error = fails(fetcher, server.url("/reset"))
    assert error.temporary


def test_truncated_chunked_encoding(server: LoopbackServer, fetcher: Fetcher) -> None:
    def truncated(exchange: Exchange) -> None:
        exchange.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly")
        exchange.close_connection()

    server.route("/chunked", handler=truncated)
    assert fails(fetcher, server.url("/chunked")).temporary


def test_the_server_stops_cleanly_with_a_slow_handler_in_flight() -> None:
    before = threading.active_count()
    server = LoopbackServer().start()
    server.route("/slow", handler=dribble(b"x" * 10_000, every=0.5))
    with Fetcher(HttpSettings(timeout=0.5, allow_private_hosts=True)) as short:
        fails(short, server.url("/slow"))
    server.close()
    assert threading.active_count() <= before


# --- TLS --------------------------------------------------------------------------------------


@pytest.fixture
def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    try:
        subprocess.run(
            [
                *["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"],
                *["-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"openssl cannot make a test certificate: {exc}")
    return key, cert


def test_a_self_signed_certificate_is_refused_without_an_insecure_retry(
    self_signed: tuple[Path, Path],
) -> None:
    import ssl

    key, cert = self_signed
    server = LoopbackServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.wrap_tls(context)
    server.route("/", body=b"secret")
    with server, Fetcher(SHORT) as client:
        error = fails(client, f"https://127.0.0.1:{server.port}/")
    assert "CERTIFICATE_VERIFY_FAILED" in str(error) or "certificate" in str(error).lower()
    assert server.requests == []  # no request was ever sent in clear or unverified


# --- invariants -------------------------------------------------------------------------------


@given(st.ip_addresses())
def test_every_address_is_classified_without_error(address: object) -> None:
    problem = address_problem(str(address))
    assert problem in {
        None,
        "unspecified",
        "loopback",
        "link-local",
        "multicast",
        "shared (CGNAT)",
        "private",
        "reserved",
    }
