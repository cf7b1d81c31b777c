"""Which redirects ``digest fetch`` follows: only where the curator pointed it.

The daily workflow commits what fetch writes and publishes it, in a job that can push; a
redirect from a configured host to 169.254.169.254 (a cloud's metadata service) or to a
service on the runner's loopback would copy whatever answers there into the public site.
So a redirect is followed only when it stays on http(s), goes to the same host or to
another host of the same site (``export.arxiv.org`` to ``oaipmh.arxiv.org``), takes at
most a few hops, and, when it changes host, lands on a public address once resolved.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from typing import IO
from urllib.parse import urlsplit

MAX_HOPS = 4
_DEFAULT_PORTS = {"http": 80, "https": 443}


class RefusedRedirect(Exception):
    """A redirect that leaves where the fetch was pointed; the message says where to."""


def _site(host: str) -> str:
    """The part of a host name that names its site (``arxiv.org`` of ``export.arxiv.org``);
    an address is its own site."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return ".".join(host.rstrip(".").split(".")[-2:])
    return host


def _public(host: str, port: int) -> bool:
    """Whether every address ``host`` resolves to is a public one."""
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    for *_, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%")[0])
        if not ip.is_global or ip.is_multicast:
            return False
    return bool(found)


def check_redirect(origin: str, target: str) -> None:
    """Raise ``RefusedRedirect`` unless a redirect from ``origin`` to ``target`` may be
    followed (``origin``: the URL fetch was asked for)."""
    before, after = urlsplit(origin), urlsplit(target)
    if after.scheme not in _DEFAULT_PORTS:
        raise RefusedRedirect(
            f"redirected to a {after.scheme or 'relative'}: address; not followed"
        )
    old_host, new_host = (before.hostname or "").lower(), (after.hostname or "").lower()
    try:
        new_port = after.port or _DEFAULT_PORTS[after.scheme]
        old_port = before.port or _DEFAULT_PORTS.get(before.scheme, 0)
    except ValueError as err:
        raise RefusedRedirect(
            f"redirected to an address with a bad port ({err}); not followed"
        ) from err
    if new_host == old_host:
        # The same host the curator named: its other port is its own business only when
        # it is the scheme's usual one (http to https), not a service beside it.
        if new_port in (old_port, _DEFAULT_PORTS[after.scheme]):
            return
        raise RefusedRedirect(f"redirected to port {new_port} of {new_host}; not followed")
    if _site(new_host) != _site(old_host):
        raise RefusedRedirect(
            f"redirected to {new_host}, another site than {old_host}; not followed "
            "(point the source's URL in digest.yml at where it moved, if it did)"
        )
    if not _public(new_host, new_port):
        raise RefusedRedirect(
            f"redirected to {new_host}, which is not a public address; not followed"
        )


class BoundedRedirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling, within ``check_redirect`` and ``MAX_HOPS``."""

    max_redirections = MAX_HOPS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        origin = getattr(req, "digest_origin", None) or req.full_url
        hops = getattr(req, "digest_hops", 0) + 1
        if hops > MAX_HOPS:
            # urllib counts visits per address; a loop through two addresses runs long.
            raise RefusedRedirect(f"more than {MAX_HOPS} redirects; not followed")
        check_redirect(origin, newurl)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.digest_origin = origin  # type: ignore[attr-defined]
            new.digest_hops = hops  # type: ignore[attr-defined]
        return new
