"""Keeping the search index in step: the document of an asset includes its own text and the names
of its tags, personas and competitors, so saves, M2M changes and renames all refresh it."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from ..caching import library_changed
from . import postgres, sqlite

TEXT_FIELDS = frozenset({"title", "summary", "body", "file_text"})


def backend():
    """The search backend of the database in use."""
    return postgres if connection.vendor == "postgresql" else sqlite


def _asset_content_type_id():
    from ..models import Asset

    return ContentType.objects.get_for_model(Asset).pk


def update_index(asset_ids) -> None:
    """Refresh the index rows of these assets (one statement per index table)."""
    asset_ids = [pk for pk in asset_ids if pk is not None]
    if asset_ids:
        backend().update_index(asset_ids, _asset_content_type_id())
        library_changed()


def rebuild_index() -> None:
    """Rebuild the whole index in one SQL statement per index table: for bulk loads."""
    backend().update_index(None, _asset_content_type_id())
    library_changed()


# Signal receivers, connected from content/signals.py ---------------------------------------------


def asset_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if update_fields is not None and not (set(update_fields) & TEXT_FIELDS):
        return  # e.g. a support-figure or status-only save: the document did not change
    update_index([instance.pk])


def asset_relations_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """M2M changes of stages, personas, competitors or tags, from either side."""
    from ..models import Asset

    if not isinstance(instance, Asset) and model is not Asset:
        return
    if action == "pre_clear" and not isinstance(instance, Asset):
        instance._search_assets_before_clear = list(_assets_of_term(instance))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Asset):
        update_index([instance.pk])
    elif action == "post_clear":
        update_index(getattr(instance, "_search_assets_before_clear", []))
    else:
        update_index(list(pk_set or []))


def _assets_of_term(term):
    """The ids of the assets labelled with a persona, competitor or tag."""
    from taggit.models import Tag, TaggedItem

    if isinstance(term, Tag):
        return TaggedItem.objects.filter(tag=term, content_type_id=_asset_content_type_id()).values_list(
            "object_id", flat=True
        )
    return term.assets.values_list("pk", flat=True)


def term_renamed(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw:
        update_index(list(_assets_of_term(instance)))


def term_deleting(sender, instance, **kwargs):
    instance._search_assets_before_delete = list(_assets_of_term(instance))


def term_deleted(sender, instance, **kwargs):
    update_index(getattr(instance, "_search_assets_before_delete", []))
