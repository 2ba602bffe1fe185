"""The text extracted from an asset's file (a whole document: megabytes for a long PDF) is searched,
never shown: the pages and API calls that show or use an asset do not read it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import Asset, Usage

from .factories import DealFactory
from .search_helpers import make_asset

pytestmark = pytest.mark.django_db

DOCUMENT = "pricing " * 50_000  # 400 kB of extracted text


@pytest.fixture
def asset(marketer):
    asset = make_asset(title="Pricing sheet", tags=["pricing"], stages=["evaluating"])
    Asset.objects.filter(pk=asset.pk).update(file_text=DOCUMENT)
    return asset


@pytest.fixture
def deal(rep):
    return DealFactory(owner=rep, crm_id="OPP-1", name="Acme renewal")


def _reads_file_text(queries) -> list[str]:
    return [q["sql"][:300] for q in queries if '"file_text"' in q["sql"]]


def _requests(asset, deal):
    return {
        "asset page": lambda c, api: c.get(f"/assets/{asset.pk}/"),
        "the I-used-this box": lambda c, api: c.post(
            f"/assets/{asset.pk}/use/", {"deal_name": deal.name, "deal_id": deal.pk, "action": "shared"}
        ),
        "asset API": lambda c, api: api.get(f"/api/v1/assets/{asset.pk}/"),
        "asset list API": lambda c, api: api.get("/api/v1/assets/"),
        "search API": lambda c, api: api.get("/api/v1/assets/", {"q": "pricing"}),
        "usage API": lambda c, api: api.post(
            "/api/v1/usage/", {"asset": asset.pk, "deal": deal.crm_id, "action": "shared"}, format="json"
        ),
    }


REQUESTS = ("asset page", "the I-used-this box", "asset API", "asset list API", "search API", "usage API")


@pytest.mark.parametrize("name", REQUESTS)
def test_showing_or_using_an_asset_does_not_read_its_files_text(name, asset, deal, rep_client, rep_api):
    with CaptureQueriesContext(connection) as queries:
        response = _requests(asset, deal)[name](rep_client, rep_api)

    assert response.status_code in (200, 201, 302), response.content[:300]
    if name == "search API":
        assert response.json()["results"][0]["id"] == asset.pk  # found by its words all the same
    assert not [sql for sql in _reads_file_text(queries) if sql.lstrip().upper().startswith("SELECT")]


def test_the_use_is_logged_all_the_same(asset, deal, rep_api):
    rep_api.post("/api/v1/usage/", {"asset": asset.pk, "deal": deal.crm_id, "action": "shared"}, format="json")

    assert Usage.objects.filter(asset=asset, deal=deal).count() == 1
    assert Asset.objects.get(pk=asset.pk).file_text == DOCUMENT


def test_every_request_listed_is_checked():
    assert tuple(_requests(None, None)) == REQUESTS
