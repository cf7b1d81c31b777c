"""HTTP GET with a timeout, a descriptive User-Agent, and retries with backoff on 429 and
5xx that honour Retry-After. Nothing else in the package touches the network."""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from digest import __version__
from digest.ingest.redirects import MAX_HOPS, BoundedRedirects, RefusedRedirect
from digest.problems import counted

USER_AGENT = f"paper-digest/{__version__} (+https://github.com/paper-digest/paper-digest; daily digest fetcher)"
RETRYABLE = {429, 500, 502, 503, 504}
# A server asking for more than this is treated as down for this run.
LONGEST_WAIT = 120.0


class FetchError(Exception):
    """The source could not give a usable answer; the message says why, for the log."""


def looks_like_html(body: bytes) -> bool:
    """An HTML page (an error or login page) where a feed or JSON was due."""
    return body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))


def json_answer(body: bytes, what: str = "") -> Any:
    """The answer as JSON, or FetchError saying whether it was an HTML page or cut short;
    ``what`` names the source in the message ("bioRxiv ")."""
    try:
        return json.loads(body)
    except RecursionError as err:
        raise FetchError(
            "JSON nested hundreds deep: not an answer of this source; not written"
        ) from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        if looks_like_html(body):
            raise FetchError(
                f"an HTML page where {what}JSON was expected (an error or login page)"
            ) from err
        raise FetchError(f"not valid JSON ({err}); the {what}answer was cut or damaged") from err


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 2.0  # seconds before the first retry, doubled each time
    timeout: float = 30.0  # the longest silence while connecting or reading
    # The longest one answer may take to arrive whole: a server that sends a byte a
    # second never trips ``timeout``, and must not hold up the daily run for good.
    deadline: float = 300.0
    # The largest answer taken: the build refuses listings over this size anyway.
    max_bytes: int = 32 * 1024 * 1024


def _read_body(response: http.client.HTTPResponse, policy: RetryPolicy) -> bytes:
    """The body, read in pieces within the size cap (the attempt's ``_Watchdog`` keeps
    the deadline: it cuts the connection, and the read ends)."""
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > policy.max_bytes:
        raise FetchError(
            f"the answer is {int(declared) // (1024 * 1024)} MB, over the "
            f"{policy.max_bytes // (1024 * 1024)} MB limit (fetch.max_answer_mb in digest.yml)"
        )
    pieces: list[bytes] = []
    size = 0
    while piece := response.read1(1 << 16):
        size += len(piece)
        if size > policy.max_bytes:
            raise FetchError(
                f"the answer grew past the {policy.max_bytes // (1024 * 1024)} MB limit "
                "(fetch.max_answer_mb in digest.yml); stopped reading"
            )
        pieces.append(piece)
    return b"".join(pieces)


class _OpenSockets(threading.local):
    """The sockets this thread's current attempt opened, for its watchdog."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []


_OPEN = _OpenSockets()


class _WatchedHTTP(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _OPEN.sockets.append(self.sock)


class _WatchedHTTPS(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _OPEN.sockets.append(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_WatchedHTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_WatchedHTTPS, req, context=getattr(self, "_context", None))


_OPENER = urllib.request.build_opener(_HTTPHandler, _HTTPSHandler, BoundedRedirects)


class _Watchdog:
    """Cuts an attempt's connections when its deadline passes: ``timeout`` bounds each
    silence, not a server that sends its headers or body a byte a second."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        _OPEN.sockets = []
        self.sockets = _OPEN.sockets
        self.timer = threading.Timer(max(0.0, seconds), self._cut)
        self.timer.daemon = True

    def _cut(self) -> None:
        self.fired = True
        for sock in list(self.sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()


def _too_slow(seconds: float) -> str:
    return (
        f"the answer took longer than {seconds:.0f} s to arrive "
        "(fetch.deadline in digest.yml); stopped reading"
    )


def _attempt_failed(err: OSError | http.client.HTTPException, policy: RetryPolicy) -> str:
    """Why one attempt failed, for the log (the attempt is tried again)."""
    if isinstance(err, TimeoutError):
        return f"no answer within {policy.timeout:g} s"
    if isinstance(err, urllib.error.URLError):
        if isinstance(err.reason, TimeoutError):
            return f"no answer within {policy.timeout:g} s"
        return f"cannot connect ({err.reason})"
    return f"connection broken ({type(err).__name__})"  # cut mid-body


def _retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now)


def get(
    url: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    run_ends: float | None = None,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> bytes:
    """The body of a 200 answer, or FetchError after the retries are spent; with
    ``data``, a POST of it (``headers`` beside the User-Agent).

    ``run_ends``: the ``time.monotonic()`` by which the whole run must be over; no
    attempt or wait goes past it. Errors name the status, never the request's headers
    (an API key travels in them).
    """
    request = urllib.request.Request(
        url,
        data=data,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})},
        method=method,
    )
    problem = "no attempt made"
    for attempt in range(policy.attempts):
        wait = policy.backoff * (2**attempt)
        started = time.monotonic()
        if run_ends is not None and started >= run_ends:
            raise FetchError(f"{problem}; the run's time (fetch.run_deadline) is spent")
        allowed = policy.deadline if run_ends is None else min(policy.deadline, run_ends - started)
        watchdog = _Watchdog(allowed)
        try:
            with watchdog, _OPENER.open(request, timeout=policy.timeout) as response:
                body = _read_body(response, policy)
                if watchdog.fired:  # the body was cut at the deadline, not by the server
                    raise FetchError(_too_slow(allowed))
                expected = response.headers.get("Content-Length")
                if expected is not None and expected.isdigit() and len(body) != int(expected):
                    problem = f"truncated answer ({len(body)} of {expected} bytes)"
                else:
                    return bytes(body)
        except RefusedRedirect as err:
            raise FetchError(str(err)) from err
        except urllib.error.HTTPError as err:
            problem = f"HTTP {err.code} {err.reason}"
            if err.code in (301, 302, 303, 307, 308):  # urllib's own limit on hops
                raise FetchError(f"more than {MAX_HOPS} redirects; not followed") from err
            if err.code not in RETRYABLE:
                raise FetchError(problem) from err
            asked = _retry_after(err.headers.get("Retry-After"), time.time())
            if asked is not None:
                if asked > LONGEST_WAIT:
                    raise FetchError(
                        f"{problem}; the server asks to wait {asked:.0f} s, more than {LONGEST_WAIT:.0f} s"
                    ) from err
                wait = asked
        except (OSError, http.client.HTTPException) as err:
            if watchdog.fired:
                raise FetchError(_too_slow(allowed)) from err
            problem = _attempt_failed(err, policy)
        if attempt + 1 < policy.attempts:
            if run_ends is not None and time.monotonic() + wait >= run_ends:
                raise FetchError(f"{problem}; no time left for a retry (fetch.run_deadline)")
            sleep(wait)
    raise FetchError(f"{problem}, after {counted(policy.attempts, 'attempt')}")
