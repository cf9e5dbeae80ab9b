"""Fetching a news page from a link: redirects, limits, errors, and no way into the network.

Every test talks to a server on 127.0.0.1 started here, or to none: the address checks run
before any connection. Host names under .test resolve only through the fake_dns fixture.
"""

import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.utils import translation

from news import fetch
from news.fetch import MAX_BODY_BYTES, FetchError, fetch_article, is_public_address
from news.html import parse_html
from news.text import ArticleError

PAGES = Path(__file__).parent.parent / "data" / "pages"
ARTICLE = (PAGES / "biohealth_article.html").read_bytes()


class PageHandler(BaseHTTPRequestHandler):
    """Serves the saved pages and the misbehaviours a fetch must survive."""

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("Host")))
        path = urlsplit(self.path).path
        try:
            if path == "/article":
                self.send_page(ARTICLE)
            elif path == "/redirect":
                self.redirect("/article")
            elif path.startswith("/hops/"):
                hops = int(path.removeprefix("/hops/"))
                self.redirect(f"/hops/{hops - 1}") if hops else self.send_page(ARTICLE)
            elif path == "/to-internal":
                self.redirect(f"http://internal.test:{self.server.server_port}/article")
            elif path == "/to-file":
                self.redirect("file:///etc/passwd")
            elif path == "/declared-too-large":
                # Declares more than the limit, then sends little: a client that read the
                # body before checking the header would fail on the short body instead.
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(MAX_BODY_BYTES + 1))
                self.end_headers()
                self.wfile.write(b"<html>")
            elif path == "/endless":
                # No Content-Length: the body ends when the connection closes (HTTP/1.0).
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                for _ in range(MAX_BODY_BYTES // 65536 + 2):
                    self.wfile.write(b"<p>" + b"x" * 65529 + b"</p>")
            elif path == "/slow":
                time.sleep(2)
                self.send_page(ARTICLE)
            elif path == "/trickle":
                # Each byte comes well within any per-read timeout; the whole never ends in time.
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                for _ in range(30):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif path == "/image":
                self.send_page(b"\x89PNG\r\n\x1a\n", content_type="image/png")
            else:
                self.send_error(404, "Not Found")
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client stopped reading, as it should past a limit.

    def send_page(self, body: bytes, content_type: str = "text/html; charset=utf-8"):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English."""
    with translation.override("en"):
        yield


def start_server(tls_context: ssl.SSLContext | None = None):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    server.requests = []
    if tls_context is not None:
        server.socket = tls_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    port = server.server_port
    server.url = lambda path, host="127.0.0.1", scheme="http": f"{scheme}://{host}:{port}{path}"
    return server


@pytest.fixture(scope="module")
def page_server():
    server = start_server()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(page_server):
    """A web server on 127.0.0.1 serving the saved pages; ``requests`` lists what it got in
    this test."""
    page_server.requests.clear()
    return page_server


@pytest.fixture
def fake_dns(monkeypatch):
    """Host names in ``answers`` resolve to the addresses given there, other .test names to
    nothing; every lookup is recorded in ``lookups``."""
    answers: dict[str, list[str]] = {}
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        lookups.append(host)
        if host in answers:
            return [
                (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
                if ":" in ip
                else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
                for ip in answers[host]
            ]
        if host.endswith(".test"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return SimpleNamespace(answers=answers, lookups=lookups)


@pytest.fixture
def loopback_stands_for_a_public_site(monkeypatch):
    """The strict address policy, except that the test server's 127.0.0.1 counts as a public
    news site: what a redirect leads to is judged as in production."""
    strict = fetch.is_public_address
    monkeypatch.setattr(fetch, "is_public_address", lambda ip: ip == "127.0.0.1" or strict(ip))


@pytest.fixture
def no_connection(monkeypatch):
    """Fails the test if the fetch opens any connection."""

    def connect(self):
        raise AssertionError(f"connected to {self.address}")

    monkeypatch.setattr(fetch._PinnedConnection, "connect", connect)


# --- The address policy --------------------------------------------------------------------


@pytest.mark.parametrize(
    "ip", ["8.8.8.8", "211.43.210.10", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"]
)
def test_public_internet_addresses_are_public(ip):
    assert is_public_address(ip)


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",  # loopback
        "127.8.9.10",
        "10.0.0.1",  # private
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",  # link-local: cloud metadata services
        "100.64.0.1",  # carrier NAT
        "0.0.0.0",  # unspecified
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",  # unique local
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "not an address",
    ],
)
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_not(ip):
    assert not is_public_address(ip)


# --- Refusals before any connection ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fc00::1]:8080/",
        "http://[::ffff:127.0.0.1]/",
        "https://localhost/",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://0x7f.1/",
    ],
)
def test_links_to_private_addresses_are_refused_without_connecting(url, no_connection):
    with pytest.raises(FetchError, match="not a public internet address"):
        fetch_article(url)


def test_a_host_name_resolving_to_a_private_address_is_refused(fake_dns, no_connection):
    fake_dns.answers["intranet.test"] = ["10.0.0.1"]

    with pytest.raises(FetchError, match=r"intranet\.test at 10\.0\.0\.1"):
        fetch_article("https://intranet.test/news/1")


def test_a_host_name_with_one_private_address_among_public_ones_is_refused(fake_dns, no_connection):
    fake_dns.answers["mixed.test"] = ["93.184.216.34", "127.0.0.1"]

    with pytest.raises(FetchError, match="not a public internet address"):
        fetch_article("http://mixed.test/")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://ftp.example.com/article.html",
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "www.example.com/news/1",
    ],
)
def test_links_other_than_http_and_https_are_refused(url, no_connection):
    with pytest.raises(FetchError, match=r"only http:// and https://"):
        fetch_article(url)


def test_an_unknown_host_gets_its_own_error(fake_dns, no_connection):
    with pytest.raises(FetchError, match=r"nowhere\.test could not be found"):
        fetch_article("https://nowhere.test/")


def test_fetch_errors_are_article_errors_for_the_import_to_report():
    assert issubclass(FetchError, ArticleError)


# --- Against a local server ------------------------------------------------------------------


def test_it_fetches_a_page_and_returns_its_body_and_url(server):
    body, final_url = fetch_article(server.url("/article"), allow_private=True)

    assert body == ARTICLE
    assert final_url == server.url("/article")
    assert parse_html(body).title == "오송재단·대구경북첨복재단, 신약 개발 공동연구 협약 체결"


def test_by_default_it_refuses_a_server_on_loopback_without_sending_it_anything(server):
    with pytest.raises(FetchError, match="not a public internet address"):
        fetch_article(server.url("/article"))
    with pytest.raises(FetchError, match="not a public internet address"):
        fetch_article(server.url("/article", host="localhost"))

    assert server.requests == []


def test_it_follows_redirects_and_returns_the_final_url(server):
    body, final_url = fetch_article(server.url("/redirect"), allow_private=True)

    assert body == ARTICLE
    assert final_url == server.url("/article")


def test_it_follows_five_redirects_and_refuses_a_sixth(server):
    body, final_url = fetch_article(server.url("/hops/5"), allow_private=True)
    assert (body, final_url) == (ARTICLE, server.url("/hops/0"))

    with pytest.raises(FetchError, match="redirects more than 5 times"):
        fetch_article(server.url("/hops/6"), allow_private=True)


def test_a_redirect_to_a_private_address_is_refused(
    server, fake_dns, loopback_stands_for_a_public_site
):
    fake_dns.answers["internal.test"] = ["10.0.0.1"]

    # Were the redirect not checked, the fetch would try 10.0.0.1 and fail otherwise.
    with pytest.raises(FetchError, match=r"internal\.test at 10\.0\.0\.1"):
        fetch_article(server.url("/to-internal"), timeout=1)

    assert server.requests == [("/to-internal", f"127.0.0.1:{server.server_port}")]
    assert "internal.test" in fake_dns.lookups


def test_a_redirect_to_a_file_link_is_refused(server):
    with pytest.raises(FetchError, match="only http:// and https://"):
        fetch_article(server.url("/to-file"), allow_private=True)


def test_it_connects_to_the_address_it_checked_and_sends_the_host_name(
    server, fake_dns, loopback_stands_for_a_public_site
):
    fake_dns.answers["news.test"] = ["127.0.0.1"]

    body, _url = fetch_article(server.url("/article", host="news.test"))

    assert body == ARTICLE
    # One lookup: a second one, at connection time, could answer with another address.
    assert fake_dns.lookups.count("news.test") == 1
    assert server.requests == [("/article", f"news.test:{server.server_port}")]


def test_a_declared_body_over_2_mb_is_refused_before_reading_it(server):
    with pytest.raises(FetchError, match="larger than 2 MB"):
        fetch_article(server.url("/declared-too-large"), allow_private=True)


def test_a_body_over_2_mb_without_declared_length_is_refused(server):
    with pytest.raises(FetchError, match="larger than 2 MB"):
        fetch_article(server.url("/endless"), allow_private=True)


def test_a_server_answering_after_the_timeout_is_refused_in_time(server):
    started = time.monotonic()

    with pytest.raises(FetchError, match="did not answer within 0.5 seconds"):
        fetch_article(server.url("/slow"), allow_private=True, timeout=0.5)

    assert time.monotonic() - started < 1.5


def test_a_server_sending_a_byte_at_a_time_is_cut_off_at_the_timeout(server):
    started = time.monotonic()

    with pytest.raises(FetchError, match="did not answer within 0.5 seconds"):
        fetch_article(server.url("/trickle"), allow_private=True, timeout=0.5)

    assert time.monotonic() - started < 1.5


def test_a_missing_page_gets_the_status_in_its_error(server):
    with pytest.raises(FetchError, match="404 Not Found"):
        fetch_article(server.url("/gone"), allow_private=True)


def test_a_link_to_an_image_is_refused_as_not_a_web_page(server):
    with pytest.raises(FetchError, match="image/png file, not a web page"):
        fetch_article(server.url("/image"), allow_private=True)


def test_a_closed_port_gets_its_own_error():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]

    with pytest.raises(FetchError, match="could not connect to 127.0.0.1"):
        fetch_article(f"http://127.0.0.1:{port}/", allow_private=True)


# --- HTTPS ----------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for news.test, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-days", "2", "-subj", "/CN=news.test"]
        + ["-addext", "subjectAltName=DNS:news.test", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return SimpleNamespace(cert=cert, key=key)


@pytest.fixture
def tls_server(certificate, monkeypatch):
    """The page server over TLS with the news.test certificate, which the fetch trusts."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert, certificate.key)
    # ssl.create_default_context() reads the trusted certificates from here when it is made.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    server = start_server(context)
    yield server
    server.shutdown()
    server.server_close()


def test_over_https_the_certificate_is_checked_against_the_host_name(tls_server, fake_dns):
    fake_dns.answers["news.test"] = ["127.0.0.1"]

    body, _url = fetch_article(
        tls_server.url("/article", host="news.test", scheme="https"), allow_private=True
    )

    # The certificate names news.test only: the check used the host name, not 127.0.0.1.
    assert body == ARTICLE


def test_over_https_a_certificate_for_another_name_is_refused(tls_server, fake_dns):
    fake_dns.answers["other.test"] = ["127.0.0.1"]

    with pytest.raises(FetchError, match=r"other\.test could not be verified"):
        fetch_article(
            tls_server.url("/article", host="other.test", scheme="https"), allow_private=True
        )
