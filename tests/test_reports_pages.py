"""The report pages and API: who may see them, validation, CSV, sorting, and a constant number
of queries whatever the data size."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from content.models import Asset
from content.reports import REPORTS

from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory
from .reports_helpers import PERIOD, at, build_world

pytestmark = pytest.mark.django_db

NAMES = list(REPORTS)


def page_url(name):
    return reverse(f"report-{name}")


def api_url(name):
    return f"/api/v1/reports/{name}/"


@pytest.fixture
def world(rep, other_rep):
    return build_world(rep, other_rep)


@pytest.mark.parametrize("role, expected", [("rep", 403), ("outsider", 403), ("marketer", 200), ("manager", 200)])
def test_only_marketers_and_managers_see_the_reports_index(client, persona_users, role, expected):
    client.force_login(persona_users[role])
    assert client.get(reverse("reports")).status_code == expected


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("role, expected", [("rep", 403), ("outsider", 403), ("marketer", 200), ("manager", 200)])
def test_report_pages_and_api_follow_the_view_reports_rule(client, persona_users, name, role, expected):
    client.force_login(persona_users[role])
    assert client.get(page_url(name)).status_code == expected
    assert client.get(api_url(name)).status_code == expected
    assert client.get(page_url(name), {"format": "csv"}).status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in_and_the_api_refuses_them(client):
    assert client.get(page_url("usage")).status_code == 302
    assert client.get(api_url("usage")).status_code in (401, 403)


def test_the_index_lists_every_report_with_a_description(manager_client):
    body = manager_client.get(reverse("reports")).content.decode()
    for name in NAMES:
        assert page_url(name) in body
    assert "Wilson" not in body and "95% intervals" in body


def test_a_report_page_shows_filters_chart_table_notes_and_a_csv_link(manager_client, world):
    response = manager_client.get(page_url("effectiveness"), PERIOD)
    body = response.content.decode()
    assert response.status_code == 200
    for label in (
        'for="f-start"',
        'for="f-end"',
        'for="f-kind"',
        'for="f-stage"',
        'for="f-persona"',
        'for="f-competitor"',
        'for="f-owner"',
    ):
        assert label in body
    assert 'id="chart-data" type="application/json"' in body
    assert "<figcaption" in body and 'role="img"' in body and "aria-label=" in body
    assert "not enough data" in body  # Case A
    assert "format=csv" in body and "Download CSV" in body
    assert "How these figures are counted" in body
    assert "chart-4.6.1.umd.min.js" in body and "js/reports.js" in body
    assert "<script>" not in body and "style=" not in body  # CSP: no inline script or style


def test_the_gaps_page_shows_a_heat_map_with_numbers_and_words(manager_client, world):
    body = manager_client.get(page_url("gaps"), PERIOD).content.decode()
    assert 'class="heatmap"' in body and "heat-1" in body and "low gap" in body and "1 asset" in body


def test_column_headers_link_to_sorting_and_say_how_the_table_is_sorted(manager_client, world):
    body = manager_client.get(page_url("usage"), {**PERIOD, "sort": "uses", "dir": "desc"}).content.decode()
    assert 'aria-sort="descending"' in body
    assert "sort=uses&amp;dir=asc" in body  # the sorted column toggles
    assert "sort=title&amp;dir=desc" in body
    body = manager_client.get(page_url("usage"), {**PERIOD, "sort": "title", "dir": "asc"}).content.decode()
    assert body.index("Case A") < body.index("Playbook") < body.index("Too expensive")


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-02-30"},
        {"start": "2026-03-01", "end": "2026-01-01"},
        {"kind": "x"},
        {"sort": "secret"},
        {"page": "2.5"},
        {"start": "20260301"},
    ],
)
def test_bad_filters_answer_400_on_page_api_and_csv(manager_client, params):
    page = manager_client.get(page_url("usage"), params)
    assert page.status_code == 400 and "These filters cannot be used" in page.content.decode()
    assert manager_client.get(api_url("usage"), params).status_code == 400
    assert manager_client.get(page_url("usage"), {**params, "format": "csv"}).status_code == 400
    assert manager_client.get(api_url("usage"), {**params, "format": "csv"}).status_code == 400


def test_the_page_and_the_api_read_owner_as_a_username(manager_client, world, rep):
    params = {**PERIOD, "owner": rep.username}
    api = manager_client.get(api_url("usage"), params).json()
    page = manager_client.get(page_url("usage"), params)
    assert api["filters"]["owner"] == rep.username
    assert page.context["filters"].owner == rep
    assert [row["title"] for row in api["rows"]] == [row["title"] for row in page.context["report"].rows]


def test_an_unknown_owner_is_a_400_naming_the_field(manager_client):
    response = manager_client.get(api_url("usage"), {"owner": "nobody"})
    assert response.status_code == 400 and response.json() == {"owner": ["No user named 'nobody'."]}
    page = manager_client.get(page_url("usage"), {"owner": "nobody"})
    assert page.status_code == 400 and "No user named" in page.content.decode()


def test_the_api_answers_the_same_figures_as_json(manager_client, world):
    data = manager_client.get(api_url("effectiveness"), {**PERIOD, "sort": "title", "dir": "asc"}).json()
    assert data["report"] == "effectiveness"
    assert data["filters"] == {**PERIOD, "sort": "title", "dir": "asc"}
    assert [c["key"] for c in data["columns"]][:4] == ["asset_id", "title", "kind", "closed_deals"]
    case_a, playbook = data["rows"][0], data["rows"][1]
    assert case_a["enough_data"] is False and case_a["win_rate"] is None and case_a["lift"] is None
    assert case_a["ci_low"] is None and case_a["ci_high"] is None
    assert playbook["won"] == 5 and round(playbook["ci_low"], 4) == 0.4365
    assert data["totals"]["closed_deals"] == 7
    assert data["tables"][0]["key"] == "shelfware"


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("name", NAMES)
def test_csv_headers_are_the_column_keys_on_page_and_api(manager_client, world, name):
    expected = [column.key for column in REPORTS[name].__globals__["COLUMNS"]]
    assert csv_rows(manager_client.get(page_url(name), {**PERIOD, "format": "csv"}))[0] == expected
    assert csv_rows(manager_client.get(api_url(name), {**PERIOD, "format": "csv"}))[0] == expected


def test_a_title_that_looks_like_a_formula_is_quoted_in_the_csv(manager_client, world, rep):
    Asset.objects.filter(pk=world["playbook"].pk).update(title='=HYPERLINK("http://evil","x")')
    for response in (
        manager_client.get(page_url("usage"), {**PERIOD, "format": "csv"}),
        manager_client.get(api_url("usage"), {**PERIOD, "format": "csv"}),
    ):
        rows = csv_rows(response)
        assert rows[1][1] == '\'=HYPERLINK("http://evil","x")'
        assert rows[1][3] == "9"


def test_the_csv_holds_every_row_not_just_the_first_page(manager_client, world):
    rows = csv_rows(manager_client.get(page_url("usage"), {**PERIOD, "format": "csv", "page_size": "1"}))
    assert len(rows) == 1 + 3


# Constant queries ---------------------------------------------------------------------------


def grow(rep, other_rep, n):
    """More of everything: assets, deals won and lost, uses, requests."""
    for i in range(n):
        asset = AssetFactory(kind="objection" if i % 2 else "case_study")
        deal = DealFactory(
            status="won" if i % 3 else "lost",
            close_date=datetime.date(2026, 2, 10),
            owner=rep if i % 2 else other_rep,
        )
        UsageFactory(
            asset=asset,
            deal=deal,
            user=rep,
            used_at=at(datetime.date(2026, 2, 1)),
            action="heard" if i % 2 else "shared",
        )
        UsageFactory(asset=asset, deal=deal, user=other_rep, used_at=at(datetime.date(2026, 2, 3)))
        ContentRequestFactory(requester=rep)


def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", NAMES)
def test_each_report_runs_the_same_number_of_queries_whatever_the_data_size(manager_client, rep, other_rep, name):
    # Page: session, user, groups (permission), taxonomy lookups for the filter form (3), and the
    # report's own aggregates (see each report function's comment). API: user, groups, report.
    build_world(rep, other_rep)
    small = [count_queries(manager_client, url, PERIOD) for url in (page_url(name), api_url(name))]
    grow(rep, other_rep, 12)
    large = [count_queries(manager_client, url, PERIOD) for url in (page_url(name), api_url(name))]
    assert small == large
    assert max(large) <= 20


def test_the_schema_documents_each_report_with_its_filters_and_errors(manager_client):
    schema = manager_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for name in NAMES:
        operation = schema["paths"][api_url(name)]["get"]
        assert operation["operationId"] == f"reports_{name}"
        assert {"start", "end", "kind", "owner", "format"} <= {p["name"] for p in operation["parameters"]}
        assert {"200", "400", "403"} <= set(operation["responses"])
        assert "text/csv" in operation["responses"]["200"]["content"]


def test_the_filter_form_is_the_report_filterset_with_the_period_it_covers(manager_client, world):
    from django.utils import timezone

    from content.reports.filters import DEFAULT_PERIOD_DAYS

    body = manager_client.get(page_url("usage"), {"kind": "case_study", "source": "buyer"}).content.decode()
    today = timezone.localdate()
    start = today - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    # the default period shows as the dates it covers
    assert f'name="start" value="{start.isoformat()}"' in body and f'name="end" value="{today.isoformat()}"' in body
    assert (
        '<option value="case_study" selected>' in body and '<option value="buyer" selected>Buyer views</option>' in body
    )
    assert '<option value="" selected>Any funnel stage</option>' in body
    assert 'id="f-page"' not in body and 'id="f-sort"' not in body


def test_a_bad_report_filter_is_named_beside_its_field(manager_client, world):
    response = manager_client.get(page_url("usage"), {"owner": "nobody-here", "start": "2026-13-01"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="f-owner-error">No user named &#x27;nobody-here&#x27;.' in body
    assert 'aria-describedby="f-start-error"' in body


def test_the_owner_filter_names_people_by_full_name_and_filters_by_the_one_chosen(
    client, manager, rep, other_rep, world
):
    from django.contrib.auth import get_user_model

    rep.first_name, rep.last_name = "Riley", "Rep"
    rep.save()
    get_user_model().objects.create_user("gone", first_name="Gone", last_name="Away", is_active=False)
    client.force_login(manager)
    page = client.get(page_url("adoption")).content.decode()
    assert f'<option value="{rep.username}">Riley Rep</option>' in page
    assert 'value="gone"' not in page  # a deactivated person is no one to filter reports by
    chosen = client.get(page_url("adoption"), {"owner": rep.username}).content.decode()
    assert f'<option value="{rep.username}" selected>Riley Rep</option>' in chosen
    assert client.get(page_url("adoption"), {"owner": "nobody-here"}).status_code == 400


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_answers_an_unknown_sort_with_400_naming_its_sorts(manager_client, world, name):
    response = manager_client.get(api_url(name), {**PERIOD, "sort": "no_such_column"})
    assert response.status_code == 400
    message = response.json()["sort"][0]
    assert message.startswith("Sort by one of: ") and "no_such_column" not in message
    sorts = message.removeprefix("Sort by one of: ").rstrip(".").split(", ")
    assert sorts == sorted(sorts) and len(sorts) >= 3
    for sort in sorts:  # each sort named is one the report takes
        assert manager_client.get(api_url(name), {**PERIOD, "sort": sort}).status_code == 200, sort
