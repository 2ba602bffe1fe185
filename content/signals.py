"""Signal receivers that keep derived data in step (report cache version, search index)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .caching import bump_data_version
from .models import Asset, ContentRequest, Deal, RequestEvent, Usage


@receiver([post_save, post_delete], sender=Usage)
@receiver([post_save, post_delete], sender=Deal)
@receiver([post_save, post_delete], sender=Asset)
@receiver([post_save, post_delete], sender=ContentRequest)
@receiver([post_save, post_delete], sender=RequestEvent)
def invalidate_reports(sender, **kwargs):
    bump_data_version()


@receiver(m2m_changed, sender=Asset.stages.through)
@receiver(m2m_changed, sender=Asset.personas.through)
@receiver(m2m_changed, sender=Asset.competitors.through)
def invalidate_reports_on_taxonomy(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_data_version()
