"""The Django admin for every model, with list displays, filters and search that help operators."""

from django.contrib import admin

from . import models


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


@admin.register(models.Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "owner", "published_at", "review_by", "usage_count", "won_deal_count"]
    list_filter = ["kind", "status", "stages", "personas", "competitors"]
    search_fields = ["title", "summary", "customer"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["owner", "proof_points"]
    filter_horizontal = ["stages", "personas", "competitors"]
    readonly_fields = [
        "review_by",
        "usage_count",
        "won_deal_count",
        "influenced_revenue",
        "influenced_revenue_by_currency",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["owner"]


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
