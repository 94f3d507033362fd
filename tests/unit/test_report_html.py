"""The market report's renderer: pure data in, one offline HTML page out."""

from datetime import UTC, date, datetime

import pandas as pd
from plotly.offline import get_plotlyjs

from orchestration.reports.data import ReportData, SectionData
from orchestration.reports.html import render_report


def section(key: str, frames: dict, **values) -> SectionData:
    return SectionData(key, key.title(), "A question?", f"marts.{key}", frames, **values)


def test_sections_render_with_their_mart_freshness_and_empty_ones_say_why():
    # Timestamps arrive as PostgreSQL text, with and without fractions of a second.
    restocks = pd.DataFrame({"source_name": ["glow-lab", "glow-lab"], "title": ["Serum <30 ml>", "Toner"],
                             "event_at": ["2026-11-23 04:05:02+00", "2026-11-23 06:05:00.25+00"],
                             "hours_unavailable": [3.0, float("nan")]})
    health = pd.DataFrame({"source_name": ["glow-lab"] * 2, "partition_hour": ["2026-11-23 04:00:00+00"] * 2,
                           "rows_published": [410.0, 409.0], "rows_trailing_median": [410.0, 410.0],
                           "rows_vs_trailing_median": [1.0, 0.9976], "quarantine_rate": [0.0, 0.0], "pages": [2.0, 2.0],
                           "failed_pages": [0.0, 0.0], "retries": [0.0, 1.0]})
    data = ReportData(date(2026, 11, 23), datetime(2026, 11, 23, 8, tzinfo=UTC), [
        section("restocks", {"restocks": restocks}, fresh_until=datetime(2026, 11, 23, 6, 5, tzinfo=UTC)),
        section("health", {"health": health}),
        section("comets", {}, empty_reason="creator discovery is not configured"),
    ])
    page = render_report(data)
    assert get_plotlyjs() in page  # inlined once: the page needs no network
    ours = page.replace(get_plotlyjs(), "")
    assert ours.count("<script") == 1 + 2 and "src=" not in ours  # the bundle, one call per chart, nothing fetched
    assert "From <code>marts.restocks</code>, rows up to 2026-11-23 06:05 UTC." in page
    assert "Serum &lt;30 ml&gt;" in page and "2026-11-23 04:05" in page
    assert '<p class="empty">Nothing to show: creator discovery is not configured.</p>' in page
    assert '<td class="num">99.8%</td>' not in page  # a ratio is not a share: rows vs median stays a number
