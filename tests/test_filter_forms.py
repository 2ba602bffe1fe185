"""Each list page renders its area's FilterSet as its filter form (ids f-<name>, errors beside the
field), and `owner`/`user`/`assignee` are usernames everywhere: an unknown one is a 400 naming the
parameter on the API and a message beside the field on the page, never a silently empty list."""

import pytest
from django.urls import reverse

from content.models import Competitor, FunnelStage

from .conftest import _api_for
from .factories import AssetFactory, ContentRequestFactory, DealFactory, UsageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/v1/deals/", "owner"),
        ("/api/v1/usage/", "user"),
        ("/api/v1/requests/", "assignee"),
        ("/api/v1/calendar/?start=2026-01-01&end=2026-01-31", "owner"),
        ("/api/v1/reports/usage/", "owner"),
    ],
)
def test_an_unknown_username_is_a_400_naming_the_parameter_everywhere(manager, marketer, url, param):
    client = _api_for(marketer if "requests" in url or "calendar" in url else manager)
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}{param}=nobody-here")
    assert response.status_code == 400, response.content
    assert "nobody-here" in str(response.json()[param])


def test_a_known_username_filters_the_deals_usage_and_requests(manager, marketer, rep, other_rep):
    mine, theirs = DealFactory(owner=rep), DealFactory(owner=other_rep)
    UsageFactory(deal=mine, user=rep)
    UsageFactory(deal=theirs, user=other_rep)
    assigned = ContentRequestFactory(assignee=marketer)
    ContentRequestFactory()
    api = _api_for(manager)
    assert [d["crm_id"] for d in api.get("/api/v1/deals/", {"owner": rep.username}).json()["results"]] == [mine.crm_id]
    assert [u["deal"] for u in api.get("/api/v1/usage/", {"user": other_rep.username}).json()["results"]] == [
        theirs.crm_id
    ]
    got = _api_for(marketer).get("/api/v1/requests/", {"assignee": marketer.username}).json()["results"]
    assert [r["id"] for r in got] == [assigned.pk]


def test_the_deal_list_renders_its_filterset_with_values_kept(manager_client, rep):
    DealFactory(owner=rep, name="Initech renewal", stage="Negotiation")
    response = manager_client.get(reverse("deal-list"), {"q": "initech", "status": "open", "owner": rep.username})
    html = response.content.decode()
    assert response.status_code == 200 and "Initech renewal" in html
    assert 'id="f-q"' in html and 'value="initech"' in html
    assert '<option value="open" selected>' in html
    assert 'name="owner" value="rep"' in html and 'id="f-closed_after"' in html and 'type="date"' in html


def test_a_rep_does_not_get_the_owner_filter_on_the_deal_list(rep_client):
    html = rep_client.get(reverse("deal-list")).content.decode()
    assert 'id="f-q"' in html and 'id="f-owner"' not in html


def test_a_bad_deal_filter_is_named_beside_its_field(manager_client, rep):
    DealFactory(owner=rep)
    response = manager_client.get(reverse("deal-list"), {"owner": "nobody-here", "closed_after": "yesterday"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="f-owner-error">No user named &#x27;nobody-here&#x27;.' in html
    assert 'aria-describedby="f-owner-error"' in html and 'id="f-closed_after-error"' in html
    assert response.context["page"].paginator.count == 0


def test_the_triage_board_renders_its_filterset_selects(marketer_client, marketer):
    FunnelStage.objects.get_or_create(slug="evaluating", defaults={"name": "Evaluating", "order": 3})
    Competitor.objects.create(name="Seismix")
    html = marketer_client.get(reverse("request-triage"), {"stage": "evaluating", "assignee": "none"}).content.decode()
    assert '<select name="stage" maxlength' not in html  # a select has no length limit
    assert '<option value="evaluating" selected>Evaluating</option>' in html
    assert '<option value="none" selected>Unassigned</option>' in html
    assert f'<option value="{marketer.username}">' in html and "Seismix</option>" in html
    assert 'id="f-status"' not in html  # the board's columns are the statuses


def test_the_triage_board_names_an_unknown_assignee(marketer_client):
    response = marketer_client.get(reverse("request-triage"), {"assignee": "nobody-here"})
    assert response.status_code == 400
    assert 'id="f-assignee-error">No user named &#x27;nobody-here&#x27;.' in response.content.decode()


def test_the_calendar_renders_its_filterset_with_the_owner_by_username(marketer_client, marketer):
    colleague = UserFactory(groups=["Marketing"], username="dana", first_name="Dana")
    AssetFactory(owner=colleague)
    html = marketer_client.get(reverse("calendar"), {"owner": "dana", "kind": "case_study"}).content.decode()
    assert '<option value="dana" selected>' in html
    assert '<option value="case_study" selected>Case study</option>' in html
    assert '<label for="f-stage">Funnel stage</label>' in html


def test_the_library_search_box_takes_its_limit_from_the_filterset(rep_client):
    from content.search.filters import MAX_QUERY_LENGTH

    html = rep_client.get(reverse("library"), {"q": "pricing", "ordering": "newest"}).content.decode()
    assert f'maxlength="{MAX_QUERY_LENGTH}"' in html and 'value="pricing"' in html
    assert '<option value="newest" selected>' in html


def test_the_librarys_form_class_is_built_once_and_no_error_outlives_its_form():
    """AssetFilterSet builds its form class once; each FilterSet's form is its own copy, so an
    error marked on one (aria-describedby) is not on the next."""
    from content.search.filters import AssetFilterSet

    bad = AssetFilterSet({"q": "pricing", "kind": "no-such-kind"})
    assert not bad.is_valid() and "kind" in bad.errors
    assert bad.form.fields["kind"].widget.attrs["aria-describedby"] == "f-kind-error"
    good = AssetFilterSet({"q": "pricing", "kind": "case_study"})
    assert good.get_form_class() is bad.get_form_class()
    assert good.is_valid() and good.form.cleaned_data["kind"] == "case_study"
    assert "aria-describedby" not in good.form.fields["kind"].widget.attrs


def test_each_library_form_has_its_own_fields_sharing_their_widgets_until_one_marks_an_error():
    """The library's forms copy their fields shallowly (SharedFields): a field set on one form is
    not on the next, and an error marked on a widget goes on that form's own copy of it."""
    from content.search.filters import AssetFilterSet

    first, second = AssetFilterSet({"q": "a"}).form, AssetFilterSet({"q": "b"}).form
    assert first.fields["kind"] is not second.fields["kind"]
    assert first.fields["kind"].widget is second.fields["kind"].widget  # shared, not copied
    first.fields["kind"].required = True
    assert second.fields["kind"].required is False
    bad = AssetFilterSet({"q": "x", "status": "bogus"})
    assert not bad.is_valid()
    shared = AssetFilterSet({"q": "y"}).form.fields["status"].widget
    assert bad.form.fields["status"].widget is not shared and "aria-describedby" not in shared.attrs
    assert 'aria-describedby="f-status-error"' in str(bad.form["status"])
    assert "aria-describedby" not in str(AssetFilterSet({"q": "z", "status": "draft"}).form["status"])


def test_a_lazy_select_reads_its_options_at_each_render_and_keeps_none():
    """A LazySelect may be shared by many forms (SharedFields): each render lists the options as
    they are then, and nothing of one render stays on the widget."""
    from content.filtering import LazySelect

    options = [("a", "Apple")]
    widget = LazySelect(lambda: list(options), empty_label="Any fruit")
    assert '<option value="a" selected>Apple</option>' in widget.render("fruit", "a")
    options.append(("b", "Banana"))
    html = widget.render("fruit", "")
    assert '<option value="" selected>Any fruit</option>' in html and '<option value="b">Banana</option>' in html
    assert list(widget.choices) == []


def test_each_library_filterset_has_its_own_filters_sharing_what_they_were_declared_with():
    from content.search.filters import AssetFilterSet

    first, second = AssetFilterSet({"q": "x"}), AssetFilterSet({"q": "y"})
    assert first.filters["kind"] is not second.filters["kind"]
    assert first.filters["kind"].parent is first and second.filters["kind"].parent is second
    assert first.filters["kind"].extra["choices"] is second.filters["kind"].extra["choices"]
    assert getattr(AssetFilterSet.base_filters["kind"], "parent", None) is None  # the declared one: nobody's
