"""Signal receivers that keep derived data in step (report cache version, search index)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from .caching import library_changed, reports_changed
from .models import (
    Asset,
    Competitor,
    ContentRequest,
    Deal,
    FunnelStage,
    Persona,
    RequestEvent,
    RequestSupport,
    ShareLink,
    Usage,
)
from .search import indexing
from .semantic import embedding


@receiver([post_save, post_delete], sender=Usage)
@receiver([post_save, post_delete], sender=Deal)
@receiver([post_save, post_delete], sender=RequestSupport)
@receiver([post_save, post_delete], sender=FunnelStage)
@receiver([post_save, post_delete], sender=Persona)
@receiver([post_save, post_delete], sender=Competitor)
@receiver([post_save, post_delete], sender=Asset)
@receiver([post_save, post_delete], sender=ContentRequest)
@receiver([post_save, post_delete], sender=RequestEvent)
@receiver([post_save, post_delete], sender=ShareLink)
def invalidate_reports(sender, **kwargs):
    # Inside a transaction reports_changed says it again when that commits: a link's assets, which
    # adoption counts by kind, are written after the link. A buyer's view logs a Usage.
    reports_changed()


@receiver([post_save, post_delete], sender=Asset)
def invalidate_searches(sender, **kwargs):
    # status, dates, kind, owner: what a search lists and ranks (text changes also pass the index)
    library_changed()


@receiver([post_save, post_delete], sender=FunnelStage)
def invalidate_searches_on_stage(sender, **kwargs):
    # a stage's slug and its place in the funnel are shown with each asset of a search's page,
    # which is kept by the library version (content/api/representations.py); its name is not searched
    library_changed()


@receiver(m2m_changed, sender=Asset.stages.through)
@receiver(m2m_changed, sender=Asset.personas.through)
@receiver(m2m_changed, sender=Asset.competitors.through)
@receiver(m2m_changed, sender=Deal.personas.through)
@receiver(m2m_changed, sender=Deal.competitors.through)
def invalidate_reports_on_taxonomy(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        reports_changed()


post_save.connect(indexing.asset_saved, sender=Asset, dispatch_uid="search_asset_saved")
# After the keyword index: passages and vectors of published assets (content/semantic/embedding.py).
post_save.connect(embedding.asset_saved, sender=Asset, dispatch_uid="semantic_asset_saved")
for _through in (Asset.stages.through, Asset.personas.through, Asset.competitors.through, TaggedItem):
    m2m_changed.connect(
        indexing.asset_relations_changed, sender=_through, dispatch_uid=f"search_m2m_{_through.__name__}"
    )
for _term in (Persona, Competitor, Tag):
    post_save.connect(indexing.term_renamed, sender=_term, dispatch_uid=f"search_renamed_{_term.__name__}")
# A stage's name is not searched, but the ids of an asset's stages are indexed (stage filters).
for _term in (FunnelStage, Persona, Competitor, Tag):
    pre_delete.connect(indexing.term_deleting, sender=_term, dispatch_uid=f"search_deleting_{_term.__name__}")
    post_delete.connect(indexing.term_deleted, sender=_term, dispatch_uid=f"search_deleted_{_term.__name__}")
