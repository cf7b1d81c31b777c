"""The day as an e-mail: HTML with its CSS inlined (mail clients drop style sheets) by
css-inline, and the same as plain text; sent over SMTP from a URL in the environment.

Gmail clips a message over 102 KB: past ``MAX_HTML_BYTES`` the day's papers are listed
by title and link only, with the day page for the rest; a day too large even so lists as
many titles as fit and links to the day page for the others (``fit``).
"""

from __future__ import annotations

import calendar
import html
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

import css_inline

from digest.publish.day_message import DayMessage, PaperLine
from digest.send_config import EmailConfig

MAX_HTML_BYTES = 100 * 1024
_STYLE = """
body { font-family: -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif; color: #1f2328; max-width: 40em; margin: 0 auto; padding: 0 12px; line-height: 1.45; }
h1 { font-size: 22px; margin: 16px 0 4px; }
h2 { font-size: 17px; margin: 22px 0 6px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
p.lead { color: #57606a; margin: 0 0 12px; font-size: 14px; }
div.paper { margin: 0 0 14px; }
a.title { color: #3f51b5; font-weight: bold; text-decoration: none; font-size: 15px; }
p.meta { color: #57606a; font-size: 13px; margin: 2px 0; }
p.gist { font-size: 14px; margin: 2px 0; }
p.note { font-size: 14px; margin: 4px 0; border-left: 3px solid #3f51b5; padding-left: 8px; font-style: italic; }
p.counts { font-size: 13px; color: #57606a; }
p.footer { font-size: 12px; color: #57606a; margin-top: 24px; }
"""


def _said(line: PaperLine, brief: bool) -> list[tuple[str, str]]:
    """What a paper's entry says under its title, as (kind, text), in the order both
    parts show it; ``brief``: no authors and no gist."""
    said = [
        ("meta", line.authors if not brief else ""),
        ("note", line.note),
        ("meta", line.why),
        ("gist", line.gist if not brief else ""),
    ]
    return [(kind, text) for kind, text in said if text]


def _paper_html(line: PaperLine, brief: bool) -> str:
    escape = html.escape
    title = f'<a class="title" href="{escape(line.url)}">{escape(line.title)}</a>'
    said = "".join(f'<p class="{kind}">{escape(text)}</p>' for kind, text in _said(line, brief))
    return f'<div class="paper">{title}{said}</div>'


def _lead(message: DayMessage) -> str:
    if message.week:
        return f"The week's top {len(message.papers)} of {message.count} papers."
    return f"{message.count} papers."


def _all_papers(message: DayMessage) -> str:
    return "Top papers of the week" if message.week else "All papers of the day"


def email_html(
    message: DayMessage, brief: bool = False, in_browser: bool = False, shown: int | None = None
) -> str:
    """The e-mail's HTML, its CSS inlined; ``brief``: the day's papers by title only;
    ``in_browser``: the copy the site publishes (no link to itself); ``shown``: the
    first papers only, the day page named for the others."""
    escape = html.escape
    links = f'<a href="{escape(message.day_url)}">Read on the site</a>'
    if not in_browser:
        links += f' · <a href="{escape(message.view_url)}">View in a browser</a>'
    body = [
        f"<h1>{escape(message.site)}: {escape(message.long_day)}</h1>",
        f'<p class="lead">{escape(_lead(message))} {links}</p>',
    ]
    if message.picks:
        body.append("<h2>Editor's picks</h2>")
        body += [_paper_html(line, False) for line in message.picks]
    if message.recommended:
        body.append("<h2>Recommended for the group</h2>")
        body += [_paper_html(line, True) for line in message.recommended]
    if message.counts:
        counts = " · ".join(f"{escape(title)} {count}" for title, count in message.counts)
        body.append(f'<p class="counts">{counts}</p>')
    body.append(f"<h2>{_all_papers(message)}</h2>")
    listed = message.papers[:shown] if shown is not None else message.papers
    body += [_paper_html(line, brief) for line in listed]
    where = f'<a href="{escape(message.day_url)}">the {"week" if message.week else "day"} on the site</a>'
    if len(listed) < len(message.papers):
        body.append(
            f'<p class="lead">And {len(message.papers) - len(listed)} more papers: {where}.</p>'
        )
    elif brief:
        body.append(f'<p class="lead">Authors and gists: {where}.</p>')
    body.append(
        f'<p class="footer">Sent by <a href="{escape(message.site_url)}">{escape(message.site)}</a>. '
        "You get this because you subscribed to its digest.</p>"
    )
    document = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(message.site)}: {escape(message.long_day)}</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>"
    )
    return str(css_inline.inline(document))


@dataclass(frozen=True)
class Fitted:
    """The message as it fits under ``MAX_HTML_BYTES``: its HTML, whether the papers are
    listed by title only, and how many of them are listed."""

    html: str
    brief: bool
    shown: int


def fit(message: DayMessage) -> Fitted:
    every = len(message.papers)
    markup = email_html(message)
    if len(markup.encode()) <= MAX_HTML_BYTES:
        return Fitted(markup, False, every)
    shown = every
    markup = email_html(message, True)
    while len(markup.encode()) > MAX_HTML_BYTES and shown > 0:
        # Titles are about the same size: cut in proportion, a little more each round.
        shown = min(shown - 1, int(shown * MAX_HTML_BYTES / len(markup.encode()) * 0.97))
        markup = email_html(message, True, shown=shown)
    return Fitted(markup, True, shown)


def browser_copy(message: DayMessage) -> bytes:
    """The page the site publishes at ``message.view_url``: the e-mail as it was sent."""
    fitted = fit(message)
    return email_html(message, fitted.brief, in_browser=True, shown=fitted.shown).encode()


def _paper_text(line: PaperLine, brief: bool) -> str:
    said = [
        f"  Editor's note: {text}" if kind == "note" else f"  {text}"
        for kind, text in _said(line, brief)
    ]
    return "\n".join([f"- {line.title}", f"  {line.url}", *said])


def email_text(message: DayMessage, brief: bool = False, shown: int | None = None) -> str:
    parts = [
        f"{message.site}: {message.long_day}",
        f"{_lead(message)} Read on the site: {message.day_url}",
        f"View in a browser: {message.view_url}",
        "",
    ]
    if message.picks:
        parts += ["EDITOR'S PICKS", *(_paper_text(line, False) for line in message.picks), ""]
    if message.recommended:
        parts += [
            "RECOMMENDED FOR THE GROUP",
            *(_paper_text(line, True) for line in message.recommended),
            "",
        ]
    if message.counts:
        parts += [" · ".join(f"{title} {count}" for title, count in message.counts), ""]
    listed = message.papers[:shown] if shown is not None else message.papers
    parts += [_all_papers(message).upper(), *(_paper_text(line, brief) for line in listed), ""]
    if len(listed) < len(message.papers):
        parts += [f"And {len(message.papers) - len(listed)} more papers: {message.day_url}", ""]
    parts.append(f"Sent by {message.site} ({message.site_url}).")
    return "\n".join(parts) + "\n"


def email_message(message: DayMessage, config: EmailConfig) -> EmailMessage:
    """The day's message, multipart text and HTML, under the Gmail clipping size."""
    fitted = fit(message)
    mail = EmailMessage()
    mail["Subject"] = config.subject.format(site=message.site, day=message.long_day)
    mail["From"] = config.sender
    mail["To"] = ", ".join(config.to)
    # The day's date, not the clock: the same day gives the same message.
    mail["Date"] = formatdate(
        float(calendar.timegm(message.day.timetuple())) + 12 * 3600, usegmt=True
    )
    mail["Message-ID"] = make_msgid(
        idstring=f"digest-{message.label}",
        domain=urlsplit(message.site_url).hostname or "localhost",
    )
    if config.list_id:
        mail["List-Id"] = f"{message.site} <{config.list_id}>"
        mail["List-Unsubscribe"] = (
            f"<mailto:{config.list_id.split('.', 1)[0]}+unsubscribe@{config.list_id.split('.', 1)[-1]}>"
        )
    mail.set_content(email_text(message, fitted.brief, fitted.shown))
    mail.add_alternative(fitted.html, subtype="html")
    return mail


class MailError(Exception):
    """The message could not be handed over; the text says why, never the password."""


def send_mail(mail: EmailMessage, smtp_url: str, timeout: float = 60.0) -> None:
    """Hand the message to the SMTP server of ``smtp_url``: ``smtps://user:password@host:465``
    (TLS from the start), ``smtp://user:password@host:587`` (STARTTLS, required), or
    ``smtp+insecure://host:port`` for a relay on this machine without TLS."""
    parts = urlsplit(smtp_url)
    if parts.scheme not in ("smtp", "smtps", "smtp+insecure") or not parts.hostname:
        raise MailError(
            "DIGEST_SMTP_URL must look like smtp://user:password@host:587 or smtps://user:password@host:465"
        )
    user = unquote(parts.username or "")
    password = unquote(parts.password or "")
    context = ssl.create_default_context()
    stage = "connect"
    try:
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                parts.hostname, parts.port or 465, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(parts.hostname, parts.port or 587, timeout=timeout)
        with client:
            client.ehlo()
            if parts.scheme == "smtp":
                stage = "starttls"
                client.starttls(context=context)
                client.ehlo()
            if user:
                stage = "login"
                client.login(user, password)
            stage = "send"
            client.send_message(mail)
    except smtplib.SMTPAuthenticationError as err:
        raise MailError(
            f"the SMTP server refused the user name or password ({err.smtp_code})"
        ) from err
    except smtplib.SMTPNotSupportedError as err:
        raise MailError(
            "the SMTP server offers no STARTTLS; use smtps:// or another server"
        ) from err
    except smtplib.SMTPResponseException as err:
        said = (
            err.smtp_error.decode(errors="replace")
            if isinstance(err.smtp_error, bytes)
            else str(err.smtp_error)
        )
        raise MailError(f"the SMTP server answered {err.smtp_code} {said[:200]}") from err
    except smtplib.SMTPException as err:
        if stage == "connect":  # connected, and no greeting came
            raise MailError(
                f"no answer from the SMTP server at {parts.hostname}:{parts.port or ''} within {timeout:g} s"
            ) from err
        if stage == "login":  # some servers hang up on a wrong password instead of saying 535
            raise MailError(
                "the SMTP server refused the user name or password (it closed the connection)"
            ) from err
        raise MailError(f"the SMTP server did not take the message ({type(err).__name__})") from err
    except (OSError, ssl.SSLError) as err:
        if stage == "login":
            raise MailError(
                "the SMTP server refused the user name or password (it closed the connection)"
            ) from err
        if stage == "connect":
            raise MailError(
                f"cannot reach the SMTP server at {parts.hostname}:{parts.port or ''} ({type(err).__name__})"
            ) from err
        raise MailError(
            f"the SMTP server stopped answering during {stage} ({type(err).__name__})"
        ) from err
