"""Languages: which locale a request wants, gettext for templates, JSON catalogs for scripts.

Templates use Babel/gettext catalogs in server/locale (compiled .mo files are committed;
`scripts/i18n` or the commands in server/locale/README.md rebuild them). Scripts read a
per-locale JSON catalog from static/i18n/<locale>.json, embedded in each page."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path

import jinja2
from babel import Locale, dates, numbers
from babel.support import Translations
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from .config import ROOT

LOCALES = ("en", "de")
DEFAULT_LOCALE = "en"
LANG_COOKIE = "trifecta_lang"
HERE = Path(__file__).resolve().parent
LOCALE_DIR = HERE / "locale"
TEMPLATE_DIR = HERE / "templates"
SCRIPT_CATALOGS = ROOT / "static" / "i18n"


def _supported(tag: str | None) -> str | None:
    if not tag:
        return None
    base = tag.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else None


def accept_language(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def requested_locale(request: Request) -> str | None:
    """A language chosen on purpose: the `lang` query parameter (from a switcher)."""
    return _supported(request.query_params.get("lang"))


def negotiate(request: Request) -> str:
    """The switcher's choice, else the remembered choice, else the browser's language."""
    chosen = requested_locale(request) or _supported(request.cookies.get(LANG_COOKIE))
    if chosen:
        return chosen
    for tag in accept_language(request.headers.get("accept-language", "")):
        found = _supported(tag)
        if found:
            return found
    return DEFAULT_LOCALE


@cache
def translations(locale: str) -> Translations:
    loaded = Translations.load(str(LOCALE_DIR), [locale], domain="messages")
    if not isinstance(loaded, Translations):  # a missing .mo: fail loudly, never show ids
        raise RuntimeError(f"no compiled message catalog for {locale!r} in {LOCALE_DIR}")
    return loaded


def _format_number(value: float, locale: str) -> str:
    return numbers.format_decimal(value, locale=locale)


def _format_datetime(value: str, locale: str) -> str:
    """An ISO 8601 timestamp from the store, in the reader's language (UTC, said so)."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return dates.format_datetime(moment, "medium", tzinfo=moment.tzinfo, locale=locale) + " UTC"


@cache
def templates(locale: str) -> Jinja2Templates:
    """One Jinja environment per locale, autoescape on, gettext installed (newstyle)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.filters["number"] = lambda value: _format_number(value, locale)
    env.filters["datetime"] = lambda value: _format_datetime(value, locale)
    return Jinja2Templates(env=env)


@cache
def script_catalog(locale: str) -> str:
    """The scripts' catalog as JSON text that is safe inside <script type=application/json>."""
    text = (SCRIPT_CATALOGS / f"{locale}.json").read_text(encoding="utf-8")
    return json.dumps(json.loads(text), ensure_ascii=False).replace("<", "\\u003c")


def language_names() -> list[tuple[str, str]]:
    """Each locale with its own name ("Deutsch"), for switchers."""
    return [
        (code, (Locale.parse(code).get_display_name(code) or code).capitalize()) for code in LOCALES
    ]
