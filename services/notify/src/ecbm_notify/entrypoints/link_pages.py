"""The small HTML pages behind links in e-mails: unsubscribe, newsletter confirmation.

English; the signed link itself is the login. A GET only shows what a button would do,
because mail scanners follow links (RFC 8058); the button POSTs.
"""

from __future__ import annotations

from html import escape

from ecbm_notify.entrypoints.http_guards import source_hash

_STYLE = (
    "body { font-family: sans-serif; max-width: 36em; margin: 3em auto; padding: 0 1em }"
    " .sender { color: #666 }"
)
_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<style>{style}</style></head>
<body>
<h1>{title}</h1>
{body}
<p class="sender">European Center for Mentoring</p>
</body></html>
"""
# Served as the pages' Content-Security-Policy: their one style element, forms posting
# back here, nothing else; never in a frame (clickjacking the confirm button).
POLICY = (
    f"default-src 'none'; style-src {source_hash(_STYLE)}; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def _page(title: str, body: str) -> str:
    return _PAGE.format(title=escape(title), body=body, style=_STYLE)


def _topic_words(topic: str) -> str:
    kind, _, frequency = topic.partition(":")
    if kind == "digest":
        return f"{frequency} digest e-mails".strip()
    return f"e-mails about {topic}"


def confirm(token: str, topic: str) -> str:
    return _page(
        "Unsubscribe?",
        f"<p>Stop {escape(_topic_words(topic))}? Messages you must receive (such as "
        "confirmations of your registration) still arrive.</p>"
        f'<form method="post" action="/unsubscribe?token={escape(token, quote=True)}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit">Unsubscribe</button></form>',
    )


def done(topics: list[str]) -> str:
    what = ", ".join(topics) if topics else "nothing (you were not receiving these)"
    return _page(
        "You are unsubscribed",
        f"<p>No more e-mails about: {escape(what)}.</p>"
        "<p>You can change this at any time in your notification preferences.</p>",
    )


def refused(why: str) -> str:
    return _page(
        "This unsubscribe link does not work",
        f"<p>{escape(why.capitalize())}. Nothing was changed.</p>"
        "<p>Use the link in a recent e-mail, or change your notification preferences "
        "after signing in.</p>",
    )


def confirm_subscription(token: str) -> str:
    return _page(
        "Confirm your subscription",
        "<p>Receive the Center's newsletter at this address?</p>"
        f'<form method="post" action="/newsletter/confirm?token={escape(token, quote=True)}">'
        '<button type="submit">Yes, subscribe me</button></form>',
    )


def subscribed(email: str) -> str:
    return _page(
        "You are subscribed",
        f"<p>The newsletter will come to {escape(email)}. Every issue has a link to stop it.</p>",
    )


def confirmation_refused(why: str) -> str:
    return _page(
        "This confirmation link does not work",
        f"<p>{escape(why.capitalize())}. Nothing was changed.</p>"
        "<p>Subscribe again to get a new link.</p>",
    )


def too_many_requests() -> str:
    return _page(
        "Too many requests",
        "<p>This address sent too many requests in a short time. Nothing was changed.</p>"
        "<p>Wait a minute, then open the link again.</p>",
    )
