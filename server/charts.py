"""The brief's charts, drawn on the server as SVG: the PDF renderer runs no JavaScript, and
a printed page wants vector lines. Pure functions: numbers and labels in, markup out.

Every label is escaped here (a label is whatever a facilitator typed, `<script>` included),
every SVG is `role="img"` with a text alternative that holds its numbers, and the same
numbers are printed as text beside the marks and in the table under the chart.

Labels are HTML beside the SVG, not SVG text: WeasyPrint sets SVG text letter by letter,
which breaks Arabic shaping and right-to-left order, while HTML text is laid out, wrapped
and shaped. Colours are presentation attributes rather than CSS, so that browsers and
WeasyPrint agree and the page's strict CSP allows them; they come from Okabe and Ito's
palette (as on the live screens, static/css/results.css): one accent, a neutral and, for
NPS detractors, one warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
BAR = 560  # a bar's length at 100 %: the value stands beside it, as text
ACCENT = "#0072b2"  # Okabe-Ito blue
WARNING = "#c75400"  # Okabe-Ito vermilion, darkened for 3:1 on white (as results.css)
NEUTRAL = "#8a93a3"
TRACK = "#e8ebf0"
INK = "#16181d"
MUTED = "#4a5160"
FONT = 'font-family="Helvetica Neue, Arial, Liberation Sans, DejaVu Sans, sans-serif"'


@dataclass(frozen=True, slots=True)
class Scale:
    """The range of a rating: its ends and what they mean."""

    low: int
    high: int
    low_label: str | None = None
    high_label: str | None = None


@dataclass(frozen=True, slots=True)
class GroupMeans:
    """One segment group in the alignment chart: its size and its mean per statement (in
    the order of the statements), or withheld, with its size only."""

    label: str
    n: int
    withheld: bool
    means: Sequence[float | None] = ()


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "\N{EN DASH}"
    return f"{value:.{digits}f}"


def _svg(
    alt: str | None, width: float, height: float, body: list[str], stretch: bool = False
) -> str:
    """An SVG of `body`; with `alt` an image with that text alternative, without it a
    decoration that assistive technology skips (its numbers are said elsewhere). A
    `stretch` SVG (no text in it) fills whatever width it gets."""
    role = f'role="img" aria-label="{escape(alt)}"' if alt else 'aria-hidden="true"'
    if stretch:
        role += ' preserveAspectRatio="none"'
    title = f"<title>{escape(alt)}</title>" if alt else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" {role} viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" {FONT} font-size="12" fill="{INK}">'
        + title
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{fill}"/>'


def _label(text: str) -> str:
    return f'<div class="chart-label" dir="auto">{escape(text)}</div>'


def _chart(kind: str, parts: list[str]) -> Markup:
    return Markup(f'<div class="chart chart-{kind}">' + "".join(parts) + "</div>")


def labelled_bars(rows: Sequence[tuple[str, float | None]], top: float, unit: str = "") -> Markup:
    """Horizontal bars, one per labelled value, drawn to scale against `top` (a share's top
    is 1 and it is shown as a percentage; otherwise values are shown as they are). The bar
    holds no text, so it may stretch to any width; its value is text beside it."""
    parts = []
    for label, value in rows:
        shown = f"{number((value or 0) * 100)}%" if unit == "%" else number(value) + unit
        length = (value or 0) / top * BAR if top else 0
        bar = [_rect(0, 0, BAR, 16, TRACK), _rect(0, 0, length, 16, ACCENT)]
        svg = _svg(f"{label}: {shown}", BAR, 16, bar, stretch=True)
        parts.append(_label(label) + _bar(svg, shown))
    return _chart("bars", parts)


def _bar(svg: str, shown: str) -> str:
    mark = f'<span class="chart-mark">{svg}</span>'
    return f'<div class="chart-bar">{mark}<span class="chart-value">{escape(shown)}</span></div>'


def shares(rows: Sequence[tuple[str, float | None]]) -> Markup:
    """Choices: the share of those who answered that picked each option."""
    return labelled_bars(rows, 1.0, "%")


def ordered(rows: Sequence[tuple[str, float | None]], unit: str) -> Markup:
    """Rankings, points, words: most first, drawn against the largest."""
    ranked = sorted(rows, key=lambda row: -(row[1] or 0))
    top = max((value or 0 for _, value in ranked), default=0)
    return labelled_bars(ranked, float(top), unit)


def _ramp(steps: int) -> list[str]:
    """`steps` tints from pale to the accent: a rating's points, low to high."""
    pale, full = (0xD6, 0xE6, 0xF2), (0x00, 0x72, 0xB2)
    out = []
    for i in range(steps):
        t = i / (steps - 1) if steps > 1 else 1.0
        rgb = (round(p + (f - p) * t) for p, f in zip(pale, full, strict=True))
        out.append("#" + "".join(f"{c:02x}" for c in rgb))
    return out


def distribution(scale: Scale, rows: Sequence[tuple[str, Sequence[int]]]) -> Markup:
    """A rating question: per statement, how its answers spread over the points, as one
    bar of 100 % split low (pale) to high (the accent), with the count in each part."""
    points = list(range(scale.low, scale.high + 1))
    colours = _ramp(len(points))
    parts = [_legend(scale, points, colours)]
    for label, counts in rows:
        alt = f"{label}: " + ", ".join(f"{p}: {c}" for p, c in zip(points, counts, strict=True))
        svg = _svg(alt, BAR, 20, _stack(scale, counts, colours))
        parts.append(_label(label) + _bar(svg, f"n {sum(counts)}"))
    return _chart("spread", parts)


def _stack(scale: Scale, counts: Sequence[int], colours: list[str]) -> list[str]:
    n = sum(counts)
    body = [_rect(0, 0, BAR, 20, TRACK)] if not n else []
    x = 0.0
    for point, (count, colour) in enumerate(zip(counts, colours, strict=True), scale.low):
        width = count / n * BAR if n else 0
        body.append(_rect(x, 0, width, 20, colour))
        if count and width >= 16:
            ink = "#ffffff" if point > (scale.low + scale.high) / 2 else INK
            body.append(
                _text(x + width / 2, 15, str(count), fill=ink, text_anchor="middle", font_size="14")
            )
        x += width
    return body


def _legend(scale: Scale, points: list[int], colours: list[str]) -> str:
    keys = "".join(
        f'<span class="key">{_svg(None, 12, 12, [_rect(0, 0, 12, 12, colour)])} {point}</span>'
        for point, colour in zip(points, colours, strict=True)
    )
    ends = " \N{EN DASH} ".join(
        f"{p} = {label}"
        for p, label in ((scale.low, scale.low_label), (scale.high, scale.high_label))
        if label
    )
    return f'<p class="chart-legend">{keys} <span dir="auto">{escape(ends)}</span></p>'


def nps(counts: dict[str, int], score: float | None) -> Markup:
    """Net promoter: how many gave each of 0 to 10, detractors (0-6) in the warning colour,
    passives (7-8) neutral, promoters (9-10) in the accent, and the score."""
    column, gap, floor = 50.0, 8.0, 150.0
    top = max(counts.values(), default=0) or 1
    body = []
    for point in range(11):
        count = counts.get(str(point), 0)
        colour = WARNING if point <= 6 else NEUTRAL if point <= 8 else ACCENT
        height = count / top * 110
        x = point * (column + gap)
        body.append(_rect(x, floor - height, column, height, colour))
        body.append(_text(x + column / 2, floor - height - 4, str(count), text_anchor="middle"))
        body.append(_text(x + column / 2, floor + 16, str(point), fill=MUTED, text_anchor="middle"))
    shown = "\N{EN DASH}" if score is None else f"{score:+.0f}"
    body.append(_text(0, 14, f"NPS {shown}", font_weight="bold", font_size="14"))
    groups = "detractors 0\N{EN DASH}6 · passives 7\N{EN DASH}8 · promoters 9\N{EN DASH}10"
    body.append(_text(WIDTH, 14, groups, fill=MUTED, text_anchor="end"))
    alt = f"NPS {shown}; " + ", ".join(f"{p}: {counts.get(str(p), 0)}" for p in range(11))
    return _chart("columns", [_svg(alt, WIDTH, floor + 22, body)])


def scatter(
    items: Sequence[tuple[str, float | None, float | None]],
    x: Scale,
    y: Scale,
    axes: tuple[str, str],
) -> Markup:
    """The 2x2 grid: each item at its mean position, numbered, with the quadrants named
    from the axes' ends, and a numbered key beside the plot."""
    size, left = 300.0, 24.0
    x_name, y_name = axes

    def at(value: float, scale: Scale) -> float:
        return (value - scale.low) / ((scale.high - scale.low) or 1) * size

    body = [_rect(left, 0, size, size, "#f6f7f9")]
    body.append(
        f'<path d="M{left + size / 2} 0v{size}M{left} {size / 2}h{size}" stroke="{NEUTRAL}"/>'
    )
    # arrows for the axes; their names and the quadrants' are HTML below (_quadrants):
    # WeasyPrint draws SVG text letter by letter, which breaks Arabic
    body.append(
        f'<path d="M{left} {size + 10}h{size}m-6 -4l6 4l-6 4M10 {size}v-{size}m-4 6l4 -6l4 6"'
        f' fill="none" stroke="{MUTED}"/>'
    )
    key = []
    for i, (label, x_mean, y_mean) in enumerate(items, start=1):
        where = f"{x_name} {number(x_mean, 1)}, {y_name} {number(y_mean, 1)}"
        key.append(f'<li dir="auto">{escape(label)} <span class="n">({escape(where)})</span></li>')
        if x_mean is None or y_mean is None:
            continue
        cx, cy = left + at(x_mean, x), size - at(y_mean, y)
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="10" fill="{ACCENT}"/>')
        body.append(_text(cx, cy + 4, str(i), fill="#ffffff", text_anchor="middle", font_size="11"))
    alt = "; ".join(
        f"{i}. {label}: {x_name} {number(xm, 1)}, {y_name} {number(ym, 1)}"
        for i, (label, xm, ym) in enumerate(items, start=1)
    )
    plot = _svg(alt, left + size + 4, size + 18, body)
    key_list = f'<ol class="chart-key">{"".join(key)}</ol>'
    return _chart(
        "grid", [f'<div class="chart-plot">{plot}{_quadrants(x, y, axes)}</div>', key_list]
    )


def _quadrants(x: Scale, y: Scale, axes: tuple[str, str]) -> str:
    """The axes and what their ends mean, as text beside the plot (so any script shows):
    across, from left to right; up, from bottom to top."""
    x_name, y_name = axes
    x_low, x_high = x.low_label or f"low {x_name}", x.high_label or f"high {x_name}"
    y_low, y_high = y.low_label or f"low {y_name}", y.high_label or f"high {y_name}"
    lines = (
        ("\N{RIGHTWARDS ARROW}", x_name, x_low, x_high),
        ("\N{UPWARDS ARROW}", y_name, y_low, y_high),
    )
    return (
        '<p class="chart-axes">'
        + "<br/>".join(
            f"{arrow} <bdi>{escape(name)}</bdi>: <bdi>{escape(low)}</bdi> \N{EN DASH} "
            f"<bdi>{escape(high)}</bdi>"
            for arrow, name, low, high in lines
        )
        + "</p>"
    )


MARKS = ("circle", "square", "diamond", "triangle")
GROUP_COLOURS = (ACCENT, WARNING, "#00845f", "#b8518c", "#9a6a00", "#3d4a5c")


def group_dots(statements: Sequence[str], groups: Sequence[GroupMeans], scale: Scale) -> Markup:
    """Trifecta alignment: per statement, one mark per group at its mean on the rating's
    range, so that agreement reads as marks close together. Withheld groups appear in the
    key with their size only, never with a number of theirs."""
    shown = [g for g in groups if not g.withheld]
    parts = [_group_key(groups, shown)]
    track = WIDTH - 40.0
    for i, label in enumerate(statements):
        body = [_rect(10, 11, track, 2, TRACK)]
        for point in range(scale.low, scale.high + 1):
            px = 10 + (point - scale.low) / ((scale.high - scale.low) or 1) * track
            body.append(f'<path d="M{px:.1f} 7v10" stroke="{NEUTRAL}"/>')
            body.append(_text(px, 30, str(point), fill=MUTED, text_anchor="middle", font_size="9"))
        means = []
        for k, group in enumerate(shown):
            mean = group.means[i] if i < len(group.means) else None
            means.append(f"{group.label} (n {group.n}) {number(mean, 2)}")
            if mean is not None:
                px = 10 + (mean - scale.low) / ((scale.high - scale.low) or 1) * track
                body.append(_mark(k, px, 12))
        alt = f"{label}: " + ", ".join(means)
        parts.append(_label(label) + _svg(alt, WIDTH, 34, body))
    return _chart("dots", parts)


def _group_key(groups: Sequence[GroupMeans], shown: list[GroupMeans]) -> str:
    items = []
    for group in groups:
        name = escape(group.label)
        if group.withheld:
            items.append(
                f'<li class="withheld"><span dir="auto">{name}</span> (n {group.n}): withheld</li>'
            )
            continue
        mark = _svg(None, 16, 16, [_mark(shown.index(group), 8, 8)])
        items.append(f'<li>{mark} <span dir="auto">{name}</span> (n {group.n})</li>')
    return f'<ul class="chart-key">{"".join(items)}</ul>'


def _mark(k: int, x: float, y: float) -> str:
    """The k-th group's marker: shape and colour both differ, so colour is never the only
    cue (and a grey print still tells the groups apart)."""
    shape, colour = MARKS[k % len(MARKS)], GROUP_COLOURS[k % len(GROUP_COLOURS)]
    if shape == "square":
        return _rect(x - 5.5, y - 5.5, 11, 11, colour)
    if shape == "diamond":
        return f'<path d="M{x:.1f} {y - 7:.1f}l7 7l-7 7l-7-7z" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 7:.1f}l7 12h-14z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"/>'
