"""Small inline-SVG charts for the HTML report (no plotting library, deterministic).

Every chart is a self-contained ``<svg>`` element; all text goes through
:func:`html.escape`. Coordinates are written with one decimal so that the same data
always gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Series", "bar_chart", "line_chart", "nice_ticks", "scatter_chart"]

WIDTH = 460
HEIGHT = 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 44, 44


@dataclass(frozen=True)
class Series:
    """One line of a line chart."""

    label: str
    color: str
    points: Sequence[tuple[float, float]]
    dashed: bool = False


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] with about ``count`` intervals."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return []
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) * 0.5 or 0.5
        low, high = low - pad, high + pad
    raw = (high - low) / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(i * step, 12) for i in range(first, last + 1)]


def _tick_text(value: float, ticks: Sequence[float]) -> str:
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = 0
    while decimals < 6 and abs(round(step, decimals) - step) > 1e-9 * max(1.0, step):
        decimals += 1
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def _c(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


class _Frame:
    """Maps data to pixel coordinates and draws the axes of one chart."""

    def __init__(
        self,
        x_ticks: Sequence[float],
        y_ticks: Sequence[float],
        width: int = WIDTH,
        height: int = HEIGHT,
    ) -> None:
        self.x_ticks, self.y_ticks = list(x_ticks), list(y_ticks)
        self.width, self.height = width, height
        self.x0, self.x1 = self.x_ticks[0], self.x_ticks[-1]
        self.y0, self.y1 = self.y_ticks[0], self.y_ticks[-1]

    def px(self, x: float) -> float:
        span = (self.x1 - self.x0) or 1.0
        return _LEFT + (x - self.x0) / span * (self.width - _LEFT - _RIGHT)

    def py(self, y: float) -> float:
        span = (self.y1 - self.y0) or 1.0
        return self.height - _BOTTOM - (y - self.y0) / span * (self.height - _TOP - _BOTTOM)

    def axes(self, title: str, x_label: str, y_label: str) -> list[str]:
        w, h = self.width, self.height
        out = [
            f'<text x="{w / 2:.0f}" y="18" text-anchor="middle" class="title">'
            f"{escape(title)}</text>",
        ]
        for t in self.y_ticks:
            y = _c(self.py(t))
            out.append(
                f'<line x1="{_LEFT}" y1="{y}" x2="{w - _RIGHT}" y2="{y}" class="grid"/>'
                f'<text x="{_LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                f"{escape(_tick_text(t, self.y_ticks))}</text>"
            )
        for t in self.x_ticks:
            x = _c(self.px(t))
            out.append(
                f'<line x1="{x}" y1="{h - _BOTTOM}" x2="{x}" y2="{h - _BOTTOM + 4}" class="axis"/>'
                f'<text x="{x}" y="{h - _BOTTOM + 16}" text-anchor="middle">'
                f"{escape(_tick_text(t, self.x_ticks))}</text>"
            )
        out.append(
            f'<line x1="{_LEFT}" y1="{h - _BOTTOM}" x2="{w - _RIGHT}" y2="{h - _BOTTOM}" class="axis"/>'
            f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{h - _BOTTOM}" class="axis"/>'
            f'<text x="{(w + _LEFT - _RIGHT) / 2:.0f}" y="{h - 8}" text-anchor="middle">'
            f"{escape(x_label)}</text>"
            f'<text transform="translate(14 {(h + _TOP - _BOTTOM) / 2:.0f}) rotate(-90)" '
            f'text-anchor="middle">{escape(y_label)}</text>'
        )
        return out


def _svg(parts: Sequence[str], title: str, width: int = WIDTH, height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        + "".join(parts)
        + "</svg>"
    )


def _empty(title: str, message: str) -> str:
    return _svg(
        [
            f'<text x="{WIDTH / 2:.0f}" y="18" text-anchor="middle" class="title">'
            f"{escape(title)}</text>",
            f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" text-anchor="middle" '
            f'class="empty">{escape(message)}</text>',
        ],
        title,
    )


def _padded_ticks(values: Sequence[float], pad: float = 0.04) -> list[float]:
    low, high = min(values), max(values)
    margin = (high - low) * pad
    return nice_ticks(low - margin, high + margin)


def _finite(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)]


def line_chart(series: Sequence[Series], *, title: str, x_label: str, y_label: str) -> str:
    """Lines with markers; NaN points break a line. Integer x ticks when x has few values."""
    finite = [p for s in series for p in _finite(s.points)]
    if not finite:
        return _empty(title, "no data")
    xs = sorted({x for x, _ in finite})
    ys = [y for _, y in finite]
    if all(float(x).is_integer() for x in xs) and len(xs) <= 12 and len(xs) > 1:
        x_ticks = [float(x) for x in range(int(xs[0]), int(xs[-1]) + 1)]
    else:
        x_ticks = nice_ticks(xs[0], xs[-1])
    frame = _Frame(x_ticks, _padded_ticks(ys))
    parts = frame.axes(title, x_label, y_label)
    for s in series:
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        segment: list[str] = []
        segments: list[list[str]] = []
        for x, y in s.points:
            if math.isfinite(x) and math.isfinite(y):
                segment.append(f"{_c(frame.px(x))},{_c(frame.py(y))}")
            elif segment:
                segments.append(segment)
                segment = []
        if segment:
            segments.append(segment)
        color = escape(s.color)
        for seg in segments:
            parts.append(
                f'<polyline points="{" ".join(seg)}" fill="none" stroke="{color}" '
                f'stroke-width="2"{dash}/>'
            )
            parts += [
                f'<circle cx="{xy.split(",")[0]}" cy="{xy.split(",")[1]}" r="3" fill="{color}"/>'
                for xy in seg
            ]
    x = float(_LEFT)
    for s in series:
        parts.append(
            f'<rect x="{_c(x)}" y="27" width="14" height="3" fill="{escape(s.color)}"/>'
            f'<text x="{_c(x + 18)}" y="32">{escape(s.label)}</text>'
        )
        x += 32 + 7 * len(s.label)
    return _svg(parts, title)


def scatter_chart(
    points: Sequence[tuple[float, float]], *, title: str, x_label: str, y_label: str
) -> str:
    """Scatter plot of (x, y) points with a dashed zero line on each axis it crosses."""
    finite = _finite(points)
    if not finite:
        return _empty(title, "no data")
    xs = [x for x, _ in finite]
    ys = [y for _, y in finite]
    frame = _Frame(_padded_ticks(xs), _padded_ticks(ys))
    parts = frame.axes(title, x_label, y_label)
    if frame.x0 < 0 < frame.x1:
        x = _c(frame.px(0.0))
        parts.append(f'<line x1="{x}" y1="{_TOP}" x2="{x}" y2="{HEIGHT - _BOTTOM}" class="zero"/>')
    if frame.y0 < 0 < frame.y1:
        y = _c(frame.py(0.0))
        parts.append(f'<line x1="{_LEFT}" y1="{y}" x2="{WIDTH - _RIGHT}" y2="{y}" class="zero"/>')
    parts += [
        f'<circle cx="{_c(frame.px(x))}" cy="{_c(frame.py(y))}" r="2.5" class="dot"/>'
        for x, y in finite
    ]
    return _svg(parts, title)


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, x_label: str, y_label: str) -> str:
    """Vertical bars, one per (label, value), in the order given."""
    if not bars:
        return _empty(title, "no data")
    top = max(max(v for _, v in bars), 0.0)
    y_ticks = nice_ticks(0.0, top if top > 0 else 1.0)
    frame = _Frame([0.0, float(len(bars))], y_ticks)
    parts = frame.axes(title, x_label, y_label)[:1]  # title only: x ticks are categories
    for t in y_ticks:
        y = _c(frame.py(t))
        parts.append(
            f'<line x1="{_LEFT}" y1="{y}" x2="{WIDTH - _RIGHT}" y2="{y}" class="grid"/>'
            f'<text x="{_LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(_tick_text(t, y_ticks))}</text>"
        )
    slot = (WIDTH - _LEFT - _RIGHT) / len(bars)
    base = frame.py(0.0)
    for i, (label, value) in enumerate(bars):
        bx = _LEFT + i * slot + slot * 0.15
        by = frame.py(value)
        parts.append(
            f'<rect x="{_c(bx)}" y="{_c(by)}" width="{_c(slot * 0.7)}" height="{_c(base - by)}" '
            f'class="bar"><title>{escape(label)}: {escape(f"{value:g}")}</title></rect>'
            f'<text x="{_c(bx + slot * 0.35)}" y="{HEIGHT - _BOTTOM + 16}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<line x1="{_LEFT}" y1="{_c(base)}" x2="{WIDTH - _RIGHT}" y2="{_c(base)}" class="axis"/>'
        f'<text x="{(WIDTH + _LEFT - _RIGHT) / 2:.0f}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
        f'<text transform="translate(14 {(HEIGHT + _TOP - _BOTTOM) / 2:.0f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    return _svg(parts, title)
