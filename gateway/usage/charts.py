"""Geometry of the server-rendered SVG bar charts (no JavaScript, nothing fetched from elsewhere)."""

from collections.abc import Callable
from datetime import datetime, timedelta

WIDTH, HEIGHT = 720, 170
LEFT, BOTTOM, TOP = 44, 22, 10
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - 6, HEIGHT - BOTTOM - TOP


def bar_chart(
    *,
    counts: dict[datetime, tuple[int, int]],
    start: datetime,
    step: timedelta,
    slots: int,
    label: Callable[[datetime], str],
    tick_every: int,
) -> dict:
    """Return the bars (one per slot with calls, errors stacked in red) and the axis labels of a chart."""
    peak = max((calls for calls, _errors in counts.values()), default=0)
    scale = PLOT_HEIGHT / peak if peak else 0
    slot_width = PLOT_WIDTH / slots
    bars, ticks = [], []
    for index in range(slots):
        moment = start + index * step
        x = LEFT + index * slot_width
        if index % tick_every == 0:
            ticks.append({"x": round(x + slot_width / 2, 1), "text": label(moment)})
        calls, errors = counts.get(moment, (0, 0))
        if not calls:
            continue
        height, error_height = calls * scale, errors * scale
        bars.append(
            {
                "x": round(x + 1, 1),
                "width": round(max(slot_width - 2, 1), 1),
                "y": round(TOP + PLOT_HEIGHT - height, 1),
                "height": round(height, 1),
                "error_y": round(TOP + PLOT_HEIGHT - error_height, 1),
                "error_height": round(error_height, 1),
                "title": f"{label(moment)}: {calls} calls, {errors} errors",
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "top": TOP,
        "baseline": TOP + PLOT_HEIGHT,
        "right": LEFT + PLOT_WIDTH,
        "label_y": HEIGHT - 6,
        "peak": peak,
        "bars": bars,
        "ticks": ticks,
    }
