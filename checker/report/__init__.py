"""The report stage: results → text, JSON lines, CSV, Gradescope (and the Gradescope bundle)."""

from checker.report.render import (
    render_csv,
    render_gradescope,
    render_json_line,
    render_steps_text,
    render_text,
    render_verdict_text,
)

__all__ = [
    "render_csv",
    "render_gradescope",
    "render_json_line",
    "render_steps_text",
    "render_text",
    "render_verdict_text",
]
