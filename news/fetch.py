"""Fetching a news page from a link a curator gives, without letting the link reach inside.

The server fetches what a user names, so a link must not make it talk to itself or to the
network it runs in (server-side request forgery): the database, a cloud metadata service at
169.254.169.254, an admin port on localhost. Every address a host name resolves to is checked
before connecting, on the first request and on every redirect, and the connection goes to
the checked address: a second DNS lookup could answer differently. The Host header and the
TLS certificate check still use the host name, as a browser would.

Errors are FetchError, an ArticleError, so the import reports them as it reports a page
that cannot be read, in words a curator can act on.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from django.utils.translation import gettext as _

from .html import MAX_PAGE_BYTES
from .text import ArticleError

# Connecting, sending and reading one page, redirects included, take at most this long.
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 5
# The body may not be larger than a page parse_html accepts.
MAX_BODY_BYTES = MAX_PAGE_BYTES
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# What a news page is served as. A page served without any Content-Type is read too: some
# old servers omit it, and parse_html refuses what is not an article anyway.
PAGE_CONTENT_TYPES = {"text/html", "application/xhtml+xml", "text/plain"}
READ_CHUNK_BYTES = 64 * 1024
REQUEST_HEADERS = {
    "User-Agent": "Mozilla/5.0 (compatible; Bionet news import)",
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
}
# NAT64 gateways translate 64:ff9b::a.b.c.d to the IPv4 address a.b.c.d.
NAT64_NETWORK = ipaddress.ip_network("64:ff9b::/96")


class FetchError(ArticleError):
    """A web page could not be fetched; the message says why and what to do."""


def is_public_address(ip: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``ip`` is an address on the public internet, where a news site may be.

    Private, loopback, link-local, multicast, reserved and unspecified addresses are not,
    nor the shared address space of carrier NAT. IPv6 addresses that carry an IPv4 address
    (IPv4-mapped ::ffff:a.b.c.d, 6to4, NAT64) are judged by that IPv4 address, since that is
    where packets to them end up.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        if address.sixtofour is not None:
            return is_public_address(address.sixtofour)
        if address in NAT64_NETWORK:
            return is_public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def fetch_article(
    url: str, *, allow_private: bool = False, timeout: float = TIMEOUT_SECONDS
) -> tuple[bytes, str]:
    """The body of the web page at ``url`` and the URL it was finally served from.

    Redirects are followed (at most MAX_REDIRECTS), each checked as the first link is.
    ``allow_private`` lets the fetch reach private and loopback addresses: for tests against
    a local server only, never for a link a user gives. ``timeout`` bounds the whole fetch.
    """
    url = url.strip()
    deadline = _Deadline(timeout)
    for _hop in range(MAX_REDIRECTS + 1):
        target = _Target.from_url(url)
        try:
            answer = _fetch_once(target, deadline, allow_private)
        except TimeoutError:
            raise FetchError(
                _(
                    "%(host)s did not answer within %(seconds)g seconds: the site is slow or"
                    " down. Try again later, or save the page from your browser and upload it."
                )
                % {"host": target.host, "seconds": timeout}
            ) from None
        if not answer.redirect_to:
            return answer.body, url
        url = urljoin(url, answer.redirect_to)
    raise FetchError(
        _(
            "the link redirects more than %(count)d times: open it in a browser and use"
            " the link of the page it ends on"
        )
        % {"count": MAX_REDIRECTS}
    )


@dataclass(frozen=True)
class _Target:
    """Where one request goes: the parts of a URL http.client needs."""

    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def from_url(cls, url: str) -> _Target:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise FetchError(
                _("only http:// and https:// links can be fetched, not “%(url)s”") % {"url": url}
            )
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
            host = (parts.hostname or "").encode("idna").decode("ascii")
        except (ValueError, UnicodeError):
            host = ""
        if not host:
            raise FetchError(_("“%(url)s” is not a valid web address") % {"url": url})
        # A link pasted from a browser may hold spaces or Hangul; HTTP wants them escaped.
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
        if parts.query:
            path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
        return cls(scheme, host, port, path)


@dataclass(frozen=True)
class _Answer:
    """What one request brought: a page's body, or the link a redirect points to."""

    body: bytes = b""
    redirect_to: str = ""


class _Deadline:
    """The end of the time a fetch may take, which every blocking step shares."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address checked beforehand, named by its host name.

    http.client would resolve the host name again when connecting; this connects to the
    given socket address instead, and gives TLS the host name for SNI and the certificate
    check. The Host header is http.client's, from the host name.
    """

    def __init__(self, target: _Target, address: tuple, family: int, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.address = address
        self.family = family
        self.tls = target.scheme == "https"
        # The Host header leaves out the port when it is the scheme's default.
        self.default_port = DEFAULT_PORTS[target.scheme]
        self.pinned_socket: socket.socket | None = None

    def connect(self) -> None:
        sock = socket.socket(self.family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.address)
            if self.tls:
                # A context made now reads the CA certificates now (SSL_CERT_FILE included).
                context = ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = self.pinned_socket = sock


def _fetch_once(target: _Target, deadline: _Deadline, allow_private: bool) -> _Answer:
    """One request, to an address checked first. Its failures become FetchError, but for a
    timeout, which fetch_article reports with the time it allowed."""
    addresses = _checked_addresses(target, allow_private)
    try:
        connection = _connect(target, addresses, deadline)
        try:
            connection.request("GET", target.path, headers=REQUEST_HEADERS)
            connection.pinned_socket.settimeout(deadline.remaining())
            response = connection.getresponse()
            try:
                return _read_answer(target, response, connection.pinned_socket, deadline)
            finally:
                response.close()
        finally:
            connection.close()
    except TimeoutError:
        raise
    except ssl.SSLCertVerificationError as error:
        raise FetchError(
            _(
                "the secure connection to %(host)s could not be verified (%(reason)s): the"
                " site's certificate is not valid for this address"
            )
            % {"host": target.host, "reason": error.verify_message or error.reason}
        ) from None
    except ssl.SSLError as error:
        raise FetchError(
            _("the secure connection to %(host)s failed (%(reason)s)")
            % {"host": target.host, "reason": error.reason or error}
        ) from None
    except http.client.HTTPException:
        raise FetchError(
            _("%(host)s sent an answer that is not valid HTTP") % {"host": target.host}
        ) from None
    except OSError as error:
        raise FetchError(
            _("could not connect to %(host)s (%(reason)s): check the link, or try again later")
            % {"host": target.host, "reason": error.strerror or error}
        ) from None


def _checked_addresses(target: _Target, allow_private: bool) -> list[tuple[int, tuple]]:
    """The (family, socket address) pairs the host name resolves to, all of them public.

    One private address among public ones is enough to refuse: the connection could go to
    any of them.
    """
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(
            _("the site %(host)s could not be found: check the link") % {"host": target.host}
        ) from None
    addresses = list(dict.fromkeys((family, address) for family, _t, _p, _c, address in found))
    for _family, address in addresses:
        if not allow_private and not is_public_address(address[0]):
            raise FetchError(
                _(
                    "the link leads to %(host)s at %(address)s, which is not a public internet"
                    " address: only public web pages can be fetched"
                )
                % {"host": target.host, "address": address[0]}
            )
    return addresses


def _connect(
    target: _Target, addresses: list[tuple[int, tuple]], deadline: _Deadline
) -> _PinnedConnection:
    """A connection to the first of the checked addresses that accepts one."""
    last_error: OSError | None = None
    for family, address in addresses:
        connection = _PinnedConnection(target, address, family, deadline.remaining())
        try:
            connection.connect()
        except (TimeoutError, ssl.SSLError):
            raise
        except OSError as error:
            # Refused or unreachable: the host may answer on another of its addresses.
            last_error = error
            continue
        return connection
    raise last_error or OSError(_("no address"))


def _read_answer(
    target: _Target, response: http.client.HTTPResponse, sock: socket.socket, deadline: _Deadline
) -> _Answer:
    """The page's body, or the link a redirect points to; FetchError for anything else."""
    if response.status in REDIRECT_STATUSES:
        location = response.getheader("Location")
        if not location:
            raise FetchError(
                _("%(host)s answered with a redirect but did not say where to")
                % {"host": target.host}
            )
        return _Answer(redirect_to=location)
    if not 200 <= response.status < 300:
        raise FetchError(
            _(
                "%(host)s answered %(status)d %(reason)s: the page is not available at this"
                " link; check that the link is right and the article still online"
            )
            % {"host": target.host, "status": response.status, "reason": response.reason}
        )
    content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if content_type and content_type not in PAGE_CONTENT_TYPES:
        raise FetchError(
            _("the link leads to a %(type)s file, not a web page: link the article's page")
            % {"type": content_type}
        )
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise FetchError(
            _("%(host)s sent the page compressed (%(encoding)s) although asked not to")
            % {"host": target.host, "encoding": encoding}
        )
    if response.length is not None and response.length > MAX_BODY_BYTES:
        raise _too_large()
    return _Answer(body=_read_body(response, sock, deadline))


def _read_body(
    response: http.client.HTTPResponse, sock: socket.socket, deadline: _Deadline
) -> bytes:
    """The body, read a chunk at a time so that neither the size limit nor the deadline can
    be outrun by a server that never stops sending or sends a byte at a time."""
    chunks: list[bytes] = []
    size = 0
    while True:
        sock.settimeout(deadline.remaining())
        chunk = response.read1(READ_CHUNK_BYTES)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)


def _too_large() -> FetchError:
    return FetchError(
        _("the page is larger than %(megabytes)d MB: not a news article page")
        % {"megabytes": MAX_BODY_BYTES // 1024 // 1024}
    )
