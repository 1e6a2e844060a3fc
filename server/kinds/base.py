"""What every question kind is made of: the Question, choices with unique ids, stored
answers, sums, examples, and the `Kind` interface that each kind module implements."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

import regex
from pydantic import BaseModel, ConfigDict, Field

from ..sections import BriefSection

JsonValue = Any  # a value that json.dumps accepts
Sums = Counter[str]  # named totals of a question's answers: what each answer adds
FormFields = Mapping[str, Sequence[str]]  # an urlencoded form: each name with its values
Caught = Callable[[str], bool]  # the language filter: whether it hides this text
Cell = str | int | float | None  # one cell of an export's tables

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Label = Annotated[str, Field(min_length=1, max_length=200)]
Prompt = Annotated[str, Field(min_length=1, max_length=500)]


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Question:
    """One question of a session; immutable once the session exists. What only its kind
    knows (options, a scale's range, a text's length) is in `config`."""

    id: str
    kind: str
    prompt: str
    config: Any  # the kind's own frozen dataclass, e.g. ScaleConfig
    position: int = 0
    segment: bool = False
    brief: str | None = None


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """The current answer of one participant to one question, as the store holds it."""

    response_id: int
    value: JsonValue
    hidden: bool = False
    marks: frozenset[str] = frozenset()  # what the room did with an item: answered, pending


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a kind's aggregates; its style says how a spreadsheet shows it."""

    heading: str
    style: Literal["text", "whole", "decimal", "share"] = "whole"  # share: a fraction, as %


@dataclass(frozen=True, slots=True)
class Aggregates:
    """What a question's result adds up to, as the table an export's summary shows: a row
    per option, statement, item, word or group. Aggregates only, never a participant."""

    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    notes: tuple[str, ...] = ()  # e.g. how many words the language filter left out


@dataclass(frozen=True, slots=True)
class ItemRules:
    """How the store keeps a kind whose every answer is its own item (Q&A posts and votes)
    rather than one current answer per participant: checked in the write transaction."""

    max_posts: int  # per participant and question
    moderated: bool  # a post waits for the facilitator's approval before anyone sees it


@dataclass(frozen=True, slots=True)
class Examples:
    """A question of the kind as the API takes it, values it accepts, and values it
    refuses with their error codes: the bad-input and property tests are made from these."""

    question: dict[str, JsonValue]
    valid: tuple[JsonValue, ...]
    invalid: tuple[tuple[str, JsonValue, str], ...]  # (what is wrong, value, error code)


# -- specs: a question as a template or the API writes it ---------------------------------
class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ChoiceSpec(_Spec):
    id: Slug | None = None
    label: Label


ChoiceInput = Label | ChoiceSpec


class QuestionSpec(_Spec):
    """What every kind's spec has; a kind's spec adds `kind: Literal[...]` and its fields."""

    id: Slug | None = None
    prompt: Prompt
    segment: bool = False
    brief: BriefSection | None = None  # the brief section it feeds (server/sections.py)


C = TypeVar("C")


class Kind(Generic[C]):
    """One kind of question. A module per kind subclasses this once; the registry in
    `kinds/__init__.py` maps the name to that instance. Methods are pure."""

    name: ClassVar[str]
    spec: ClassVar[type[QuestionSpec]]
    config_type: ClassVar[type[Any]]
    codes: ClassVar[tuple[str, ...]]  # the error codes its validation uses
    # Codes checked against what is stored (in the write transaction), so only once the
    # question's own state (locked, not open) has let the answer through
    stored_codes: ClassVar[tuple[str, ...]] = ()
    # Whether its answers are participants' own words, which the language filter reads
    free_text: ClassVar[bool] = False
    examples: ClassVar[Examples]
    # The public contract in a line each, for the OpenAPI description
    value_doc: ClassVar[str]
    result_doc: ClassVar[str]

    def config(self, spec: Any) -> C:
        """The config of a question from its validated spec."""
        raise NotImplementedError

    def load(self, data: Mapping[str, JsonValue]) -> C:
        """The config from its stored JSON (also the flat form stored before `config`)."""
        raise NotImplementedError

    def dump(self, config: C) -> dict[str, JsonValue]:
        """The config as the store keeps it; `load` reads it back."""
        stored: dict[str, JsonValue] = asdict(config)  # type: ignore[call-overload]
        for derived in (f.name for f in fields(config) if not f.init):  # type: ignore[arg-type]
            stored.pop(derived)
        return stored

    def public(self, config: C) -> dict[str, JsonValue]:
        """What phones and the API see of the config, beside id, kind and prompt."""
        raise NotImplementedError

    def validate(self, q: Question, config: C, raw: object) -> JsonValue:
        """The answer in stored form, or raise the kind's TrifectaError."""
        raise NotImplementedError

    def form_value(self, config: C, fields: FormFields) -> JsonValue:
        """A no-script form's fields in the value shape; what cannot be read stays as it
        is, so that validation names the problem."""
        raise NotImplementedError

    def readable(self, config: C, value: JsonValue) -> str:
        """An answer as a person reads it in an export: labels, not ids."""
        raise NotImplementedError

    def contribution(self, config: C, value: JsonValue) -> Sums:
        """What one stored answer adds to the question's sums."""
        raise NotImplementedError

    def result(self, config: C, sums: Sums, answers: Sequence[StoredAnswer]) -> JsonValue:
        """The question's result from the sums of its current answers (and, for kinds that
        list items such as stories, the answers themselves)."""
        raise NotImplementedError

    def title(self) -> str:
        """The kind's name as a heading shows it: `grid_2x2` -> `Grid 2x2`."""
        return self.name.replace("_", " ").capitalize()

    def aggregates(self, config: C, result: JsonValue, responses: int) -> Aggregates:
        """The result as a table for the export's summary (see `Aggregates`)."""
        raise NotImplementedError

    def chart(self, config: C, result: JsonValue, responses: int) -> str | None:
        """The result drawn for the printed brief (SVG from `server.charts`, labels
        escaped there), or None for a kind that a table says best (stories are quoted)."""
        return None

    def parts(self, config: C) -> tuple[Choice, ...]:
        """The parts of an answer that get a column each where an export shows one row per
        participant (a scale's statements); () for one column per question."""
        return ()

    def numbers(self, config: C, value: JsonValue) -> dict[str | None, int] | None:
        """The answer as numbers a spreadsheet can average, per part (None: the question's
        one column); None for an answer shown as its `readable` text."""
        return None

    def item_rules(self, config: C) -> ItemRules | None:
        """For a kind that keeps every post as an item (Q&A), how the store keeps them;
        None for a kind with one current answer per participant."""
        return None

    def filtered(self, config: C, result: JsonValue, caught: Caught) -> JsonValue:
        """The result with what the session's language filter catches marked (items) or
        left out (counted words): only kinds with `free_text` have anything to filter."""
        return result

    def public_result(self, config: C, result: JsonValue) -> JsonValue:
        """The result as the room may see it (phones, the audience screen): what the
        facilitator hid, or has not approved yet, is left out."""
        return result

    def of(self, q: Question) -> C:
        """The question's config, checked to be this kind's."""
        if not isinstance(q.config, self.config_type):
            raise TypeError(f"question {q.id!r} is not a {self.name} question")
        config: C = q.config
        return config


# -- ids for choices --------------------------------------------------------------------------
def slugify(text: str, fallback: str = "item") -> str:
    """A stable, readable id from a label: ASCII, lowercase, hyphens, at most 40 chars."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")
    return slug or fallback


def label_id(label: str, what: str) -> str:
    """An id for a choice label: its slug, or for a label with no Latin letters or digits
    (Arabic, Chinese, emoji) a short digest of the label, stable whatever its position."""
    slug = slugify(label, fallback="")
    if slug:
        return slug
    digest = hashlib.sha256(unicodedata.normalize("NFC", label).encode()).hexdigest()[:8]
    return f"{what}-{digest}"


def unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, `slug-3`, ... when taken; the result is added to `taken`."""
    candidate, n = slug, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate, n = slug[: 40 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def choices(items: Sequence[ChoiceInput], what: str) -> tuple[Choice, ...]:
    """Choices with ids unique within their question: explicit ids are kept (and reserved
    first), the others derive from their labels. "A" and "a", or two long labels that
    share their first 40 characters, get different ids."""
    labels = [i if isinstance(i, str) else i.label for i in items]
    if len(set(labels)) != len(labels):
        raise ValueError(f"{what} labels must be unique")
    explicit = [i.id for i in items if isinstance(i, ChoiceSpec) and i.id]
    if len(set(explicit)) != len(explicit):
        raise ValueError(f"{what} ids must be unique")
    taken = set(explicit)
    out = []
    for item, label in zip(items, labels, strict=True):
        if isinstance(item, ChoiceSpec) and item.id:
            out.append(Choice(item.id, label))
        else:
            out.append(Choice(unique(label_id(label, what), taken), label))
    return tuple(out)


def load_choices(raw: Sequence[Mapping[str, str]]) -> tuple[Choice, ...]:
    return tuple(Choice(str(c["id"]), str(c["label"])) for c in raw)


def choices_json(items: Sequence[Choice]) -> list[dict[str, str]]:
    return [{"id": c.id, "label": c.label} for c in items]


def label_of(items: Sequence[Choice], choice_id: str) -> str:
    return next((c.label for c in items if c.id == choice_id), choice_id)


# -- text ---------------------------------------------------------------------------------
# Characters that draw nothing: format controls (zero-width space and joiners, direction
# marks, BOM, tags), separators and controls, and the letters and symbols that render blank
# (Hangul fillers, the blank Braille pattern, variation selectors, Khmer inherent vowels).
_BLANK_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_BLANK_LOOKING = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)


_GRAPHEME = regex.compile(r"\X")
# A character may be a cluster of code points (👍🏽 is two, a family emoji seven); a text
# of stacked combining marks is one character of hundreds. Past this many code points per
# allowed character, a text is too long whatever it shows.
CODE_POINTS_PER_CHARACTER = 10


def text_length(text: str) -> int:
    """How many characters a person sees: extended grapheme clusters (Unicode UAX #29), as
    the phone's counter counts them with Intl.Segmenter, so both agree on the limit."""
    return len(_GRAPHEME.findall(text))


def too_long(text: str, limit: int) -> int | None:
    """The text's length in characters when it is over `limit`, else None."""
    if len(text) <= limit:  # never more characters than code points: the common case
        return None
    length = text_length(text)
    if length > limit or len(text) > limit * CODE_POINTS_PER_CHARACTER:
        return length
    return None


def marked(text: str, marks: Sequence[str]) -> str:
    """Text with what the room did to it (hidden, filtered, ...) tagged in front, where a
    reader sees it first: text the room did not see stays in exports, marked."""
    return f"[{', '.join(marks)}] {text}" if marks else text


def share(count: int, of: int) -> float | None:
    """A fraction (an export shows it as a percentage); None when nobody answered."""
    return count / of if of else None


def is_blank(text: str) -> bool:
    """True when the text would show nothing: a story of zero-width spaces is empty."""
    return all(ch in _BLANK_LOOKING or unicodedata.category(ch) in _BLANK_CATEGORIES for ch in text)
