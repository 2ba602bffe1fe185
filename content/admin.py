"""The Django admin for every model, with list displays, filters and search that help operators."""

import json

from auditlog.admin import LogEntryAdmin
from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.html import format_html

from . import models
from .assets import (
    HAS_HISTORY,
    WRITABLE_FIELDS,
    asset_create,
    asset_delete,
    asset_rule_errors,
    asset_stamps,
    asset_update,
    has_history,
)
from .permissions import can


@admin.register(models.FunnelStage)
class FunnelStageAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "owning_team"]
    list_display_links = ["name"]
    search_fields = ["name", "definition"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description", "pains"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Competitor)
class CompetitorAdmin(admin.ModelAdmin):
    list_display = ["name", "website"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


class AssetAdminForm(forms.ModelForm):
    """Refuses, beside their fields, what the asset services would refuse: a move the workflow does
    not allow and the asset rules, asked of `content.assets` on the values as they would be stamped."""

    external_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = models.Asset
        fields = "__all__"  # noqa: DJ007 - the admin lists every editable field

    def clean(self):
        cleaned = super().clean()
        saved = self.instance
        kind = cleaned.get("kind") or saved.kind
        status = cleaned.get("status") or saved.status
        if saved.pk and status != saved.status and not saved.can_transition_to(status):
            self.add_error("status", f"An asset that is {saved.get_status_display().lower()} cannot become that.")
        stamps = asset_stamps(
            status=status,
            published_at=cleaned.get("published_at"),
            verified_at=saved.verified_at,
            verification_interval_days=cleaned.get("verification_interval_days") or 1,
            owner=cleaned.get("owner"),
        )
        values = {**cleaned, "published_at": stamps.published_at}
        for field, message in asset_rule_errors(kind=kind, status=status, value=values.get, pk=saved.pk).items():
            if field not in self.errors:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(models.Asset)
class AssetAdmin(admin.ModelAdmin):
    """Assets are written by the asset services here too (`content.assets`): the same rules, workflow
    and stamps as the pages and the API, and only marketing may change them. A file is uploaded on
    the asset page, where it is checked and its text extracted; verification is the owner's button."""

    form = AssetAdminForm
    list_display = ["title", "kind", "status", "owner", "published_at", "review_by", "usage_count", "won_deal_count"]
    list_filter = ["kind", "status", "stages", "personas", "competitors"]
    search_fields = ["title", "summary", "customer"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["owner", "proof_points"]
    filter_horizontal = ["stages", "personas", "competitors"]
    readonly_fields = [
        "file",
        "verified_at",
        "verified_by",
        "review_by",
        "usage_count",
        "won_deal_count",
        "influenced_revenue",
        "influenced_revenue_by_currency",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["owner"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and can(request.user, "edit_assets")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can(request.user, "edit_assets")

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can(request.user, "edit_assets")

    def get_deleted_objects(self, objs, request):
        """An asset with history (`has_history`) is listed as protected: the admin refuses to delete it."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = [f"{asset}: {HAS_HISTORY}" for asset in objs if has_history(asset)]
        return deleted, counts, perms_needed, [*protected, *kept]

    def delete_model(self, request, obj):
        asset_delete(actor=request.user, asset=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for asset in queryset:
                asset_delete(actor=request.user, asset=asset)

    def save_model(self, request, obj, form, change):
        values = {name: value for name, value in form.cleaned_data.items() if name in WRITABLE_FIELDS}
        if change:
            saved = asset_update(actor=request.user, asset=obj, **values)
        else:
            saved = asset_create(actor=request.user, **values)
        # the admin goes on with `obj` (its message, its log entry, the redirect): the saved row
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # the service set the stages, personas, competitors, proof points and tags with the asset
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(models.Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["crm_id", "name", "account", "amount", "currency", "stage", "status", "close_date", "owner"]
    list_filter = ["status", "funnel_stage", "source"]
    search_fields = ["crm_id", "name", "account", "owner_name"]
    date_hierarchy = "close_date"
    autocomplete_fields = ["owner"]
    list_select_related = ["owner"]


@admin.register(models.Usage)
class UsageAdmin(admin.ModelAdmin):
    list_display = ["used_at", "user", "asset", "deal", "action", "stage", "helpful"]
    list_filter = ["action", "stage", "helpful"]
    search_fields = ["asset__title", "deal__crm_id", "deal__name", "user__username"]
    date_hierarchy = "used_at"
    raw_id_fields = ["asset", "deal", "user"]
    list_select_related = ["user", "asset", "deal", "stage"]


class RequestCommentInline(admin.TabularInline):
    model = models.RequestComment
    extra = 0
    raw_id_fields = ["author"]


class RequestEventInline(admin.TabularInline):
    model = models.RequestEvent
    extra = 0
    readonly_fields = ["actor", "from_status", "to_status", "note", "created_at"]
    can_delete = False


@admin.register(models.ContentRequest)
class ContentRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "priority", "requester", "assignee", "triage_due", "needed_by"]
    list_filter = ["status", "priority", "kind", "stage", "persona", "competitor"]
    search_fields = ["title", "description"]
    raw_id_fields = ["requester", "assignee", "deal", "duplicate_of", "delivered_asset"]
    inlines = [RequestCommentInline, RequestEventInline]
    list_select_related = ["requester", "assignee"]


@admin.register(models.RequestSupport)
class RequestSupportAdmin(admin.ModelAdmin):
    list_display = ["request", "user", "deal", "created_at"]
    raw_id_fields = ["request", "user", "deal"]


@admin.register(models.RequestComment)
class RequestCommentAdmin(admin.ModelAdmin):
    list_display = ["request", "author", "created_at"]
    search_fields = ["body"]
    raw_id_fields = ["request", "author"]


@admin.register(models.RequestEvent)
class RequestEventAdmin(admin.ModelAdmin):
    list_display = ["request", "actor", "from_status", "to_status", "created_at"]
    list_filter = ["to_status"]
    raw_id_fields = ["request", "actor"]


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "message", "created_at", "read_at"]
    raw_id_fields = ["user", "request"]


@admin.register(models.SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "query", "result_count"]
    search_fields = ["query"]
    raw_id_fields = ["user", "clicked_asset"]


@admin.register(models.CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    raw_id_fields = ["user"]
    readonly_fields = ["secret"]


@admin.register(models.WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "received_at"]
    search_fields = ["event_id"]


@admin.register(models.BackgroundJob)
class BackgroundJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "attempts", "progress_done", "progress_total", "created_by", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["result", "error", "created_at", "updated_at", "finished_at"]
    raw_id_fields = ["created_by"]


# django-auditlog's admin lists the audit log read-only (no adding, changing or deleting an event);
# registered again without what reads the whole table on every page at 10 million events: the full
# count, the distinct object types of its filter and the text search through every diff. The
# managers' page /audit/ is the way to search it.
admin.site.unregister(models.AuditEvent)


@admin.register(models.AuditEvent)
class AuditEventAdmin(LogEntryAdmin):
    show_full_result_count = False
    list_display = ["created", "event", "resource_url", "user_url", "msg_short"]
    list_filter = ["action"]
    search_fields = []
    date_hierarchy = None

    @admin.display(description="Resource")
    def resource_url(self, obj):
        if obj.content_type is None:  # an event about no object (a failed sign-in of nobody, an import)
            return obj.object_repr or "—"
        return super().resource_url(obj)

    @admin.display(description="Changes")
    def msg(self, obj):
        shown = {"changes": obj.changes, "data": obj.additional_data}
        return format_html("<pre>{}</pre>", json.dumps(shown, indent=2, ensure_ascii=False, sort_keys=True))
