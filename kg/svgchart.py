"""Small inline SVG charts for the HTML report, drawn in Python (no JavaScript, nothing fetched).

`bar_chart` draws one horizontal bar per labelled value, with the value at the bar's end;
every text is XML-escaped, the output is deterministic.

>>> svg = bar_chart([("广州市 2023", 23.0), ("深圳市 2023", 18.0)], unit="μg/m3")
>>> svg.startswith("<svg") and "广州市 2023" in svg and svg.count("<rect") == 2
True
"""
from __future__ import annotations

from decimal import Decimal
from html import escape

__all__ = ["bar_chart", "format_number", "palette"]

ROW = 22
LABEL_WIDTH = 150
BAR_WIDTH = 300
VALUE_WIDTH = 110
COLOURS = ("#2e86de", "#27ae60", "#e67e22", "#8e44ad", "#c0392b", "#16a085", "#d4ac0d", "#5d6d7e")


def format_number(value: float | str) -> str:
    """23.0 -> "23", 0.350 -> "0.35"; never exponent notation."""
    text = format(Decimal(str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def palette(keys) -> dict[str, str]:
    """A colour per key, in the order given (e.g. the sorted years of a report)."""
    return {key: COLOURS[i % len(COLOURS)] for i, key in enumerate(dict.fromkeys(keys))}


def bar_chart(rows: list[tuple[str, float]], *, unit: str = "", title: str = "",
              colours: list[str] | None = None) -> str:
    """An SVG with one bar per (label, value); bars share a scale from 0 (or from the
    smallest value when some are negative). `colours` gives each bar's fill (default blue)."""
    values = [v for _, v in rows]
    low, high = min([0.0, *values]), max([0.0, *values])
    span = (high - low) or 1.0
    fills = colours or [COLOURS[0]] * len(rows)
    width, height = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH, ROW * len(rows) + 8
    zero = LABEL_WIDTH + BAR_WIDTH * (0 - low) / span
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-size="12">']
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for i, ((label, value), fill) in enumerate(zip(rows, fills)):
        y = 4 + i * ROW
        x0 = LABEL_WIDTH + BAR_WIDTH * (min(value, 0) - low) / span
        w = max(BAR_WIDTH * abs(value) / span, 1)
        text = f"{format_number(value)} {unit}".strip()
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{x0:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" '
                     f'fill="{escape(fill)}"><title>{escape(label)}: {escape(text)}</title></rect>')
        parts.append(f'<text x="{x0 + w + 4:.1f}" y="{y + 15}">{escape(text)}</text>')
    parts.append(f'<line x1="{zero:.1f}" y1="2" x2="{zero:.1f}" y2="{height - 2}" stroke="#808b96"/>')
    parts.append("</svg>")
    return "".join(parts)
