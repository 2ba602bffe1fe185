"""The permission matrix: each persona × each page kind, allowed or refused, in one place."""

import pytest
from django.urls import reverse

from content.permissions import RULES, can, visible_assets

from .factories import AssetFactory

pytestmark = pytest.mark.django_db

ROLE_EXPECTATIONS = {
    # action: (rep, marketer, manager, outsider)
    "view_library": (True, True, True, False),
    "log_usage": (True, True, True, False),
    "submit_request": (True, True, True, False),
    "view_unpublished_assets": (False, True, True, False),
    "edit_assets": (False, True, False, False),
    "triage_requests": (False, True, False, False),
    "plan_calendar": (False, True, False, False),
    "view_reports": (False, True, True, False),
    "import_deals": (False, False, True, False),
    "manage_users": (False, False, True, False),
    "use_slack": (True, True, True, False),
    "configure_slack_channels": (False, False, True, False),
}


@pytest.mark.parametrize("action", sorted(ROLE_EXPECTATIONS))
def test_each_role_may_do_exactly_its_actions(action, rep, marketer, manager, outsider):
    got = tuple(can(user, action) for user in (rep, marketer, manager, outsider))
    assert got == ROLE_EXPECTATIONS[action]


def test_every_rule_is_known_and_anonymous_may_do_nothing(client):
    from django.contrib.auth.models import AnonymousUser

    assert all(not can(AnonymousUser(), action) for action in RULES)
    with pytest.raises(KeyError):
        can(AnonymousUser(), "fly")


def test_a_superuser_may_do_everything(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-long-enough-123")
    assert all(can(admin, action) for action in RULES)


def test_reps_see_released_assets_only_and_marketers_also_drafts(rep, marketer):
    published = AssetFactory()
    draft = AssetFactory(status="draft")
    assert list(visible_assets(rep)) == [published]
    assert set(visible_assets(marketer)) == {published, draft}


def test_the_assets_a_user_may_open_are_the_visible_ones_whole_list_or_one_by_one(rep, marketer, outsider):
    """openable_assets (a page in hand) and can_open_asset (one asset) give what visible_assets
    lists: the same rule, for released, draft, archived, scheduled and expired assets."""
    import datetime

    from django.utils import timezone

    from content.permissions import can_open_asset, openable_assets

    now = timezone.now()
    assets = [
        AssetFactory(),
        AssetFactory(status="draft"),
        AssetFactory(status="archived"),
        AssetFactory(published_at=now + datetime.timedelta(hours=2)),
        AssetFactory(published_at=now - datetime.timedelta(days=3), expires_on=timezone.localdate(now)),
        AssetFactory(expires_on=timezone.localdate(now) + datetime.timedelta(days=1)),
    ]
    for user in (rep, marketer, outsider):
        visible = set(visible_assets(user).values_list("pk", flat=True))
        assert [a.pk for a in openable_assets(user, assets)] == [a.pk for a in assets if a.pk in visible]
        assert [can_open_asset(user, a) for a in assets] == [a.pk in visible for a in assets]
    assert [a.pk for a in openable_assets(rep, assets)] == [assets[0].pk, assets[5].pk]
    assert openable_assets(marketer, assets) == assets and openable_assets(outsider, assets) == []


PAGES = [
    # (url name, args, (rep, marketer, manager, outsider))
    ("library", [], (200, 200, 200, 403)),
    ("definitions", [], (200, 200, 200, 403)),
    ("people", [], (403, 403, 200, 403)),
    ("slack-settings", [], (200, 200, 200, 403)),
]


@pytest.mark.parametrize("name,args,expected", PAGES)
def test_page_matrix(client, persona_users, name, args, expected):
    url = reverse(name, args=args)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    for persona, status in zip(["rep", "marketer", "manager", "outsider"], expected, strict=True):
        client.force_login(persona_users[persona])
        assert client.get(url).status_code == status, persona


def test_a_rep_cannot_open_a_draft_but_a_marketer_can(client, rep, marketer):
    draft = AssetFactory(status="draft")
    client.force_login(rep)
    assert client.get(draft.get_absolute_url()).status_code == 403
    client.force_login(marketer)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_the_admin_is_for_staff_only(rep_client):
    response = rep_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_api_refuses_anonymous_callers(client):
    assert client.get("/api/schema/").status_code in (401, 403)
