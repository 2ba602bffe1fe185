"""The deal of a content request and of a +1, on the pages: picked by its name and account with the
usage forms' picker (content.deal_picker), optional; any deal the author may open is still accepted
by its exact CRM id (integrations, older links), and a request's page names its deal and links it,
never showing a CRM id."""

import datetime
import re

import pytest
from django.urls import reverse

from content.deal_picker import deal_label, named_deal
from content.models import ContentRequest, RequestSupport
from content.permissions import visible_deals
from content.requesting.forms import RequestSubmitForm, SupportForm

from .factories import ContentRequestFactory, DealFactory

pytestmark = pytest.mark.django_db

UNKNOWN = "None of your open deals is called “{}”. Type part of its name or account and pick it from the list."


@pytest.fixture
def acme(rep):
    return DealFactory(crm_id="006ACME", name="Acme renewal", account="Acme Corp", owner=rep)


@pytest.fixture
def theirs(other_rep):
    return DealFactory(crm_id="006THEIRS", name="Initech migration", account="Initech", owner=other_rep)


def submitted(user, **deal_fields):
    return RequestSubmitForm({"title": "ROI calculator", "description": "CFOs ask.", **deal_fields}, user=user)


def visible_text(html: str) -> str:
    """What a reader sees: the text, without tags and their attributes."""
    return re.sub(r"<[^>]+>", " ", html)


# The forms ---------------------------------------------------------------------------------------


def test_a_rep_names_one_of_their_open_deals_by_its_label_or_its_name(rep, acme):
    for typed in ("Acme renewal — Acme Corp", "acme renewal"):
        form = submitted(rep, deal=typed)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["deal"] == acme and "deal_id" not in form.cleaned_data


def test_the_deal_is_optional(rep, acme):
    form = submitted(rep, deal="  ", deal_id="")
    assert form.is_valid() and form.cleaned_data["deal"] is None


def test_the_hidden_id_tells_apart_two_deals_with_the_same_label(rep, acme):
    twin = DealFactory(crm_id="006TWIN", name="Acme renewal", account="Acme Corp", owner=rep)
    without_id = submitted(rep, deal="Acme renewal — Acme Corp")
    assert not without_id.is_valid()
    assert without_id.errors["deal"] == [
        "Several of your open deals are called “Acme renewal — Acme Corp”: pick the one you mean from the list."
    ]
    for chosen in (acme, twin):
        form = submitted(rep, deal="Acme renewal — Acme Corp", deal_id=str(chosen.pk))
        assert form.is_valid() and form.cleaned_data["deal"] == chosen


def test_an_unknown_label_is_refused_on_the_deal_field_in_plain_words(rep, acme):
    form = submitted(rep, deal="Globex")
    assert not form.is_valid()
    assert form.errors["deal"] == [UNKNOWN.format("Globex")]
    assert list(form.errors) == ["deal"]


def test_a_manager_may_name_a_reps_deal_by_its_crm_id(manager, acme):
    form = submitted(manager, deal="006ACME")
    assert form.is_valid() and form.cleaned_data["deal"] == acme
    plus_one = SupportForm({"deal": "006ACME"}, user=manager)
    assert plus_one.is_valid() and plus_one.cleaned_data["deal"] == acme


def test_a_crm_id_of_a_deal_the_user_may_not_open_is_refused_like_one_that_does_not_exist(rep, acme, theirs):
    invisible = submitted(rep, deal="006THEIRS")
    missing = submitted(rep, deal="006NOSUCH")
    assert not invisible.is_valid() and not missing.is_valid()
    assert invisible.errors["deal"] == [UNKNOWN.format("006THEIRS")]
    assert missing.errors["deal"] == [UNKNOWN.format("006NOSUCH")]
    assert "Initech" not in " ".join(invisible.errors["deal"])


def test_the_hidden_id_of_a_deal_the_user_may_not_open_is_refused_even_with_its_label(rep, theirs):
    form = submitted(rep, deal=deal_label(theirs), deal_id=str(theirs.pk))
    assert not form.is_valid()
    assert form.errors["deal"] == [UNKNOWN.format("Initech migration")]


def test_the_hidden_id_counts_only_while_the_label_still_reads_as_that_deal(rep, acme):
    other = DealFactory(crm_id="006BETA", name="Beta pilot", account="Beta", owner=rep)
    form = submitted(rep, deal="Beta pilot — Beta", deal_id=str(acme.pk))
    assert form.is_valid() and form.cleaned_data["deal"] == other


def test_a_deal_prefilled_with_its_hidden_id_wins_over_an_own_deal_of_the_same_label(manager, acme):
    own = DealFactory(crm_id="006OWN", name="Acme renewal", account="Acme Corp", owner=manager)
    by_label = named_deal(user=manager, label="Acme renewal — Acme Corp", allowed=visible_deals(manager))
    assert by_label == own
    chosen = named_deal(user=manager, label="Acme renewal — Acme Corp", deal_id=acme.pk, allowed=visible_deals(manager))
    assert chosen == acme


@pytest.mark.parametrize(
    ("deal", "deal_id", "error"),
    [
        ("x" * 5000, "", "That is longer than any deal name: pick a deal from the list."),
        ("<script>alert(1)</script>", "", UNKNOWN.format("<script>alert(1)</script>")),
        ("' OR 1=1 --", "1 OR 1=1", UNKNOWN.format("' OR 1=1 --")),
        ("Globex", "9" * 40, UNKNOWN.format("Globex")),
        ("Globex", "²", UNKNOWN.format("Globex")),
        ("Globex", "-1", UNKNOWN.format("Globex")),
        ("Acme\x00", "", "Null characters are not allowed."),
    ],
)
def test_hostile_or_overlong_deal_input_is_a_clear_error_and_writes_nothing(rep_client, acme, deal, deal_id, error):
    response = rep_client.post(
        reverse("request-new"), {"title": "Hostile", "description": "Why.", "deal": deal, "deal_id": deal_id}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["deal"] == [error]
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not ContentRequest.objects.exists()


# The pages ---------------------------------------------------------------------------------------


def test_the_request_form_offers_the_reps_open_deals_by_label_and_shows_no_crm_id(rep_client, rep, acme, theirs):
    DealFactory(crm_id="006LOST", name="Lost cause", owner=rep, status="lost", close_date=datetime.date(2026, 1, 5))
    html = rep_client.get(reverse("request-new")).content.decode()
    assert '<option value="Acme renewal — Acme Corp" data-deal="' in html
    assert 'data-deal-picker="id_deal-id"' in html and 'name="deal_id"' in html
    assert "006ACME" not in html and "006THEIRS" not in html and "Lost cause" not in html
    assert "CRM id" not in html


def test_a_request_filed_from_the_page_with_a_deal_label_records_the_deal(rep_client, acme):
    response = rep_client.post(
        reverse("request-new"),
        {"title": "ROI calculator", "description": "CFOs ask.", "deal": "Acme renewal — Acme Corp", "deal_id": ""},
    )
    created = ContentRequest.objects.get()
    assert response.status_code == 302 and created.deal == acme


def test_a_refused_deal_is_shown_beside_the_field_with_what_was_typed(rep_client, acme):
    response = rep_client.post(reverse("request-new"), {"title": "ROI", "description": "Why.", "deal": "Globex"})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<p class="field-error" id="id_deal-error">' + UNKNOWN.format("Globex") in html
    assert 'value="Globex"' in html and 'aria-invalid="true"' in html


def test_the_request_page_names_its_deal_and_links_it_without_showing_its_crm_id(rep_client, rep, acme):
    request = ContentRequestFactory(requester=rep, deal=acme)
    html = rep_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert '<dt>Deal</dt><dd><a href="/deals/006ACME/">Acme renewal — Acme Corp</a></dd>' in html
    assert "006ACME" not in visible_text(html)
    assert "006ACME" not in html.replace('href="/deals/006ACME/"', "")


def test_the_plus_one_form_is_the_picker_and_records_the_deal(rep_client, rep, marketer, acme):
    request = ContentRequestFactory(requester=marketer)
    page = rep_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert 'data-deal-picker="support-deal-id"' in page and '<option value="Acme renewal — Acme Corp"' in page
    assert "006ACME" not in page and "CRM id" not in page
    refused = rep_client.post(reverse("request-support", args=[request.pk]), {"deal": "006THEIRS"}, follow=True)
    assert UNKNOWN.format("006THEIRS") in refused.content.decode()
    assert not RequestSupport.objects.exists()
    rep_client.post(reverse("request-support", args=[request.pk]), {"deal": "Acme renewal", "deal_id": str(acme.pk)})
    assert RequestSupport.objects.get().deal == acme


def test_a_link_naming_a_deal_by_crm_id_prefills_its_label_and_files_it(manager_client, acme):
    page = manager_client.get(reverse("request-new"), {"title": "Battle card", "deal": "006ACME"})
    form = page.context["form"]
    assert (form["deal"].value(), form["deal_id"].value()) == ("Acme renewal — Acme Corp", acme.pk)
    assert "006ACME" not in page.content.decode()
    response = manager_client.post(
        reverse("request-new"),
        {"title": "Battle card", "description": "Why.", "deal": form["deal"].value(), "deal_id": acme.pk},
    )
    assert response.status_code == 302 and ContentRequest.objects.get().deal == acme


def test_a_link_naming_a_deal_the_user_may_not_open_prefills_nothing_of_it(rep_client, theirs):
    form = rep_client.get(reverse("request-new"), {"deal": "006THEIRS"}).context["form"]
    assert (form["deal"].value(), form["deal_id"].value()) == ("006THEIRS", None)


def test_the_suggestions_answer_the_request_forms_own_field(rep_client, acme):
    html = rep_client.get(reverse("deal-autocomplete"), {"deal": "acme"}, HTTP_HX_REQUEST="true").content.decode()
    assert '<option value="Acme renewal — Acme Corp"' in html and "006ACME" not in html
