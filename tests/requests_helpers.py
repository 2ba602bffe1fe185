"""Helpers for the content-request tests: a request in any status, and the extras each target
status needs."""

from decimal import Decimal

import pytest

from content.models import RequestStatus

from .factories import AssetFactory, ContentRequestFactory, DealFactory


def request_in(status, **fields):
    """A request already in `status` (a duplicate points at a fresh original)."""
    if status == RequestStatus.DUPLICATE and "duplicate_of" not in fields:
        fields["duplicate_of"] = ContentRequestFactory()
    return ContentRequestFactory(status=status, **fields)


def extras_for(to_status):
    """The keyword arguments `request_transition` needs to reach `to_status`."""
    if to_status == RequestStatus.DECLINED:
        return {"decline_reason": "We have this already."}
    if to_status == RequestStatus.DUPLICATE:
        return {"duplicate_of": ContentRequestFactory()}
    if to_status == RequestStatus.DELIVERED:
        return {"delivered_asset": AssetFactory()}
    return {}


def open_deal(amount):
    return DealFactory(amount=Decimal(amount))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users get a password each; the production hasher would make these tests crawl."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
