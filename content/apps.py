from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Enablement content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (  # noqa: F401
            assets,  # registers the text extraction job handler for the workers
            importers,  # registers the deal import job handler for the workers
            signals,  # keeps the search index and the report cache in step
        )
