"""The day in a group's chat: the editor's picks and the papers recommended for the group,
each title linked to its page, in each service's own payload and within its size limit.

Titles and notes are strangers' text: each service's markup characters are escaped, and
nobody is mentioned (@everyone in a title stays text).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from digest.publish.day_message import DayMessage, PaperLine

# The most each service takes in one message (characters of its text).
LIMITS = {"slack": 3000, "discord": 2000, "matrix": 30000, "telegram": 4096}


@dataclass(frozen=True)
class ChatRequest:
    url: str
    method: str
    body: bytes
    headers: dict[str, str]


def _lines(message: DayMessage) -> list[tuple[str, PaperLine]]:
    return [("pick", line) for line in message.picks] + [
        ("recommended", line) for line in message.recommended
    ]


def _fit(head: str, items: list[str], tail: Callable[[int], str], limit: int) -> str:
    """``head``, as many ``items`` as fit in ``limit`` characters, then ``tail(left out)``."""
    kept: list[str] = []
    for index, item in enumerate(items):
        if len(head) + sum(map(len, kept)) + len(item) + len(tail(len(items) - index - 1)) > limit:
            return head + "".join(kept) + tail(len(items) - index)
        kept.append(item)
    return head + "".join(kept) + tail(0)


@dataclass(frozen=True)
class Markup:
    """How a service writes text, a link, bold and emphasis."""

    escape: Callable[[str], str]
    link: Callable[[str, str], str]  # (url, escaped label)
    bold: Callable[[str], str]
    emphasis: Callable[[str], str]


def _slack_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\u2223")
    )


_DISCORD_MARKUP = re.compile(r"([\\*_~`|\[\]()>#@<:-])")

SLACK = Markup(_slack_escape, lambda url, label: f"<{url}|{label}>", lambda t: f"*{t}*", str)
DISCORD = Markup(
    lambda text: _DISCORD_MARKUP.sub(r"\\\1", text),
    lambda url, label: f"[{label}](<{url}>)",
    lambda t: f"**{t}**",
    str,
)
# Telegram's and Matrix's HTML: links, bold and italics only, everything else text.
HTML = Markup(
    html.escape,
    lambda url, label: f'<a href="{html.escape(url)}">{label}</a>',
    lambda t: f"<b>{t}</b>",
    lambda t: f"<i>{t}</i>",
)


def chat_text(message: DayMessage, markup: Markup, limit: int) -> str:
    """The day's picks and recommendations in ``markup``, within ``limit`` characters."""
    escape = markup.escape
    head = (
        markup.bold(
            f"{escape(message.site)}: {markup.link(message.day_url, escape(message.long_day))}"
        )
        + f", {message.count} papers\n"
    )
    items = [
        f"\u2022 {'Pick' if kind == 'pick' else 'For the group'}: {markup.link(line.url, escape(line.title))}"
        + (
            f" \u2014 {markup.emphasis(escape(line.note or line.why))}"
            if line.note or line.why
            else ""
        )
        + "\n"
        for kind, line in _lines(message)
    ]
    return _fit(
        head, items, lambda left: f"\u2026 and {left} more on the site\n" if left else "", limit
    )


def requests_for(
    service: str,
    message: DayMessage,
    secrets: dict[str, str],
    telegram_api: str = "https://api.telegram.org",
) -> ChatRequest:
    """The request that posts the day to ``service``, from its secrets (environment)."""
    json_headers = {"Content-Type": "application/json"}
    if service == "slack":
        text = chat_text(message, SLACK, LIMITS["slack"])
        body = {
            "text": text,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
            "unfurl_links": False,
        }
        return ChatRequest(
            secrets["DIGEST_SLACK_WEBHOOK"], "POST", json.dumps(body).encode(), json_headers
        )
    if service == "discord":
        body = {
            "content": chat_text(message, DISCORD, LIMITS["discord"]),
            "allowed_mentions": {"parse": []},
            "flags": 4,
        }
        return ChatRequest(
            secrets["DIGEST_DISCORD_WEBHOOK"], "POST", json.dumps(body).encode(), json_headers
        )
    if service == "telegram":
        body = {
            "chat_id": secrets["DIGEST_TELEGRAM_CHAT_ID"],
            "text": chat_text(message, HTML, LIMITS["telegram"]),
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
        }
        url = f"{telegram_api.rstrip('/')}/bot{secrets['DIGEST_TELEGRAM_BOT_TOKEN']}/sendMessage"
        return ChatRequest(url, "POST", json.dumps(body).encode(), json_headers)
    if service == "matrix":
        formatted = chat_text(message, HTML, LIMITS["matrix"])
        plain = re.sub(r"<[^>]+>", "", formatted)
        body = {
            "msgtype": "m.text",
            "body": html.unescape(plain),
            "format": "org.matrix.custom.html",
            "formatted_body": formatted.replace("\n", "<br>"),
        }
        room = secrets["DIGEST_MATRIX_ROOM"]
        # The transaction id is the day's: a retry of the same day is the same event.
        url = (
            f"{secrets['DIGEST_MATRIX_HOMESERVER'].rstrip('/')}/_matrix/client/v3/rooms/"
            f"{_path(room)}/send/m.room.message/digest-{message.label}"
        )
        headers = {**json_headers, "Authorization": f"Bearer {secrets['DIGEST_MATRIX_TOKEN']}"}
        return ChatRequest(url, "PUT", json.dumps(body).encode(), headers)
    raise ValueError(service)


def _path(room: str) -> str:
    return quote(room, safe="")
