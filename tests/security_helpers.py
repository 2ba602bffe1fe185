"""Shared set-up for the security tests: one small world with an object of each kind, owned by the
right people, so that every URL with a <pk>/<crm_id> can be addressed with a real object."""

import datetime
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from content.models import AssetStatus, BackgroundJob, CalendarFeed, DealStatus, RequestStatus, SearchLog

from .assets_helpers import pdf_bytes
from .factories import AssetFactory, ContentRequestFactory, DealFactory, UserFactory

PERSONAS = ("anonymous", "rep", "marketer", "manager", "outsider")


def build_world(*, rep, other_rep, marketer, manager, outsider):
    """Objects for every routed parameter. MEDIA_ROOT must already point at a temporary folder."""
    asset_owner = UserFactory(username="owner-marketer", groups=["Marketing"])
    published = AssetFactory(title="Published deck", owner=asset_owner)
    published.file.save("deck.pdf", ContentFile(pdf_bytes("hello")), save=True)
    published.tags.add("pricing")
    draft = AssetFactory(title="Draft deck", status=AssetStatus.DRAFT, published_at=None, owner=asset_owner)
    rep_deal = DealFactory(owner=rep, name="Rep deal")
    other_deal = DealFactory(owner=other_rep, name="Other rep deal")
    rep_request = ContentRequestFactory(requester=rep, title="Rep open request")
    other_open = ContentRequestFactory(requester=other_rep, title="Other open request")
    other_closed = ContentRequestFactory(
        requester=other_rep,
        title="Other closed request",
        status=RequestStatus.DECLINED,
        decline_reason="Not now.",
    )
    rep_job = BackgroundJob.objects.create(kind="import_deals", created_by=rep, message="Rep's import")
    search_log = SearchLog.objects.create(user=rep, query="pricing", result_count=1)
    rep_feed = CalendarFeed.objects.create(user=rep)
    other_feed = CalendarFeed.objects.create(user=other_rep)
    return SimpleNamespace(
        users={"rep": rep, "marketer": marketer, "manager": manager, "outsider": outsider},
        rep=rep,
        other_rep=other_rep,
        marketer=marketer,
        manager=manager,
        outsider=outsider,
        published=published,
        draft=draft,
        rep_deal=rep_deal,
        other_deal=other_deal,
        rep_request=rep_request,
        other_open=other_open,
        other_closed=other_closed,
        rep_job=rep_job,
        search_log=search_log,
        rep_feed=rep_feed,
        other_feed=other_feed,
        today=timezone.localdate(),
        won=DealStatus.WON,
        in_a_week=(timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
    )


def matrix_cases(rows):
    """One test case per (row, persona) of a permission matrix: rows of (name, method, url, data,
    {persona: expected status})."""
    import pytest

    return [
        pytest.param(method, url, data, persona, expected[persona], id=f"{name} as {persona}")
        for name, method, url, data, expected in rows
        for persona in PERSONAS
    ]


def client_for(persona, world, **kwargs):
    """A test client signed in as the persona (anonymous: not signed in)."""
    client = Client(**kwargs)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    return client


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")
