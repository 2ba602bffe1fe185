from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "Enablement content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="content_create_cache_table")
        from . import (  # noqa: F401
            assets,  # registers the text extraction job handler for the workers
            importers,  # registers the deal import job handler for the workers
            panel,  # checks that its CSRF middleware, which replaces Django's, is in MIDDLEWARE
            people,  # records the sessions a user signs in with, so that deactivation can end them
            signals,  # keeps the search index and the report cache in step
            slack,  # registers the Slack message job handler
            sso,  # checks OIDC_ROLE_MAP
            support,  # registers the support refresh job handler (a buyer's first views)
            tokens,  # revokes a user's API token when their password changes or they are deactivated
        )
        from .audit import tracking  # records sign-ins and failures

        tracking.track()  # the models django-auditlog writes field diffs of


def _create_cache_table(sender, using, **kwargs):
    """`migrate` creates the table of the database-backed shared cache (a no-op with Redis)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class EnablementAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site writes every edit to the audit log (content/audit/admin_edits.py);
    named in INSTALLED_APPS in its place."""

    default = False  # not the content app's own configuration
    default_site = "content.audit.admin_edits.AuditedAdminSite"
