"""E-mail templates: every type renders in every language, translated, escaped in HTML."""

from __future__ import annotations

import io
from importlib import resources
from importlib.resources.abc import Traversable

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract as extract_jinja2

from ecbm_notify.adapters.templates import (
    LANGUAGES,
    TemplateProblem,
    TemplateRenderer,
    language_of,
)
from ecbm_notify.domain.catalogue import CATALOGUE, FOR_COMMITTEE, template_samples
from ecbm_notify.domain.verification import VERIFICATION_TYPE

RENDERER = TemplateRenderer()
PROGRAMME = {
    "recipient_name": "An",
    "programme_name": "Buddy & Up",
    "countries": "BE",
    "link": "http://x/programmes/p1",
    "unsubscribe_url": "http://x/unsubscribe?token=t",
}


def test_the_persons_language_is_used() -> None:
    subjects = {lang: RENDERER.render("programme_registered", lang, PROGRAMME).subject
                for lang in LANGUAGES}  # fmt: skip
    assert subjects == {
        "en": "Buddy & Up is now in the registry",
        "fr": "Buddy & Up figure désormais dans le registre",
        "de": "Buddy & Up ist jetzt im Register",
        "nl": "Buddy & Up staat nu in het register",
    }


@pytest.mark.parametrize(("preferred", "language"), [
    ("fr-BE", "fr"), ("nl_NL", "nl"), ("DE", "de"), ("pt", "en"), ("", "en"), (None, "en"),
])  # fmt: skip
def test_unknown_languages_fall_back_to_english(preferred: str | None, language: str) -> None:
    assert language_of(preferred) == language


def test_html_is_escaped_and_text_is_not() -> None:
    mail = RENDERER.render("programme_registered", "en", PROGRAMME)
    assert "Buddy &amp; Up" in mail.html and "Buddy & Up" not in mail.html
    assert "Your programme Buddy & Up (BE) was registered" in mail.text
    assert "http://x/unsubscribe?token=t" in mail.text and 'href="http://x/unsubscribe' in mail.html


def test_without_an_unsubscribe_url_there_is_no_unsubscribe_line() -> None:
    mail = RENDERER.render("membership_approved", "nl", {
        "recipient_name": "An", "link": "http://x", "unsubscribe_url": "",
    })  # fmt: skip
    assert "Afmelden" not in mail.text and "Afmelden" not in mail.html
    assert mail.subject == "Welkom: uw lidmaatschap van het Centrum is goedgekeurd"


def test_the_digest_pluralises_per_language() -> None:
    context = {"recipient_name": "An", "unsubscribe_url": "", "groups": []}
    assert RENDERER.render("digest", "fr", {**context, "count": 1}).subject == (
        "Votre résumé : 1 nouveau message"
    )
    assert RENDERER.render("digest", "de", {**context, "count": 2}).subject == (
        "Ihre Zusammenfassung: 2 neue Nachrichten"
    )


def test_a_missing_variable_or_template_fails_validation() -> None:
    incomplete = {key: value for key, value in PROGRAMME.items() if key != "programme_name"}
    with pytest.raises(TemplateProblem, match="programme_name"):
        RENDERER.validate({"programme_registered": incomplete})
    with pytest.raises(TemplateProblem, match="no_such_type"):
        RENDERER.validate({"no_such_type": {}})


def test_every_catalogue_entry_has_every_template_in_every_language() -> None:
    samples = template_samples()
    kinds = [*CATALOGUE.values(), *FOR_COMMITTEE.values()]
    assert {kind.name for kind in kinds} | {"digest", VERIFICATION_TYPE} == set(samples)
    RENDERER.validate(samples)  # raises TemplateProblem naming what is wrong


@pytest.mark.parametrize("language", ["fr", "de", "nl"])
def test_every_string_of_every_template_is_translated(language: str) -> None:
    """A string added to a template without its translations would reach people in English."""
    templates = resources.files("ecbm_notify") / "templates"
    wanted: set[str] = set()
    for path in _template_files(templates):
        source = io.BytesIO(path.read_bytes())
        for _line, _function, message, _comments in extract_jinja2(
            source, list(DEFAULT_KEYWORDS), [], {"extensions": "jinja2.ext.i18n"}
        ):
            text = message[0] if isinstance(message, tuple) else message
            if text:  # None: a call with a variable, e.g. _(topic), not a literal
                wanted.add(text)
    po = resources.files("ecbm_notify") / "translations" / language / "messages.po"
    catalog = read_po(io.BytesIO(po.read_bytes()))
    untranslated = sorted(
        m for m in wanted if (entry := catalog.get(m)) is None or not entry.string
    )
    assert untranslated == []


def _template_files(folder: Traversable) -> list[Traversable]:
    found: list[Traversable] = []
    for entry in folder.iterdir():
        found += _template_files(entry) if entry.is_dir() else [entry]
    return found
