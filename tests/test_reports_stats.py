"""The statistics and the CSV escaping the reports rely on, against numbers computed by hand."""

from decimal import Decimal

import pytest

from content.reports import safe_cell
from content.reports.stats import lift, ratio, wilson_interval


def test_the_wilson_interval_of_8_wins_in_10_is_49_to_94_percent():
    low, high = wilson_interval(8, 10)
    assert round(low, 4) == 0.4902
    assert round(high, 4) == 0.9433


def test_the_wilson_interval_stays_inside_0_and_1_at_the_extremes():
    low, high = wilson_interval(2, 2)
    assert 0 < low < 1 and high == pytest.approx(1.0)
    low, high = wilson_interval(0, 3)
    assert low == pytest.approx(0.0) and 0 < high < 1


def test_there_is_no_interval_without_trials():
    assert wilson_interval(0, 0) is None


def test_lift_is_relative_to_the_baseline_and_absent_without_one():
    assert lift(0.9, 0.6) == pytest.approx(0.5)
    assert lift(0.3, 0.6) == pytest.approx(-0.5)
    assert lift(0.5, 0) is None
    assert lift(None, 0.5) is None
    assert ratio(1, 0) is None


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTab", "\rReturn"])
def test_a_cell_that_a_spreadsheet_would_run_is_quoted(text):
    assert safe_cell(text) == "'" + text


def test_numbers_and_plain_text_are_written_as_they_are():
    assert safe_cell("Battle card: Rival") == "Battle card: Rival"
    assert safe_cell(-0.25) == "-0.25"
    assert safe_cell(Decimal("1500.00")) == "1500.00"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "true"
