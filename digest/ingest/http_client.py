"""HTTP GET with a timeout, a descriptive User-Agent, and retries with backoff on 429 and
5xx that honour Retry-After. Nothing else in the package touches the network."""

from __future__ import annotations

import email.utils
import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from digest import __version__

USER_AGENT = f"paper-digest/{__version__} (+https://github.com/paper-digest/paper-digest; daily digest fetcher)"
RETRYABLE = {429, 500, 502, 503, 504}
# A server asking for more than this is treated as down for this run.
LONGEST_WAIT = 120.0


class FetchError(Exception):
    """The source could not give a usable answer; the message says why, for the log."""


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


def _read_body(response: http.client.HTTPResponse, policy: RetryPolicy, started: float) -> bytes:
    """The body, read in pieces, within the size cap and the answer's deadline."""
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
        if time.monotonic() - started > policy.deadline:
            raise FetchError(
                f"the answer took longer than {policy.deadline:.0f} s to arrive "
                "(fetch.deadline in digest.yml); stopped reading"
            )
        pieces.append(piece)
    return b"".join(pieces)


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
) -> bytes:
    """The body of a 200 answer, or FetchError after the retries are spent.

    ``run_ends``: the ``time.monotonic()`` by which the whole run must be over; no
    attempt or wait goes past it.
    """
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    )
    problem = "no attempt made"
    for attempt in range(policy.attempts):
        wait = policy.backoff * (2**attempt)
        started = time.monotonic()
        if run_ends is not None and started >= run_ends:
            raise FetchError(f"{problem}; the run's time (fetch.run_deadline) is spent")
        try:
            with urllib.request.urlopen(request, timeout=policy.timeout) as response:
                body = _read_body(response, policy, started)
                expected = response.headers.get("Content-Length")
                if expected is not None and expected.isdigit() and len(body) != int(expected):
                    problem = f"truncated answer ({len(body)} of {expected} bytes)"
                else:
                    return body
        except urllib.error.HTTPError as err:
            problem = f"HTTP {err.code} {err.reason}"
            if err.code not in RETRYABLE:
                raise FetchError(problem) from err
            asked = _retry_after(err.headers.get("Retry-After"), time.time())
            if asked is not None:
                if asked > LONGEST_WAIT:
                    raise FetchError(
                        f"{problem}; the server asks to wait {asked:.0f} s, more than {LONGEST_WAIT:.0f} s"
                    ) from err
                wait = asked
        except TimeoutError:
            problem = f"no answer within {policy.timeout:.0f} s"
        except urllib.error.URLError as err:
            problem = f"cannot connect ({err.reason})"
        except (ConnectionError, OSError, http.client.HTTPException) as err:  # cut mid-body
            problem = f"connection broken ({type(err).__name__})"
        if attempt + 1 < policy.attempts:
            if run_ends is not None and time.monotonic() + wait >= run_ends:
                raise FetchError(f"{problem}; no time left for a retry (fetch.run_deadline)")
            sleep(wait)
    raise FetchError(f"{problem}, after {policy.attempts} attempts")
