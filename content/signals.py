"""Signal receivers that keep derived data in step (search index, support figures)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import Tag, TaggedItem

from .models import Asset, Competitor, Persona
from .search import indexing

post_save.connect(indexing.asset_saved, sender=Asset, dispatch_uid="search_asset_saved")
for _through in (Asset.personas.through, Asset.competitors.through, TaggedItem):
    m2m_changed.connect(
        indexing.asset_relations_changed, sender=_through, dispatch_uid=f"search_m2m_{_through.__name__}"
    )
for _term in (Persona, Competitor, Tag):
    post_save.connect(indexing.term_renamed, sender=_term, dispatch_uid=f"search_renamed_{_term.__name__}")
    pre_delete.connect(indexing.term_deleting, sender=_term, dispatch_uid=f"search_deleting_{_term.__name__}")
    post_delete.connect(indexing.term_deleted, sender=_term, dispatch_uid=f"search_deleted_{_term.__name__}")
