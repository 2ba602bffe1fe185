"""The API's model serializers work out their fields from the model once per class, and each
instance still gets fields of its own, bound to it."""

import pytest
from django.test import RequestFactory
from rest_framework import serializers
from rest_framework.request import Request

from content.api.assets import AssetSerializer
from content.api.deals import DealSerializer
from content.api.serializers import ModelSerializer
from content.api.usage import UsageSerializer

from .search_helpers import make_asset


def plain(serializer_class):
    """The same serializer on DRF's own ModelSerializer, which builds its fields every time."""
    return type(
        "Plain" + serializer_class.__name__,
        (serializer_class,),
        {"get_fields": serializers.ModelSerializer.get_fields},
    )


@pytest.mark.parametrize("serializer_class", [AssetSerializer, DealSerializer, UsageSerializer])
def test_fields_are_built_once_per_class(serializer_class, monkeypatch):
    serializer_class().fields  # noqa: B018 - the class's fields, built now if not yet
    built = []
    original = serializers.ModelSerializer.build_field
    monkeypatch.setattr(
        serializers.ModelSerializer, "build_field", lambda self, *a, **k: built.append(a[0]) or original(self, *a, **k)
    )
    first, second = serializer_class(), serializer_class()
    assert list(first.fields) == list(second.fields)
    assert built == []
    assert list(plain(serializer_class)().fields) == list(first.fields)
    assert built  # DRF's own builds them again for every instance
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second


def test_subclass_keeps_its_own_fields():
    class Narrow(ModelSerializer):
        class Meta:
            model = AssetSerializer.Meta.model
            fields = ["id", "title"]

    class Narrower(Narrow):
        class Meta(Narrow.Meta):
            fields = ["id"]

    assert list(Narrow().fields) == ["id", "title"]
    assert list(Narrower().fields) == ["id"]
    assert list(Narrow().fields) == ["id", "title"]


@pytest.mark.django_db
def test_output_and_validation_match_drfs_own():
    asset = make_asset(title="Pricing one-pager", body="Our pricing, explained.", tags=["pricing"])
    request = Request(RequestFactory().get("/api/v1/assets/", secure=True))
    kept = AssetSerializer(asset, context={"request": request}).data
    assert kept == plain(AssetSerializer)(asset, context={"request": request}).data
    assert kept["title"] == "Pricing one-pager" and kept["tags"] == ["pricing"]

    bad = {"kind": "no-such-kind", "title": "x" * 500}
    kept_errors = AssetSerializer(data=bad, context={"request": request})
    plain_errors = plain(AssetSerializer)(data=bad, context={"request": request})
    assert not kept_errors.is_valid() and not plain_errors.is_valid()
    assert kept_errors.errors == plain_errors.errors
    assert set(kept_errors.errors) >= {"kind", "title"}
