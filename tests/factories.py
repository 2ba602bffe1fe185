"""factory_boy factories for the domain, with sensible defaults so a test states only what matters."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from content import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class CompetitorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Competitor
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Rival {n}")


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Asset
        skip_postgeneration_save = True

    kind = models.AssetKind.ONE_PAGER
    title = factory.Sequence(lambda n: f"Asset {n}")
    summary = "A short summary."
    body = "Some **Markdown** body."
    status = models.AssetStatus.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    owner = factory.SubFactory(UserFactory, groups=["Marketing"])


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Deal

    crm_id = factory.Sequence(lambda n: f"006TEST{n:06d}")
    name = factory.Sequence(lambda n: f"Deal {n}")
    account = "Acme Corp"
    amount = Decimal("10000.00")
    status = models.DealStatus.OPEN
    close_date = None


class UsageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Usage

    asset = factory.SubFactory(AssetFactory)
    deal = factory.SubFactory(DealFactory)
    user = factory.SubFactory(UserFactory, groups=["Sales"])
    action = models.UsageAction.SHARED


class ContentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ContentRequest

    title = factory.Sequence(lambda n: f"Need content {n}")
    description = "Buyers keep asking for this."
    requester = factory.SubFactory(UserFactory, groups=["Sales"])
