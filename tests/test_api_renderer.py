"""The API's JSON is written by orjson (content/api/renderers.py) and reads as DRF's own renderer
wrote it: the same bytes for the values the API returns, the same values for any JSON."""

import datetime
import decimal
import json
import uuid

import pytest
from django.utils.functional import lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import renderers

from content.api.renderers import JSONRenderer

UTC = datetime.UTC
PLUS_TWO = datetime.timezone(datetime.timedelta(hours=2))


def both(data, media_type=None):
    return JSONRenderer().render(data, media_type), renderers.JSONRenderer().render(data, media_type)


@pytest.mark.parametrize(
    "data",
    [
        {"at": datetime.datetime(2026, 12, 5, 9, 30, 1, 123456, tzinfo=UTC)},  # milliseconds, "Z"
        {"at": datetime.datetime(2026, 12, 5, 9, 30, tzinfo=PLUS_TWO), "naive": datetime.datetime(2026, 1, 2, 3, 4)},
        {"day": datetime.date(2026, 2, 28), "time": datetime.time(8, 15, 0, 250000)},
        {"amount": decimal.Decimal("1234.50"), "id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
        {"label": lazy(lambda: "Case study", str)(), "title": "Q4 — “pricing” ✓ 日本"},
        {"text": "line\u2028separator\u2029paragraph", "dash": "a\u2014b"},
        {1: "int key", "nested": [(1, 2), {"deep": [None, True, False, 0, -(2**63)]}]},
        {"tags": ("a", "b"), "empty": {}, "none": None, "big": 2**63 - 1},
        [],
    ],
)
def test_the_api_values_are_written_byte_for_byte_as_drf_writes_them(data):
    ours, drf = both(data)
    assert ours == drf


def test_nothing_is_an_empty_body():
    assert JSONRenderer().render(None) == b""


def test_what_orjson_cannot_write_is_written_by_drf():
    data = {"huge": 2**70, "at": datetime.datetime(2026, 12, 5, tzinfo=UTC)}
    ours, drf = both(data)
    assert ours == drf
    assert json.loads(ours)["huge"] == 2**70


def test_pretty_printing_when_asked_is_drfs():
    data = {"a": [1, 2], "b": {"c": "d"}}
    ours, drf = both(data, "application/json; indent=4")
    assert ours == drf
    assert b"\n    " in ours


def test_a_value_nobody_can_write_is_still_an_error():
    with pytest.raises(TypeError):
        JSONRenderer().render({"what": object()})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values.filter(lambda data: data is not None))  # None alone is an empty body (above)
def test_any_json_reads_back_as_drf_wrote_it(data):
    ours, drf = both(data)
    assert json.loads(ours) == json.loads(drf)
    assert b"\xe2\x80\xa8" not in ours and b"\xe2\x80\xa9" not in ours


def test_the_api_answers_with_it(rep_api):
    response = rep_api.get("/api/v1/assets/", {"q": "pricing"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response.json()["count"] == 0
