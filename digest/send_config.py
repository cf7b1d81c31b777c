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

from dataclasses import dataclass
from typing import Any

from digest.problems import Problems, config_section, unknown_key

CHATS = ("slack", "discord", "matrix", "telegram")
# The environment variables each channel reads its secrets from.
SECRETS = {
    "email": ("DIGEST_SMTP_URL",),
    "slack": ("DIGEST_SLACK_WEBHOOK",),
    "discord": ("DIGEST_DISCORD_WEBHOOK",),
    "matrix": ("DIGEST_MATRIX_HOMESERVER", "DIGEST_MATRIX_TOKEN", "DIGEST_MATRIX_ROOM"),
    "telegram": ("DIGEST_TELEGRAM_BOT_TOKEN", "DIGEST_TELEGRAM_CHAT_ID"),
}
_KEYS = {"email", "chat", "send_empty", "daily", "weekly"}
_EMAIL_KEYS = {"to", "from", "list_id", "subject"}


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


def _email(raw: Any, problems: Problems, file: str) -> EmailConfig | None:
    if not isinstance(raw, dict):
        problems.error(
            file,
            "send.email",
            "must be a mapping, e.g. {to: [group@example.org], from: digest@example.org}",
        )
        return None
    for key in sorted(set(map(str, raw)) - _EMAIL_KEYS):
        problems.warn(file, f"send.email.{key}", unknown_key(key, _EMAIL_KEYS))
    to = _addresses(raw.get("to"))
    sender = _addresses(raw.get("from"))
    if to is None:
        problems.error(file, "send.email.to", "must be an e-mail address or a list of them")
    if sender is None or len(sender) != 1:
        problems.error(
            file,
            "send.email.from",
            'must be one e-mail address, e.g. "Lab digest <digest@example.org>"',
        )
    list_id = raw.get("list_id")
    if list_id is not None and (
        not isinstance(list_id, str) or not list_id.strip() or " " in list_id.strip()
    ):
        problems.error(
            file, "send.email.list_id", "must be a list's id, e.g. reading-group.example.org"
        )
        list_id = None
    subject = raw.get("subject", "{site}: papers of {day}")
    if not isinstance(subject, str) or "\n" in subject:
        problems.error(
            file, "send.email.subject", "must be one line of text; {site} and {day} are filled in"
        )
        subject = "{site}: papers of {day}"
    if to is None or sender is None or len(sender) != 1:
        return None
    return EmailConfig(
        to, sender[0], list_id.strip() if isinstance(list_id, str) else None, subject
    )


def parse_send(raw: Any, problems: Problems, file: str) -> SendConfig:
    section = config_section(raw, "send", "{chat: [slack]}", problems, file, _KEYS)
    if section is None:
        return SendConfig()
    email = _email(section["email"], problems, file) if "email" in section else None
    chat_raw = section.get("chat", [])
    chats = [chat_raw] if isinstance(chat_raw, str) else chat_raw
    if not isinstance(chats, list) or not all(isinstance(c, str) for c in chats):
        problems.error(file, "send.chat", f"must be a list of services: {', '.join(CHATS)}")
        chats = []
    unknown = [c for c in chats if c not in CHATS]
    if unknown:
        problems.error(
            file, "send.chat", f"unknown service {unknown[0]!r}; known: {', '.join(CHATS)}"
        )
    send_empty = section.get("send_empty", False)
    if not isinstance(send_empty, bool):
        problems.error(file, "send.send_empty", "must be true or false")
        send_empty = False
    editions = {}
    for key, default in (("daily", True), ("weekly", False)):
        value = section.get(key, default)
        if not isinstance(value, bool):
            problems.error(file, f"send.{key}", "must be true or false")
            value = default
        editions[key] = value
    if not editions["daily"] and not editions["weekly"]:
        problems.warn(file, "send", "daily and weekly are both false: nothing will be sent")
    return SendConfig(
        email, tuple(dict.fromkeys(c for c in chats if c in CHATS)), send_empty, **editions
    )
