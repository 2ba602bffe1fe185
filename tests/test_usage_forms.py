"""The two usage forms of the pages: the asset page's "I used this" box and the deal page's "log what
I used". A deal is picked by its name and account, never by CRM id; a refusal comes back with each
message beside its field and every value kept (the whole page without JavaScript, the form alone
under htmx, both 400); a success under htmx also updates the page's figures out of band."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from content.deal_picker import deal_label, picked_deal, suggested_deals
from content.models import AssetKind, Usage

from .factories import AssetFactory, DealFactory, UsageFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element that has an id."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.open: list[tuple[str, str | None]] = []
        self.texts: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in self.VOID:
            self.open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.texts.setdefault(attributes["id"], "")

    def handle_endtag(self, tag):
        while self.open:
            name, _ = self.open.pop()
            if name == tag:
                break

    def handle_data(self, data):
        for _, element_id in self.open:
            if element_id:
                self.texts[element_id] += data


def parsed(response_or_html) -> _Elements:
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    parser = _Elements()
    parser.feed(html)
    return parser


def field(page: _Elements, name: str) -> dict:
    return next(attrs for tag, attrs in page.tags if attrs.get("name") == name and tag in ("input", "select"))


def described_by(page: _Elements, attrs: dict) -> str:
    """The text of every element the field's aria-describedby names."""
    return " ".join(page.texts.get(i, "") for i in attrs.get("aria-describedby", "").split())


def visible_text(html: str) -> str:
    """What a reader sees: the text, without tags and their attributes."""
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def deal(rep):
    return DealFactory(crm_id="006ACME", name="Acme renewal", account="Acme Corp", owner=rep)


@pytest.fixture
def asset():
    return AssetFactory(title="ROI one-pager", kind=AssetKind.ONE_PAGER)


def use_url(asset):
    return reverse("asset-use", args=[asset.pk])


# The deal picker -----------------------------------------------------------------------------------


def test_a_deal_is_named_by_its_name_and_account(deal):
    assert deal_label(deal) == "Acme renewal — Acme Corp"
    assert deal_label(DealFactory(name="No account", account="")) == "No account"
    assert deal_label(DealFactory(name="Acme Corp - Expansion", account="Acme Corp")) == "Acme Corp - Expansion"


def test_the_picker_finds_a_deal_by_its_label_or_its_name_whatever_the_case(rep, deal):
    assert picked_deal(user=rep, label="Acme renewal — Acme Corp") == deal
    assert picked_deal(user=rep, label="  acme RENEWAL  ") == deal


def test_the_picker_refuses_an_unknown_deal_and_says_what_to_do(rep, deal):
    with pytest.raises(ValidationError) as refused:
        picked_deal(user=rep, label="Globex expansion")
    assert refused.value.message_dict == {
        "deal": [
            "None of your open deals is called “Globex expansion”. "
            "Type part of its name or account and pick it from the list."
        ]
    }


def test_two_deals_with_one_name_need_the_account_or_the_chosen_option(rep, deal):
    other = DealFactory(name="Acme renewal", account="Acme Europe", owner=rep)
    with pytest.raises(ValidationError) as refused:
        picked_deal(user=rep, label="Acme renewal")
    assert "Several of your open deals are called “Acme renewal”" in refused.value.message_dict["deal"][0]
    assert picked_deal(user=rep, label="Acme renewal — Acme Europe") == other
    # Same name and account: the option the rep chose (its id, set by the picker's script) decides.
    twin = DealFactory(name="Acme renewal", account="Acme Corp", owner=rep)
    assert picked_deal(user=rep, label="Acme renewal — Acme Corp", deal_id=str(twin.pk)) == twin
    assert picked_deal(user=rep, label="Acme renewal — Acme Corp", deal_id=str(deal.pk)) == deal


def test_a_chosen_id_counts_only_for_an_open_deal_of_the_rep_that_still_reads_the_same(rep, other_rep, deal):
    theirs = DealFactory(name="Theirs", account="Acme Corp", owner=other_rep)
    with pytest.raises(ValidationError):
        picked_deal(user=rep, label="Theirs — Acme Corp", deal_id=str(theirs.pk))
    other = DealFactory(name="Beta pilot", owner=rep)
    # The rep chose Beta pilot, then typed another deal's name: the text wins.
    assert picked_deal(user=rep, label="Acme renewal", deal_id=str(other.pk)) == deal
    assert picked_deal(user=rep, label="Acme renewal", deal_id="not a number") == deal


def test_the_picker_offers_only_the_users_open_deals_by_name_account_or_label(rep, other_rep, deal):
    DealFactory(name="Closed Acme", owner=rep, status="won", close_date="2026-01-01")
    DealFactory(name="Their Acme", owner=other_rep)
    assert suggested_deals(rep, "acme") == [deal]
    assert suggested_deals(rep, "Acme Corp") == [deal]
    assert suggested_deals(rep, "Acme renewal — Acme Corp") == [deal]  # what a chosen option reads


# The "I used this" box -----------------------------------------------------------------------------


def test_without_javascript_a_refusal_is_the_asset_page_again_with_the_message_beside_the_deal(rep_client, deal, asset):
    values = {"deal_name": "Globex expansion", "deal_id": "", "action": "presented", "helpful": "4", "note": "Q3"}
    response = rep_client.post(use_url(asset), values)
    assert response.status_code == 400
    assert "assets/detail.html" in [t.name for t in response.templates]  # the whole page
    page = parsed(response)
    deal_field = field(page, "deal_name")
    assert deal_field["aria-invalid"] == "true"
    assert "None of your open deals is called “Globex expansion”" in described_by(page, deal_field)
    assert deal_field["value"] == "Globex expansion"
    assert field(page, "note")["value"] == "Q3"
    assert ("option", {"value": "4", "selected": None}) in page.tags
    assert ("input", {"type": "radio", "name": "action", "value": "presented", "required": None, "checked": None}) in [
        (tag, attrs) for tag, attrs in page.tags if attrs.get("name") == "action" and "checked" in attrs
    ]
    assert not Usage.objects.exists()


def test_under_htmx_a_refusal_is_the_box_alone_with_the_message_and_the_values(rep_client, deal, asset):
    response = rep_client.post(
        use_url(asset), {"deal_name": "Globex expansion", "action": "sent", "note": "kept"}, **HTMX
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html and f'id="used-this-{asset.pk}"' in html
    page = parsed(html)
    deal_field = field(page, "deal_name")
    assert "None of your open deals is called “Globex expansion”" in described_by(page, deal_field)
    assert deal_field["value"] == "Globex expansion" and "autofocus" in deal_field
    assert field(page, "note")["value"] == "kept"
    assert "Nothing was logged" in html


def test_the_box_never_offers_buyer_viewed_which_only_tracked_links_record(rep_client, deal, asset):
    html = rep_client.get(use_url(asset)).content.decode()
    offered = [attrs["value"] for tag, attrs in parsed(html).tags if attrs.get("name") == "action"]
    assert offered == ["shared", "presented", "sent"]


def test_a_bad_rating_is_shown_beside_the_rating(rep_client, deal, asset):
    response = rep_client.post(
        use_url(asset), {"deal_name": "Acme renewal", "action": "shared", "helpful": "9"}, **HTMX
    )
    assert response.status_code == 400
    page = parsed(response)
    helpful = field(page, "helpful")
    assert helpful["aria-invalid"] == "true"
    assert described_by(page, helpful).strip() == "Helpful is a number from 1 to 5."
    assert "aria-invalid" not in field(page, "deal_name")
    assert field(page, "deal_name")["value"] == "Acme renewal"


@pytest.mark.django_db(transaction=True)
def test_a_use_logged_under_htmx_updates_the_assets_figures_out_of_band(client):
    # On its own connection's commits, as in production: the stored figures are refreshed when the
    # use commits, before the answer is rendered.
    from django.contrib.auth.models import Group

    from content.permissions import ROLE_GROUPS

    for name in ROLE_GROUPS:  # a transactional test before this one may have flushed the seeded groups
        Group.objects.get_or_create(name=name)
    rep = UserFactory(username="figures-rep", groups=["Sales"])
    deal = DealFactory(name="Acme renewal", account="Acme Corp", owner=rep)
    asset = AssetFactory(title="ROI one-pager", kind=AssetKind.ONE_PAGER)
    UsageFactory(asset=asset, deal=DealFactory(owner=rep), user=rep)
    client.force_login(rep)
    response = client.post(
        use_url(asset), {"deal_name": deal_label(deal), "deal_id": str(deal.pk), "action": "shared"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Logged: shared in Acme renewal" in html
    figures = re.search(r'<section class="card" id="asset-figures"[^>]*hx-swap-oob="true".*?</section>', html, re.S)
    assert figures, "the figures come along, swapped out of band"
    text = " ".join(visible_text(figures.group(0)).split())
    assert "Uses 2" in text and "Deals 2" in text
    page = parsed(html)
    assert field(page, "deal_name").get("value", "") == ""  # a fresh form for the next use


def test_a_use_logged_without_javascript_goes_back_to_the_asset_page(rep_client, deal, asset):
    response = rep_client.post(use_url(asset), {"deal_name": "Acme renewal — Acme Corp", "action": "sent"})
    assert response.status_code == 302 and response["Location"] == asset.get_absolute_url()
    assert Usage.objects.get().deal == deal


@pytest.mark.parametrize("hidden", ["²", "٣", "9" * 40])
def test_a_hidden_id_that_is_no_plain_number_is_ignored_and_the_label_names_the_deal(rep_client, deal, asset, hidden):
    response = rep_client.post(use_url(asset), {"deal_name": "Acme renewal", "deal_id": hidden, "action": "sent"})
    assert response.status_code == 302 and Usage.objects.get().deal == deal


def test_the_rep_never_sees_a_crm_id_in_the_box_its_options_or_its_errors(rep_client, rep, deal, asset):
    DealFactory(crm_id="006BETA", name="Beta pilot", account="Beta", owner=rep)
    answers = [
        rep_client.get(asset.get_absolute_url()),
        rep_client.get(use_url(asset)),
        rep_client.get(reverse("deal-autocomplete"), {"deal_name": "a"}),
        rep_client.post(use_url(asset), {"deal_name": "Acme", "action": "shared"}, **HTMX),
        rep_client.post(use_url(asset), {"deal_name": "Nope", "action": "shared"}),
    ]
    for answer in answers:
        html = answer.content.decode()
        assert "006ACME" not in html and "006BETA" not in html
    box = answers[1].content.decode()
    assert '<option value="Acme renewal — Acme Corp" data-deal="' in box
    assert "CRM" not in box


def test_a_crm_id_typed_into_the_picker_is_not_a_deal_name(rep_client, deal, asset):
    response = rep_client.post(use_url(asset), {"deal_name": "006ACME", "action": "shared"}, **HTMX)
    assert response.status_code == 400 and not Usage.objects.exists()


def test_the_api_still_takes_the_deals_crm_id(rep_api, deal, asset):
    response = rep_api.post("/api/v1/usage/", {"asset": asset.pk, "deal": "006ACME", "action": "shared"}, format="json")
    assert response.status_code == 201 and response.json()["deal"] == "006ACME"
    unknown = rep_api.post("/api/v1/usage/", {"asset": asset.pk, "deal": "NOPE", "action": "shared"}, format="json")
    assert unknown.status_code == 400 and "No deal with this CRM id." in json.dumps(unknown.json())


def test_htmx_swaps_a_400_or_422_answer_and_leaves_other_errors_to_the_error_handler(rep_client, asset):
    html = rep_client.get(asset.get_absolute_url()).content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html).group(1))
    rules = config["responseHandling"]

    def rule_for(status):
        return next(rule for rule in rules if re.search(rule["code"], str(status)))

    assert rule_for(400) == rule_for(422) == {"code": "400|422", "swap": True, "error": False}
    assert rule_for(403)["swap"] is False and rule_for(500)["error"] is True
    assert rule_for(204)["swap"] is False and rule_for(200)["swap"] is True


# The deal page's "log what I used" ----------------------------------------------------------------


def log_url(deal):
    return reverse("deal-log-usage", args=[deal.crm_id])


def test_without_javascript_a_refused_log_is_the_deal_page_with_the_message_and_the_values(rep_client, deal):
    good, draft = AssetFactory(title="Good deck"), AssetFactory(title="Draft", status="draft")
    values = {"assets": [good.pk, draft.pk], "action": "presented", "helpful": "5", "note": "kept"}
    response = rep_client.post(log_url(deal), values)
    assert response.status_code == 400
    assert "deals/detail.html" in [t.name for t in response.templates]
    page = parsed(response)
    assert f"No asset with id {draft.pk} that you can open." in page.texts["log-assets-error"]
    fieldset = next(attrs for tag, attrs in page.tags if tag == "fieldset" and attrs.get("aria-describedby"))
    assert fieldset["aria-describedby"] == "log-assets-error"
    ticked = [attrs["value"] for tag, attrs in page.tags if attrs.get("name") == "assets" and "checked" in attrs]
    assert ticked == [str(good.pk)]  # the one the rep may log stays ticked
    assert field(page, "note")["value"] == "kept"
    assert ("option", {"value": "5", "selected": None}) in page.tags
    assert not Usage.objects.exists()


def test_under_htmx_a_refused_log_is_the_form_alone(rep_client, deal):
    response = rep_client.post(log_url(deal), {"action": "shared", "note": "kept"}, **HTMX)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" not in html and 'id="deal-log-usage"' in html
    page = parsed(html)
    assert page.texts["log-assets-error"].strip() == "Choose at least one asset."
    assert field(page, "note")["value"] == "kept"


def test_a_log_under_htmx_updates_the_used_assets_and_the_timeline_out_of_band(rep_client, deal):
    deck = AssetFactory(title="Pricing deck")
    response = rep_client.post(log_url(deal), {"assets": [deck.pk], "action": "shared"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Logged 1 asset in Acme renewal." in html
    used = re.search(r'<section class="card" id="deal-used-assets"[^>]*hx-swap-oob="true".*?</section>', html, re.S)
    timeline = re.search(r'<section class="card" id="deal-timeline"[^>]*hx-swap-oob="true".*?</section>', html, re.S)
    assert used and "Pricing deck" in used.group(0) and "1 use" in used.group(0)
    assert timeline and "Pricing deck" in timeline.group(0)
    assert Usage.objects.filter(deal=deal, asset=deck).count() == 1


def test_the_log_form_shows_no_crm_id_to_the_rep(rep_client, deal):
    html = rep_client.get(deal.get_absolute_url()).content.decode()
    form = re.search(r'<section class="card" id="deal-log-usage".*?</section>', html, re.S).group(0)
    assert "006ACME" not in visible_text(form)
    refused = rep_client.post(log_url(deal), {"action": "shared"}, **HTMX).content.decode()
    assert "006ACME" not in visible_text(refused)


@pytest.mark.parametrize("count", [1, 12])
def test_a_refused_box_runs_a_constant_number_of_queries(rep_client, rep, asset, count, django_assert_num_queries):
    DealFactory.create_batch(count, owner=rep)
    # session, user, roles, the asset, the picker's lookup by label, the rep's open deals for the
    # options again (6)
    with django_assert_num_queries(6):
        assert rep_client.post(use_url(asset), {"deal_name": "Nope", "action": "shared"}, **HTMX).status_code == 400
