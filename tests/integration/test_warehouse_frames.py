"""WarehouseResource.read_frame against a real PostgreSQL: numbers, booleans, NULLs and empty strings come back as they are."""

import math

from orchestration.warehouse.postgres import WarehouseResource


def test_read_frame_keeps_numbers_booleans_nulls_and_empty_strings(database_url):
    warehouse = WarehouseResource(database_url=database_url)
    frame = warehouse.read_frame(
        "select * from (values (1, 2.50::numeric, true, 'a,\"b\"', '2026-11-20 12:00+00'::timestamptz),"
        " (2, null, false, '', null), (3, -1e3::numeric, null, null, null)) as t(id, price, flag, label, at) "
        "where id <= %s order by id", [3])
    assert list(frame.columns) == ["id", "price", "flag", "label", "at"]
    assert frame["id"].tolist() == [1.0, 2.0, 3.0]
    assert frame["price"].tolist()[0] == 2.5 and math.isnan(frame["price"][1]) and frame["price"][2] == -1000.0
    assert frame["flag"].tolist()[:2] == [True, False] and frame["flag"].isna()[2]
    assert frame["label"].tolist()[:2] == ['a,"b"', ""] and frame["label"].isna()[2]  # '' is not NULL
    assert frame["at"].notna().tolist() == [True, False, False]


def test_read_frame_of_no_rows_has_the_columns(database_url):
    frame = WarehouseResource(database_url=database_url).read_frame("select 1 as n, 'x' as s where false")
    assert list(frame.columns) == ["n", "s"] and frame.empty
