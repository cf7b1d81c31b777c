"""The ``send:`` section of digest.yml: where ``digest send`` delivers each settled day.

    send:
      email:
        to: [reading-group@example.org]        # or one address: a list or a Google Group
        from: "Lab digest <digest@example.org>"
        list_id: reading-group.example.org     # adds List-Id and List-Unsubscribe headers
      chat: [slack, discord]                    # any of slack, discord, matrix, telegram
      send_empty: false                         # a day with no paper is not sent
      daily: true                               # each settled day
      weekly: false                             # true: also the week's top papers, on its Monday

Where to, never how to get in: the SMTP URL (with its user and password), the webhook
URLs and the bot tokens come from environment variables only (``SECRETS``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from digest.options import Kind, Option, Section, Wrong, flag, kind, optional
from digest.problems import Problems

CHATS = ("slack", "discord", "matrix", "telegram")
# The environment variables each channel reads its secrets from.
SECRETS = {
    "email": ("DIGEST_SMTP_URL",),
    "slack": ("DIGEST_SLACK_WEBHOOK",),
    "discord": ("DIGEST_DISCORD_WEBHOOK",),
    "matrix": ("DIGEST_MATRIX_HOMESERVER", "DIGEST_MATRIX_TOKEN", "DIGEST_MATRIX_ROOM"),
    "telegram": ("DIGEST_TELEGRAM_BOT_TOKEN", "DIGEST_TELEGRAM_CHAT_ID"),
}


@dataclass(frozen=True)
class EmailConfig:
    to: tuple[str, ...]
    sender: str
    list_id: str | None = None
    subject: str = "{site}: papers of {day}"


@dataclass(frozen=True)
class SendConfig:
    email: EmailConfig | None = None
    chat: tuple[str, ...] = ()
    send_empty: bool = False
    daily: bool = True
    weekly: bool = False

    @property
    def channels(self) -> tuple[str, ...]:
        return (("email",) if self.email else ()) + self.chat


def _addresses(value: Any) -> tuple[str, ...] | None:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values:
        return None
    if not all(isinstance(v, str) and "@" in v and "\n" not in v and "\r" not in v for v in values):
        return None
    return tuple(v.strip() for v in values)


def _recipients(value: Any) -> tuple[str, ...]:
    found = _addresses(value)
    if found is None:
        raise Wrong("must be an e-mail address or a list of them")
    return found


def _sender(value: Any) -> str:
    found = _addresses(value)
    if found is None or len(found) != 1:
        raise Wrong('must be one e-mail address, e.g. "Lab digest <digest@example.org>"')
    return found[0]


def _chats(value: Any) -> tuple[str, ...]:
    chats = [value] if isinstance(value, str) else value
    if not isinstance(chats, list) or not all(isinstance(c, str) for c in chats):
        raise Wrong(f"must be a list of services: {', '.join(CHATS)}")
    unknown = [c for c in chats if c not in CHATS]
    if unknown:
        close = difflib.get_close_matches(unknown[0].lower(), CHATS, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise Wrong(f"unknown service {unknown[0]!r}; {hint}known: {', '.join(CHATS)}")
    return tuple(dict.fromkeys(chats))


EMAIL = Section(
    "send.email",
    "{to: [group@example.org], from: digest@example.org}",
    (
        Option(
            "to",
            Kind("an e-mail address or a list of them", _recipients),
            "who gets each day's e-mail (a list's address: a Google Group, a mailing list)",
            ("send", "pages"),
            ["reading-group@example.org"],
            required=True,
        ),
        Option(
            "from",
            Kind("one e-mail address", _sender),
            "who it is from",
            ("send", "pages"),
            "Lab digest <digest@example.org>",
            field="sender",
            required=True,
        ),
        Option(
            "list_id",
            optional(
                kind(
                    "a list's id, e.g. reading-group.example.org",
                    lambda v: isinstance(v, str) and bool(v.strip()) and " " not in v.strip(),
                    str.strip,
                )
            ),
            "adds List-Id and List-Unsubscribe headers",
            ("send",),
            "reading-group.example.org",
        ),
        Option(
            "subject",
            kind(
                "one line of text; {site} and {day} are filled in",
                lambda v: isinstance(v, str) and "\n" not in v,
            ),
            "the subject line",
            ("send", "pages"),
            "Papers of {day}",
        ),
    ),
    EmailConfig,
)

_BOOLEAN = flag()
SEND = Section(
    "send",
    "{chat: [slack]}",
    (
        Option(
            "chat",
            Kind(f"a list of services: {', '.join(CHATS)}", _chats),
            "the chat services each day is posted to",
            ("send",),
            ["slack"],
        ),
        Option(
            "send_empty",
            _BOOLEAN,
            "a day with no paper is sent too",
            ("send", "pages"),
            True,
        ),
        Option("daily", _BOOLEAN, "each settled day is sent", ("send", "pages"), False),
        Option("weekly", _BOOLEAN, "the week's top papers, on its Monday", ("send", "pages"), True),
    ),
    SendConfig,
    parts=("email",),
)


def _email(raw: Any, problems: Problems, file: str) -> EmailConfig | None:
    """``send.email``: None when it cannot be sent (no one to send to, or from)."""
    if not isinstance(raw, dict):
        problems.error(file, EMAIL.name, f"must be a mapping, e.g. {EMAIL.example}")
        return None
    values, wrong = EMAIL.read(raw, problems, file)
    if wrong & {"to", "from"}:
        return None
    return EmailConfig(**values)


def parse_send(raw: Any, problems: Problems, file: str) -> SendConfig:
    values = SEND.read(raw, problems, file).values
    found = raw if isinstance(raw, dict) else {}
    email = _email(found["email"], problems, file) if "email" in found else None
    if not values["daily"] and not values["weekly"]:
        problems.warn(file, "send", "daily and weekly are both false: nothing will be sent")
    return SendConfig(email=email, **values)
