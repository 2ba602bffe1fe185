"""Vectors stay current: publishing embeds, unpublishing removes, an edit re-embeds only the
passages that changed, a new model re-embeds, big documents go to a background job, and a model
that cannot run never stops a save."""

import pytest

from content.assets import asset_transition
from content.models import AssetEmbedding, AssetStatus, BackgroundJob, Passage
from content.semantic.embedding import EMBEDDED, UNCHANGED, embed_asset

from .factories import AssetFactory

pytestmark = pytest.mark.django_db


def words(count: int, tag: str) -> str:
    return " ".join(f"{tag}{i}." if i % 12 == 11 else f"{tag}{i}" for i in range(count))


def test_publishing_an_asset_embeds_its_passages(counting_encoder, marketer):
    asset = AssetFactory(status=AssetStatus.DRAFT, title="Battle card against Acme", body=words(200, "b"))
    assert not Passage.objects.filter(asset=asset).exists()
    asset_transition(asset=asset, to_status=AssetStatus.PUBLISHED, actor=marketer)
    passages = list(Passage.objects.filter(asset=asset))
    assert [p.ordinal for p in passages] == [0, 1, 2]
    assert passages[0].text.startswith("Battle card against Acme")
    assert all(len(bytes(p.vector)) == 384 * 4 and p.model_version == "counting-1" for p in passages)
    state = AssetEmbedding.objects.get(asset=asset)
    assert state.passage_count == 3 and state.model_version == "counting-1" and state.error == ""


def test_unpublishing_or_archiving_removes_the_passages(counting_encoder, marketer):
    asset = AssetFactory(title="Pricing one-pager")
    assert Passage.objects.filter(asset=asset).count() == 2
    asset_transition(asset=asset, to_status=AssetStatus.ARCHIVED, actor=marketer)
    assert not Passage.objects.filter(asset=asset).exists()
    assert AssetEmbedding.objects.get(asset=asset).passage_count == 0


def test_an_edit_re_embeds_only_the_passages_that_changed(counting_encoder):
    asset = AssetFactory(title="Security overview", body=words(400, "s"))
    counting_encoder.encoded.clear()
    asset.summary = "A new summary."
    asset.save()
    assert len(counting_encoder.encoded) == 1  # the heading; the body's passages kept their vectors
    assert counting_encoder.encoded[0].startswith("Security overview\nA new summary.")


def test_a_save_that_changes_no_text_embeds_nothing(counting_encoder):
    asset = AssetFactory()
    counting_encoder.encoded.clear()
    asset.save()
    asset.usage_count = 3
    asset.save(update_fields=["usage_count"])
    assert counting_encoder.encoded == []


def test_a_new_model_version_re_embeds_everything(counting_encoder):
    asset = AssetFactory(body=words(50, "m"))
    counting_encoder.model_version = "counting-2"
    counting_encoder.encoded.clear()
    assert embed_asset(asset=asset) == EMBEDDED
    assert len(counting_encoder.encoded) == 2
    assert set(Passage.objects.filter(asset=asset).values_list("model_version", flat=True)) == {"counting-2"}
    assert embed_asset(asset=asset) == UNCHANGED


def test_identical_passage_text_reuses_the_stored_vector(counting_encoder):
    AssetFactory(title="Same title", summary="Same summary.", body="")
    counting_encoder.encoded.clear()
    AssetFactory(title="Same title", summary="Same summary.", body="")
    assert counting_encoder.encoded == []
    assert Passage.objects.filter(ordinal=0).count() == 2


def test_a_big_document_is_embedded_by_a_background_job(counting_encoder, settings, django_capture_on_commit_callbacks):
    settings.SEMANTIC_INLINE_PASSAGES = 5
    with django_capture_on_commit_callbacks(execute=True):
        asset = AssetFactory(body=words(180 * 8, "d"))
        assert not Passage.objects.filter(asset=asset).exists()  # not in the request
    job = BackgroundJob.objects.get(kind="embed_asset")
    assert job.params == {"asset_id": asset.pk} and job.status == "succeeded"  # jobs run inline in tests
    assert Passage.objects.filter(asset=asset).count() > 5


def test_file_extraction_refreshes_the_passages(counting_encoder):
    asset = AssetFactory(body="")
    asset.file_text = "Page one text.\fPage two text."
    asset.save(update_fields=["file_text", "updated_at"])
    assert list(Passage.objects.filter(asset=asset, ordinal__gt=0).values_list("page", "text")) == [
        (1, "Page one text."),
        (2, "Page two text."),
    ]


def test_without_a_model_the_asset_saves_and_the_reason_is_kept(semantic, monkeypatch):
    from content.semantic.encoder import EncoderUnavailable

    def unavailable():
        raise EncoderUnavailable("the model package is not installed")

    monkeypatch.setattr("content.semantic.encoder.get_encoder", unavailable)
    asset = AssetFactory(title="Saved anyway")
    assert asset.pk and not Passage.objects.filter(asset=asset).exists()
    assert AssetEmbedding.objects.get(asset=asset).error == "the model package is not installed"


def test_the_asset_page_tells_marketing_why_text_was_not_embedded(semantic, monkeypatch, client, marketer, rep):
    from content.semantic.encoder import EncoderUnavailable

    def unavailable():
        raise EncoderUnavailable("the model package is not installed")

    monkeypatch.setattr("content.semantic.encoder.get_encoder", unavailable)
    asset = AssetFactory(title="Saved anyway")
    note = "Text could not be embedded: the model package is not installed; the asset is still found by keywords."
    client.force_login(marketer)
    assert note in client.get(asset.get_absolute_url()).content.decode()
    client.force_login(rep)
    assert note not in client.get(asset.get_absolute_url()).content.decode()
