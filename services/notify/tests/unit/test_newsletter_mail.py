"""The campaign mail built once and filled per recipient parses back to what was meant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser

from hypothesis import given, settings
from hypothesis import strategies as st

from ecbm_notify.adapters.newsletter.mail import CampaignMail, Links, render_campaign
from ecbm_notify.adapters.templates import TemplateRenderer
from ecbm_notify.domain import unsubscribe
from ecbm_notify.domain.campaign import ContentBlock

RENDERER = TemplateRenderer()
KEY = b"newsletter-unit-test-key-32-bytes"
LINKS = Links("https://ecbm.example", KEY, timedelta(days=60))
BLOCKS = (
    ContentBlock(kind="heading", text="Été <2027>"),
    ContentBlock(kind="paragraph", text="Rendez-vous à Gand. " * 30),
    ContentBlock(kind="link", text="S'inscrire", url="https://ecbm.example/summit?a=1&b=2"),
)
names = st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60).map(str.strip)


def campaign(subject: str) -> CampaignMail:
    named = render_campaign(RENDERER, "newsletter", "fr", subject, BLOCKS)
    anonymous = render_campaign(RENDERER, "newsletter", "fr", subject, BLOCKS, recipient_name="")
    return CampaignMail(named, anonymous, "fr", "c1")


@settings(max_examples=60, deadline=None)
@given(subject=names.filter(bool), name=names)
def test_what_is_sent_parses_back_to_the_subject_name_and_link(subject: str, name: str) -> None:
    link = LINKS.unsubscribe_url("r1", datetime.now(UTC))
    message = campaign(subject).for_recipient("eva@example.org", name, link)
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998  # SMTP's line limit
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert " ".join(str(parsed["Subject"]).split()) == " ".join(subject.split())
    assert parsed["To"] == "eva@example.org" and parsed["Content-Language"] == "fr"
    assert parsed["List-Unsubscribe"] == f"<{link}>"  # verbatim: clients must see the URL
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = parsed.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    page = parsed.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "Rendez-vous à Gand." in text and link in text
    assert "Été &lt;2027&gt;" in page and "summit?a=1&amp;b=2" in page
    assert (name in text) if name else ("Hello" not in text)


def test_the_link_unsubscribes_this_recipient_from_the_newsletter() -> None:
    now = datetime.now(UTC)
    link = LINKS.unsubscribe_url("r42", now)
    token = link.split("token=")[1]
    request = unsubscribe.verify(KEY, token, now)
    assert (request.recipient_id, request.topic) == ("r42", "newsletter")


def test_an_international_address_takes_the_general_path() -> None:
    message = campaign("Nouvelles").for_recipient("éva@exemple.fr", "Éva", "https://e/u?t=1")
    assert message["To"] == "éva@exemple.fr" and message["Content-Language"] == "fr"
    assert message.get_body(preferencelist=("html",)) is not None
