"""E-mail templates: Jinja2 files translated with Babel message catalogues.

Layout: ``templates/<notification_type>/{subject.txt,body.txt,body.html}`` plus shared
``templates/_layout.html`` and ``templates/_footer.txt``. Texts to translate are written in
English inside ``{% trans %}`` blocks; ``translations/<lang>/messages.po`` hold the
translations. The .po files are read and compiled in memory when the renderer is built,
so a fresh ``uv sync`` needs no compile step. A missing translation falls back to English.

`TemplateRenderer.validate` compiles and renders every template in every language with
the notification type's sample context (undefined names are errors): run at startup and in
a test, so a template error never waits for a send.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateError, select_autoescape

LANGUAGES = ("en", "fr", "de", "nl")
DEFAULT_LANGUAGE = "en"
PARTS = ("subject.txt", "body.txt", "body.html")


class TemplateProblem(Exception):
    """A template is missing, does not compile or does not render its sample context."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def language_of(preferred: str | None) -> str:
    """The person's language if we have it (``fr-BE`` → ``fr``), else English."""
    code = (preferred or "").replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def load_translations(language: str) -> NullTranslations:
    """The language's catalogue compiled in memory; English (the source) needs none."""
    folder = resources.files("ecbm_notify").joinpath("translations", language)
    po = folder.joinpath("messages.po")
    if language == DEFAULT_LANGUAGE or not po.is_file():
        return NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


class TemplateRenderer:
    """One Jinja2 environment per language, each with its translations installed."""

    def __init__(self, languages: Iterable[str] = LANGUAGES) -> None:
        self._environments = {language: _environment(language) for language in languages}

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._environments)

    def render(
        self, notification_type: str, language: str, context: Mapping[str, Any]
    ) -> RenderedMail:
        environment = self._environments.get(language_of(language))
        if environment is None:
            environment = self._environments[DEFAULT_LANGUAGE]
        values = {"language": language_of(language), **context}
        subject, text, html = (
            environment.get_template(f"{notification_type}/{part}").render(values) for part in PARTS
        )
        return RenderedMail(" ".join(subject.split()), text.strip() + "\n", html)

    def validate(self, samples: Mapping[str, Mapping[str, Any]]) -> None:
        """Render every part of every type in every language; raise on the first problem."""
        problems: list[str] = []
        for notification_type, context in samples.items():
            for language in self._environments:
                try:
                    self.render(notification_type, language, context)
                except TemplateError as error:
                    problems.append(f"{notification_type} [{language}]: {error}")
        if problems:
            raise TemplateProblem("; ".join(problems))


def _environment(language: str) -> Environment:
    environment = Environment(
        loader=PackageLoader("ecbm_notify", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.install_gettext_translations(load_translations(language), newstyle=True)  # type: ignore[attr-defined]
    return environment
