"""The label as a programme's website shows it: a small JSON and an SVG badge."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from xml.sax.saxutils import escape

from ecbm_quality.adapters.views import LabelView
from ecbm_quality.domain.label import Standing
from ecbm_quality.domain.steps import Step

_STEP_TEXT = {
    Step.AFFILIATED: "Affiliated",
    Step.ACCREDITED: "Accredited",
    Step.DISTINCTION: "Accredited with distinction",
}
_COLOUR = {Standing.VALID: "#2e7d32", Standing.SUSPENDED: "#ef6c00"}  # others: grey


def label_json(label: LabelView, now: datetime) -> str:
    return json.dumps(
        {
            "code": label.code,
            "programme": f"programmes/{label.programme_id}",
            "programme_name": label.programme_name,
            "step": label.step.value,
            "standing": label.standing.value,
            "valid": label.standing is Standing.VALID,
            "valid_from": label.valid_from.date().isoformat(),
            "valid_until": label.valid_until.date().isoformat(),
            "checked_at": now.isoformat(timespec="seconds"),
        },
        ensure_ascii=False,
    )


@lru_cache(maxsize=4096)
def label_svg(label: LabelView) -> str:
    """A flat two-part badge: the Center's name, then the step (or why it does not hold).
    Rendered once per label as verified (the view is frozen: a change is another key)."""
    right = _STEP_TEXT[label.step]
    if label.standing is Standing.VALID:
        right += f" · until {label.valid_until.date().isoformat()}"
    else:
        right += f" · {label.standing.value}"
    left = "ECBM quality"
    left_width, right_width = 8 + 7 * len(left), 8 + 7 * len(right)
    width = left_width + right_width
    colour = _COLOUR.get(label.standing, "#757575")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{escape(left)}: {escape(right)}">'
        f"<title>{escape(label.code)}: {escape(right)}</title>"
        f'<rect width="{left_width}" height="20" fill="#37474f"/>'
        f'<rect x="{left_width}" width="{right_width}" height="20" fill="{colour}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="4" y="14">{escape(left)}</text>'
        f'<text x="{left_width + 4}" y="14">{escape(right)}</text></g></svg>'
    )
