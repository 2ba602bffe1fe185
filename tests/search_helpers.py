"""Builders shared by the search, library and assets API tests."""

import datetime

from django.utils import timezone

from content.models import AssetKind, AssetStatus, Competitor, Persona

from .factories import AssetFactory, UserFactory


def asset_owner():
    """One marketer owns the test assets (created once: hashing a password is slow)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username="owner").first() or UserFactory(
        username="owner", groups=["Marketing"]
    )


def make_asset(*, tags=(), personas=(), competitors=(), stages=(), owner=None, **fields):
    fields.setdefault("owner", owner or asset_owner())
    asset = AssetFactory(**fields)
    if tags:
        asset.tags.add(*tags)
    if personas:
        asset.personas.add(*Persona.objects.filter(slug__in=personas))
    if competitors:
        asset.competitors.add(*[Competitor.objects.get_or_create(name=name)[0] for name in competitors])
    if stages:
        from content.models import FunnelStage

        asset.stages.add(*FunnelStage.objects.filter(slug__in=stages))
    return asset


def make_pricing_sheets(numbers):
    """Labelled assets for query-count tests: each with its own tag and competitor, so that every
    taxonomy read would grow with the page if it were done per asset."""
    for i in numbers:
        make_asset(
            title=f"Pricing sheet {i}",
            tags=[f"t{i}"],
            stages=["evaluating"],
            personas=["economic-buyer"],
            competitors=[f"Rival {i}"],
        )


def corpus():
    """A small library where every search feature has something to find and something to miss."""
    now = timezone.now()
    return {
        "pricing_card": make_asset(
            kind=AssetKind.BATTLE_CARD,
            title="Battle card: Globex pricing",
            summary="How we win when Globex undercuts us.",
            body="Globex priced their plan low last quarter.",
            competitors=["Globex"],
            tags=["pricing"],
            stages=["evaluating"],
            personas=["economic-buyer"],
        ),
        "objection": make_asset(
            kind=AssetKind.OBJECTION,
            title="Pricing objection: it costs too much",
            summary="The answer when a buyer says we are too expensive.",
            body="Quantify the cost of waiting, then share the security review of a bank.",
            stages=["evaluating"],
            personas=["economic-buyer"],
        ),
        "security": make_asset(
            kind=AssetKind.CASE_STUDY,
            title="How a bank passed its security review in two weeks",
            summary="A case study for the technical evaluator.",
            body="Legacy systems were replaced.",
            tags=["telecom"],
            stages=["interested"],
            personas=["technical-evaluator"],
        ),
        "initech": make_asset(
            kind=AssetKind.COMPARISON_GUIDE,
            title="Us vs Initech: onboarding compared",
            summary="Side by side.",
            body="Onboarding takes days, not months.",
            competitors=["Initech"],
            stages=["evaluating"],
        ),
        "review_of": make_asset(
            kind=AssetKind.ONE_PAGER,
            title="One-pager for the review board",
            summary="A review of security posture.",
            body="Nothing else here.",
            stages=["engaged"],
        ),
        "draft": make_asset(
            kind=AssetKind.BATTLE_CARD,
            title="Draft battle card on pricing",
            status=AssetStatus.DRAFT,
            published_at=None,
            competitors=["Globex"],
            stages=["evaluating"],
        ),
        "future": make_asset(
            kind=AssetKind.ONE_PAGER,
            title="Future pricing one-pager",
            published_at=now + datetime.timedelta(days=5),
            stages=["evaluating"],
        ),
        "expired": make_asset(
            kind=AssetKind.DECK,
            title="Expired pricing deck",
            expires_on=timezone.localdate() - datetime.timedelta(days=1),
            stages=["evaluating"],
        ),
    }
