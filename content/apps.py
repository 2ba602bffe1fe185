from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Enablement content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (keeps the search index and support figures in step)
