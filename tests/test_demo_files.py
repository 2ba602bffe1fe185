"""The demo data files of content/demo/: their date notation, and the errors that name the file and field."""

import datetime
import io
import random
import shutil

import pytest
from django.core.management import CommandError, call_command

from content.demo import DEMO_DIR, DemoDataError, RelativeDate, read_demo
from content.management.commands import load_demo

TODAY = datetime.date(2026, 3, 15)


@pytest.fixture
def demo_dir(tmp_path):
    """A copy of the demo data files, free to break."""
    copy = tmp_path / "demo"
    shutil.copytree(DEMO_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_files_hold_every_asset_in_load_order():
    data = read_demo()
    keys = [spec["key"] for _, spec in data.assets]
    assert len(keys) == len(set(keys)) == 64
    assert keys[0] == "cs-brightwater"
    assert sorted(keys) == sorted(path.stem for path in (DEMO_DIR / "assets").glob("*.md"))
    assert len(data.requests) == 40
    assert data.logins[0] == ("rep", "Riley", "Rep", "Sales")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-120d", datetime.date(2025, 11, 15)),
        ("+30d", datetime.date(2026, 4, 14)),
        ("0d", TODAY),
        ("9d", datetime.date(2026, 3, 24)),
    ],
)
def test_a_relative_date_counts_days_from_today(text, expected):
    assert RelativeDate.parse(text).resolve(TODAY, random.Random(1)) == expected


def test_a_range_is_drawn_by_the_seeded_generator_within_its_bounds():
    window = RelativeDate.parse("-330d..-290d")
    drawn = window.resolve(TODAY, random.Random(7))
    assert drawn == TODAY - datetime.timedelta(days=random.Random(7).randint(290, 330))
    ahead = RelativeDate.parse("+5d..+35d").resolve(TODAY, random.Random(7))
    assert ahead == TODAY + datetime.timedelta(days=random.Random(7).randint(5, 35))


@pytest.mark.parametrize("text", ["-120", "120 days", "-3w", "-10d..-20d", "yesterday", "-10d..", ""])
def test_a_bad_date_notation_is_refused(text):
    with pytest.raises(ValueError, match="relative date|first day comes after"):
        RelativeDate.parse(text)


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "assets/cs-brightwater.md",
            "kind: case_study",
            "kind: case-study",
            "cs-brightwater.md: kind: unknown kind 'case-study' (known: case_study, ",
        ),
        (
            "assets/cs-brightwater.md",
            "stages: [evaluating, interested]",
            "stages: [evaluation, interested]",
            "cs-brightwater.md: stages: unknown stage 'evaluation' (known: curious, engaged, ",
        ),
        (
            "assets/op-roi.md",
            "published: -330d..-290d",
            "published: 330 days ago",
            "op-roi.md: published: '330 days ago' is not a relative date such as -120d",
        ),
        (
            "assets/obj-erp-has-ap.md",
            "personas: [technical-evaluator,",
            "personas: [cto,",
            "obj-erp-has-ap.md: personas: unknown persona 'cto'",
        ),
        (
            "assets/obj-erp-has-ap.md",
            "proof: [cs-brightwater,",
            "proof: [cs-brightwaters,",
            "obj-erp-has-ap.md: proof: unknown asset 'cs-brightwaters'",
        ),
        (
            "assets/bc-highbeam.md",
            "competitor: Highbeam",
            "competitor: Highbem",
            "bc-highbeam.md: competitor: unknown competitor 'Highbem'",
        ),
        (
            "assets/cs-brightwater.md",
            "customer: Brightwater Foods",
            "client: Brightwater Foods",
            "cs-brightwater.md: client: not a field of a case_study asset",
        ),
        (
            "requests.yaml",
            "stage: evaluating",
            "stage: evaluation",
            "requests.yaml: requests[1] (rq-soc2-summary).stage: unknown stage 'evaluation'",
        ),
        (
            "deals.yaml",
            "funnel_stage: engaged",
            "funnel_stage: engagd",
            "deals.yaml: open_stages: unknown stage 'engagd'",
        ),
        (
            "assets.yaml",
            "- cs-brightwater\n",
            "",
            "assets.yaml: order: asset files not listed: cs-brightwater",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_field(demo_dir, file, old, new, message):
    edit(demo_dir / file, old, new)
    with pytest.raises(DemoDataError) as refused:
        read_demo(demo_dir)
    assert message in str(refused.value)


def test_an_asset_file_without_front_matter_is_refused(demo_dir):
    path = demo_dir / "assets" / "cs-brightwater.md"
    path.write_text(path.read_text().removeprefix("---\n"))
    with pytest.raises(DemoDataError, match=r"cs-brightwater.md: must open with YAML front matter"):
        read_demo(demo_dir)


@pytest.mark.django_db
def test_load_demo_stops_on_a_broken_file_and_names_it(demo_dir, monkeypatch):
    edit(demo_dir / "assets" / "op-roi.md", "expires: -30d..-10d", "expires: soon")
    monkeypatch.setattr(load_demo, "read_demo", lambda: read_demo(demo_dir))
    with pytest.raises(CommandError, match=r"Demo data file invalid: op-roi.md: expires: 'soon' is not a relative"):
        call_command("load_demo", "--if-empty", stdout=io.StringIO())
