"""Sold counts as marketplaces print them: a lower bound, and the window it covers, if any."""

import pytest

from orchestration.formats.normalize import SoldCount, parse_sold

CASES = [
    # all-time counts
    ("10rb+ terjual", 10_000, None), ("1,2rb terjual", 1_200, None), ("Terjual 3", 3, None), ("3 terjual", 3, None),
    ("1.2K sold", 1_200, None), ("250+ sold", 250, None), ("5jt+ terjual", 5_000_000, None),
    ("12,345 sold", 12_345, None), ("1.234 terjual", 1_234, None), ("Sold 99", 99, None),
    # no sales yet
    ("Belum ada penjualan", 0, None), ("Belum terjual", 0, None), ("belum ada terjual", 0, None),
    ("No sales yet", 0, None), ("No sales", 0, None), ("Not sold yet", 0, None), ("Be the first to buy", 0, None),
    ("0 terjual", 0, None), ("0 sold", 0, None),
    # counts over a window keep it in their own field
    ("Terjual 250+ dalam 30 hari", 250, "P30D"), ("Dalam 30 hari terjual 1rb+", 1_000, "P30D"),
    ("250+ sold in the last 30 days", 250, "P30D"), ("1K+ bought in past month", 1_000, "P1M"),
    ("Terjual/Bln 1,2RB", 1_200, "P1M"), ("2,5rb terjual per bulan", 2_500, "P1M"), ("5 sold / month", 5, "P1M"),
    ("Terjual 100+ sebulan", 100, "P1M"), ("120 sold this week", 120, "P1W"), ("40 terjual per minggu", 40, "P1W"),
    ("Terjual 5 hari ini", 5, "P1D"), ("12 sold today", 12, "P1D"), ("50 sold in 24 hours", 50, "P1D"),
    ("Terjual 30 / hari", 30, "P1D"), ("300 sold in the past 7 days", 300, "P7D"), ("2rb terjual 3 bulan terakhir", 2_000, "P3M"),
    ("Belum ada penjualan 30 hari terakhir", 0, "P30D"),
    # unreadable
    ("terjual", None, None), ("", None, None),
]


@pytest.mark.parametrize(("text", "count", "period"), CASES, ids=[case[0] or "(blank)" for case in CASES])
def test_parse_sold(text, count, period):
    assert parse_sold(text) == SoldCount(count, period)


def test_not_text_is_unread():
    assert parse_sold(None) == SoldCount(None, None)
    assert parse_sold(12) == SoldCount(None, None)
