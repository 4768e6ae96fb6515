"""A figure family's mentions on a time axis, laid out for an inline SVG.

Coverage bunches: a story breaks and twenty outlets retell it within two
days. So dots never overlap: each is stacked on the lowest level where no
other dot is within a dot's width (a beeswarm), and past MAX_LEVELS a column
shows "+N" instead of growing without end. Ticks name dates: on the few days
that have mentions when there are few, otherwise on a calendar step (day,
week, month, quarter, year) chosen so the labels fit, and a label that would
touch its neighbour is dropped rather than printed over it.
Geometry only: the template draws it (templates/svg.html).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, LEFT, RIGHT, R, GAP, LEVEL_H, MAX_LEVELS, LABEL_W, OVERFLOW_W = 960, 40, 40, 5, 2, 12, 12, 78, 40


@dataclass(frozen=True)
class Event:
    day: dt.date
    kind: str  # attributed | inferred | unattributed | primary
    first: bool  # the family's first sighting
    estimated: bool  # its date was estimated from the fetch time
    tip: str
    href: str | None


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    event: Event


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # "" when it would overlap its neighbour


@dataclass(frozen=True)
class Overflow:
    x: float
    y: float
    count: int


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    axis_y: float
    dots: tuple[Dot, ...]
    ticks: tuple[Tick, ...]
    overflow: tuple[Overflow, ...]
    left: int = LEFT
    right: int = WIDTH - RIGHT


def _label(day: dt.date, step: str) -> str:
    if step == "year":
        return str(day.year)
    if step in ("month", "quarter"):
        return f"{day:%b} {day.year}"
    return f"{day.day} {day:%b} {day.year}"


def _calendar(lo: dt.date, hi: dt.date, step: str) -> list[dt.date]:
    days = []
    if step in ("day", "week"):
        every = 1 if step == "day" else 7
        day = lo
        while day <= hi:
            days.append(day)
            day += dt.timedelta(days=every)
        return days
    months = {"month": 1, "quarter": 3, "year": 12}[step]
    year, month = lo.year, 1 if step == "year" else lo.month - (lo.month - 1) % months
    while True:
        day = dt.date(year, month, 1)
        if day > hi:
            return days
        if day >= lo:
            days.append(day)
        month += months
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def layout(events: Sequence[Event]) -> Timeline | None:
    if not events:
        return None
    lo, hi = min(e.day for e in events), max(e.day for e in events)
    span = max(1, (hi - lo).days)
    pad = max(0.5, span * 0.03)
    inner = WIDTH - LEFT - RIGHT

    def x_of(day: dt.date) -> float:
        return LEFT + ((day - lo).days + pad) / (span + 2 * pad) * inner

    # Beeswarm: earliest first, each dot on the lowest level that has room for it.
    levels: list[list[float]] = []
    placed: list[tuple[float, int, Event]] = []
    overflow: dict[float, int] = {}
    for event in sorted(events, key=lambda e: (e.day, e.kind != "primary", e.tip)):
        x = x_of(event.day)
        for level, xs in enumerate(levels):
            if all(abs(x - other) >= 2 * R + GAP for other in xs[-8:]):
                xs.append(x)
                placed.append((x, level, event))
                break
        else:
            if len(levels) < MAX_LEVELS:
                levels.append([x])
                placed.append((x, len(levels) - 1, event))
            else:
                overflow[round(x, 1)] = overflow.get(round(x, 1), 0) + 1
    top = 14 + (12 if overflow else 0)
    axis_y = top + len(levels) * LEVEL_H + R
    dots = tuple(Dot(x, axis_y - R - 2 - level * LEVEL_H, event) for x, level, event in placed)
    # One "+N" per stretch of OVERFLOW_W pixels: days a pixel apart would print their counts over each other.
    merged: list[list[float]] = []
    for x, n in sorted(overflow.items()):
        if merged and x - merged[-1][0] < OVERFLOW_W:
            merged[-1][1] += n
        else:
            merged.append([x, n])
    over = tuple(Overflow(x, top - 4, int(n)) for x, n in merged)
    distinct = sorted({e.day for e in events})
    if len(distinct) <= inner // LABEL_W and len(distinct) <= 12:
        days, step = distinct, "day"
    else:
        for step in ("day", "week", "month", "quarter", "year"):
            days = _calendar(lo, hi, step)
            if len(days) <= inner // LABEL_W:
                break
    ticks, last = [], -1e9
    for day in days:
        x = x_of(day)
        shown = _label(day, step)
        if x - last < LABEL_W:
            shown = ""  # the tick stays; its label would run into the previous one
        else:
            last = x
        ticks.append(Tick(x, shown))
    return Timeline(WIDTH, int(axis_y + 34), axis_y, dots, tuple(ticks), over)
