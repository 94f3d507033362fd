"""The market report as one self-contained HTML page: Plotly charts with plotly.js inlined once,
no CDN and no request at view time. Pure: report data in, HTML text out."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from orchestration.reports.data import TOP, UNRATED, ReportData, SectionData

PALETTE = ["#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"]
STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#f8fafc;padding:20px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#cbd5e1}main{padding:8px 32px 40px;max-width:1200px}
section{background:#fff;border:1px solid #e2e8f0;border-radius:10px;padding:16px 20px;margin:18px 0}
section h2{margin:0 0 2px;font-size:18px}.question{color:#475569;margin:0}
.source{color:#64748b;font-size:12px;margin:2px 0 10px}.note{color:#475569;font-style:italic}.empty{color:#92400e;background:#fffbeb;padding:10px;border-radius:6px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:8px}.card{border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;min-width:180px}
.card h3{margin:0 0 6px;font-size:14px}.card .value{font-size:20px;font-weight:600}.card .label{color:#64748b;font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #f1f5f9}
th{color:#475569;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}nav a{color:#93c5fd;margin-right:12px}
"""


def render_report(data: ReportData) -> str:
    renderers = {"kpis": _kpis, "brand_share": _brand_share, "heatmap": _heatmap, "movers": _movers,
                 "discounts": _discounts, "restocks": _restocks, "misleading": _misleading, "comets": _comets,
                 "health": _health}
    body = "\n".join(_section(section, renderers[section.key]) for section in data.sections)
    nav = " ".join(f'<a href="#{section.key}">{html.escape(section.title)}</a>' for section in data.sections)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Commerce Radar market report {data.day:%Y-%m-%d}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style>
<script type="text/javascript">{get_plotlyjs()}</script></head>
<body><header><h1>Commerce Radar market report, {data.day:%Y-%m-%d} (UTC)</h1>
<p>Generated {data.generated_at:%Y-%m-%d %H:%M} UTC from the dbt marts. Every section names its mart and how fresh it is.</p>
<nav>{nav}</nav></header><main>{body}</main></body></html>"""


def _section(section: SectionData, render) -> str:
    fresh = f", rows up to {section.fresh_until:%Y-%m-%d %H:%M} UTC" if section.fresh_until else ""
    head = (f'<section id="{section.key}" data-mart="{section.mart}"><h2>{html.escape(section.title)}</h2>'
            f'<p class="question">{html.escape(section.question)}</p>'
            f'<p class="source">From <code>{section.mart}</code>{fresh}.</p>')
    if section.is_empty:
        return f'{head}<p class="empty">Nothing to show: {html.escape(section.empty_reason)}.</p></section>'
    return head + render(section) + "</section>"


def _figure(figure: go.Figure, height: int = 360) -> str:
    figure.update_layout(height=height, margin={"l": 50, "r": 20, "t": 40, "b": 40}, template="plotly_white",
                         colorway=PALETTE, font={"size": 12})
    return figure.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})


def _table(frame: pd.DataFrame, columns: dict[str, str], limit: int = TOP) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for label in columns.values())
    rows = []
    for _, row in frame.head(limit).iterrows():
        cells = []
        for column in columns:
            value = row[column]
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if numeric and ("share" in column or column.endswith("_rate")) and not pd.isna(value):
                cells.append(f'<td class="num">{value:.1%}</td>')
            else:
                cells.append(f'<td class="num">{_number(value)}</td>' if numeric else f"<td>{html.escape(_text(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _number(value) -> str:
    if pd.isna(value):
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and value[10] in " T":
        return value[:16].replace("T", " ")
    return str(value)


def _kpis(section: SectionData) -> str:
    kpis, active = section.frames["kpis"], section.frames["active_sales"]
    active_by_source = dict(zip(active["source_name"], active["active_sales"], strict=True))
    cards = []
    for source, rows in kpis.groupby("source_name", sort=True):
        listings = int(rows["listings"].sum())
        discounted = float((rows["share_discounted"] * rows["listings"]).sum() / listings) if listings else 0.0
        medians = ", ".join(f"{category} {currency} {_number(price)}" for category, currency, price
                            in rows[["category", "currency_code", "median_price"]].itertuples(index=False))
        cards.append(
            f'<div class="card" data-source="{html.escape(source)}" data-listings="{listings}" '
            f'data-share-discounted="{discounted:.4f}" data-active-sales="{int(active_by_source.get(source, 0))}">'
            f"<h3>{html.escape(source)}</h3><div class=\"value\">{listings:,}</div><div class=\"label\">listings</div>"
            f"<div class=\"value\">{discounted:.1%}</div><div class=\"label\">discounted</div>"
            f"<div class=\"value\">{int(active_by_source.get(source, 0))}</div><div class=\"label\">active sales</div>"
            f"<div class=\"label\">median price: {html.escape(medians)}</div></div>")
    figure = go.Figure()
    for category, rows in kpis.groupby("category", sort=True):
        figure.add_bar(name=str(category), x=rows["source_name"], y=rows["listings"])
    figure.update_layout(barmode="stack", title="Listings by source and category")
    return f'<div class="cards">{"".join(cards)}</div>' + _figure(figure, 320)


def _brand_share(section: SectionData) -> str:
    share = section.frames["brand_share"]
    groups = list(share.groupby(["source_name", "category", "currency_code"], sort=True))[:6]
    figure = make_subplots(rows=len(groups), cols=1, subplot_titles=[f"{s} · {c} ({cur})" for (s, c, cur), _ in groups],
                           vertical_spacing=0.25 / max(len(groups), 1))
    for index, (_, rows) in enumerate(groups, start=1):
        figure.add_bar(x=rows["listing_share"], y=rows["brand"], orientation="h", row=index, col=1,
                       marker_color=PALETTE[(index - 1) % len(PALETTE)], showlegend=False,
                       hovertemplate="%{y}: %{x:.1%} of listings<extra></extra>")
        figure.update_yaxes(autorange="reversed", row=index, col=1)
        figure.update_xaxes(tickformat=".0%", row=index, col=1)
    top = share[share["brand_rank"] == 1]
    return _figure(figure, 170 * len(groups) + 60) + _table(top, {
        "source_name": "source", "category": "category", "brand": "leading brand", "listing_share": "listing share",
        "units_sold_share": "units share", "median_price": "median price"}, limit=50)


def _heatmap(section: SectionData) -> str:
    cells = section.frames["heatmap"]
    # Categories whose listings carry no rating have one row of cells: nothing to compare.
    rated = cells[cells["rating_band"] != UNRATED].groupby(["category", "currency_code"])["listings"].sum()
    cells = cells.set_index(["category", "currency_code"]).loc[rated.sort_values(ascending=False).index].reset_index()
    parts = []
    for (category, currency), rows in list(cells.groupby(["category", "currency_code"], sort=True))[:6]:
        bands = rows.drop_duplicates("price_band").sort_values("price_band")
        band_labels = [f"{_number(low)}–{_number(high)}" for low, high in zip(bands["price_band_low"],
                                                                             bands["price_band_high"], strict=True)]
        ratings = rows.drop_duplicates("rating_band").sort_values("rating_band_order")["rating_band"].tolist()
        grid = rows.pivot_table(index="rating_band", columns="price_band", values="listings", aggfunc="sum")
        grid = grid.reindex(index=ratings, columns=bands["price_band"].tolist())
        figure = go.Figure(go.Heatmap(z=grid.values, x=band_labels, y=ratings, colorscale="Blues",
                                      hovertemplate="price %{x}, rating %{y}: %{z} listings<extra></extra>"))
        for _, spot in rows[rows["is_sweet_spot"].astype(bool)].iterrows():
            figure.add_annotation(x=band_labels[bands["price_band"].tolist().index(spot["price_band"])],
                                  y=spot["rating_band"], text="★ sweet spot", showarrow=False,
                                  font={"color": "#b45309", "size": 13})
        figure.update_layout(title=f"{category} ({currency}): listings by price band × rating")
        parts.append(_figure(figure, 300))
    return "".join(parts)


def _movers(section: SectionData) -> str:
    movers = section.frames["movers"]
    html_parts = []
    for column, label in (("change_24h_pct", "24 h"), ("change_7d_pct", "7 d")):
        moved = movers[movers[column].notna() & (movers[column] != 0)]
        top = moved.reindex(moved[column].abs().sort_values(ascending=False).index).head(TOP)
        if top.empty:
            history = movers[column.replace("change_", "price_").replace("_pct", "_ago")].notna().any()
            why = "no listing's price changed" if history else f"no listing has a price from {label} before yet"
            html_parts.append(f'<p class="note">Over {label}: {why}.</p>')
            continue
        figure = go.Figure(go.Bar(x=top[column], y=[f"{t[:40]} ({s})" for t, s in zip(top["title"], top["source_name"],
                                                                                        strict=True)],
                                  orientation="h", marker_color=["#16a34a" if v < 0 else "#dc2626" for v in top[column]],
                                  hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
        figure.update_yaxes(autorange="reversed")
        figure.update_layout(title=f"Biggest price changes over {label} (%)")
        html_parts.append(_figure(figure, 60 + 28 * len(top)))
    return "".join(html_parts)


def _discounts(section: SectionData) -> str:
    events = section.frames["discounts"]
    counts = events.groupby(["source_name", "event_type"]).size().unstack(fill_value=0)
    figure = go.Figure([go.Bar(name=str(kind).replace("_", " "), x=counts.index, y=counts[kind]) for kind in counts.columns])
    figure.update_layout(barmode="group", title="Discount events in progress by source")
    return _figure(figure, 300) + _table(events, {
        "event_type": "type", "source_name": "source", "title": "listing", "started_at": "started (UTC)",
        "reference_price": "reference", "lowest_price": "lowest", "depth_pct": "depth %", "steps": "steps"}, limit=20)


def _restocks(section: SectionData) -> str:
    restocks = section.frames["restocks"].copy()
    restocks["hour"] = pd.to_datetime(restocks["event_at"], utc=True, format="ISO8601").dt.floor("h")
    per_hour = restocks.groupby(["hour", "source_name"]).size().unstack(fill_value=0)
    figure = go.Figure([go.Bar(name=str(source), x=per_hour.index, y=per_hour[source]) for source in per_hour.columns])
    figure.update_layout(barmode="stack", title="Restocks per hour")
    return _figure(figure, 280) + _table(restocks, {"source_name": "source", "title": "listing",
                                                    "event_at": "back at (UTC)", "hours_unavailable": "hours out"}, 20)


def _misleading(section: SectionData) -> str:
    claims = section.frames["misleading"]
    top = claims.head(TOP)
    figure = go.Figure([
        go.Bar(name="claimed discount %", x=top["claimed_discount_pct"], y=top["title"].str[:40], orientation="h"),
        go.Bar(name="discount vs 30-day low %", x=top["discount_vs_30d_low_pct"], y=top["title"].str[:40],
               orientation="h")])
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(barmode="group", title="Claimed discount vs the real one (lowest price of the 30 days before)")
    return _figure(figure, 80 + 40 * len(top)) + _table(claims, {
        "source_name": "source", "title": "listing", "claim_started_at": "claimed since (UTC)",
        "price_at_start": "price", "claimed_reference_price": "claimed was", "lowest_price_30d": "30-day low",
        "claimed_discount_pct": "claimed %"}, limit=20)


def _comets(section: SectionData) -> str:
    comets, growth = section.frames["comets"], section.frames["growth"]
    figure = make_subplots(rows=len(comets), cols=1, shared_xaxes=True, vertical_spacing=0.02,
                           subplot_titles=[f"@{handle}" for handle in comets["handle"]])
    for index, creator in enumerate(comets["creator_id"], start=1):
        series = growth[growth["creator_id"] == creator]
        figure.add_scatter(x=series["creator_day"], y=series["followers"], mode="lines+markers", row=index, col=1,
                           showlegend=False, line={"width": 2}, hovertemplate="%{x}: %{y:,} followers<extra></extra>")
        figure.update_yaxes(showticklabels=False, row=index, col=1)
    figure.update_layout(title="Followers over the last 14 days (sparklines)")
    figure.update_annotations(font_size=11)
    return _figure(figure, 70 * len(comets) + 80) + _table(comets, {
        "velocity_rank": "rank", "handle": "creator", "followers": "followers",
        "qualifying_video_views": "breakout video views", "avg_daily_growth_7d": "followers/day (7 d)",
        "growth_rate_pct_7d": "growth % (7 d)"})


def _health(section: SectionData) -> str:
    health = section.frames["health"].copy()
    health["hour"] = pd.to_datetime(health["partition_hour"], utc=True, format="ISO8601")
    figure = go.Figure([go.Scatter(name=str(source), x=rows["hour"], y=rows["rows_published"], mode="lines+markers")
                        for source, rows in health.groupby("source_name", sort=True)])
    figure.update_layout(title="Rows published per hour and source")
    summary = health.groupby("source_name", as_index=False).agg(
        hours=("hour", "count"), rows=("rows_published", "sum"), failed_pages=("failed_pages", "sum"),
        retries=("retries", "sum"), worst_vs_median=("rows_vs_trailing_median", "min"),
        quarantine_rate=("quarantine_rate", "max"))
    return _figure(figure, 300) + _table(summary, {
        "source_name": "source", "hours": "hours", "rows": "rows", "failed_pages": "failed pages",
        "retries": "retries", "worst_vs_median": "lowest rows vs median", "quarantine_rate": "max quarantine rate"}, 50)

