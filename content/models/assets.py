"""Assets: one table for every kind, so search, usage, calendar and reports treat all kinds alike."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Min, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from ..names import person_name
from .taxonomy import Competitor, FunnelStage, Persona


class AssetKind(models.TextChoices):
    CASE_STUDY = "case_study", "Case study"
    BATTLE_CARD = "battle_card", "Battle card"
    ONE_PAGER = "one_pager", "One-pager"
    OBJECTION = "objection", "Objection entry"
    DECK = "deck", "Deck"
    EMAIL_TEMPLATE = "email_template", "Email template"
    COMPARISON_GUIDE = "comparison_guide", "Comparison guide"


class AssetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


# How long a published asset stays trustworthy before its owner must verify it again.
# Battle cards go stale fastest: competitors change pricing and packaging every quarter.
DEFAULT_VERIFICATION_DAYS = {AssetKind.BATTLE_CARD: 60}
FALLBACK_VERIFICATION_DAYS = 90

# The workflow: which status may follow which.
STATUS_TRANSITIONS = {
    AssetStatus.DRAFT: {AssetStatus.IN_REVIEW, AssetStatus.PUBLISHED, AssetStatus.ARCHIVED},
    AssetStatus.IN_REVIEW: {AssetStatus.DRAFT, AssetStatus.PUBLISHED, AssetStatus.ARCHIVED},
    AssetStatus.PUBLISHED: {AssetStatus.ARCHIVED, AssetStatus.IN_REVIEW},
    AssetStatus.ARCHIVED: {AssetStatus.DRAFT},
}


def default_verification_days(kind: str) -> int:
    return DEFAULT_VERIFICATION_DAYS.get(kind, FALLBACK_VERIFICATION_DAYS)


def asset_upload_to(instance, filename):
    return f"assets/{timezone.now():%Y/%m}/{filename}"


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%b %Y}"


@dataclass(frozen=True)
class ReviewStatus:
    """What a rep needs before using an asset: whether it is still approved, and who last checked
    it, when. `state`: fresh, review_due (past its review-by date, still approved), expired,
    scheduled (not released yet) or unpublished."""

    state: str
    approved: bool
    text: str
    verified_at: datetime.datetime | None = None
    verified_by: str = ""

    @property
    def flagged(self) -> bool:
        """Worth a badge in a list: the rep must know before using it."""
        return self.state in ("review_due", "expired")


class AssetQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=AssetStatus.PUBLISHED)

    def released(self, now=None):
        """Published, released (no future release date) and not expired: what a rep may open
        (`Asset.is_released` for one asset; an expiry date is a day where the library is, as there)."""
        now = now or timezone.now()
        return self.published().filter(
            Q(published_at__isnull=True) | Q(published_at__lte=now),
            Q(expires_on__isnull=True) | Q(expires_on__gt=timezone.localdate(now)),
        )

    def next_release(self, now=None):
        """The moment the next asset released at a set time becomes one a rep may open (None: no
        release is scheduled): what a kept list of released assets must not outlive. Every kind is
        named (the only kinds there are, asset_kind_valid) so that the library's index on (status,
        kind, published_at) is sought once per kind, reading only the releases still ahead: with
        status alone it read every published asset (8.3 ms at 100,000 on SQLite, on every search
        that is not kept) against 0.03 ms; on PostgreSQL, a table of 100,000 rows shaped like
        these, 7.2 ms against 1.5."""
        now = now or timezone.now()
        ahead = self.published().filter(kind__in=AssetKind.values, published_at__gt=now)
        return ahead.aggregate(next=Min("published_at"))["next"]

    def without_file_text(self):
        """The assets without the text extracted from their files (up to a whole document each):
        searched, never shown, so no page, list or API answer reads it."""
        return self.defer("file_text")

    def needs_review(self, today=None):
        today = today or timezone.localdate()
        return self.published().filter(review_by__lt=today)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def for_stage(self, slug):
        return self.filter(stages__slug=slug)

    def for_persona(self, slug):
        return self.filter(personas__slug=slug)

    def for_competitor(self, slug):
        return self.filter(competitors__slug=slug)


class Asset(models.Model):
    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="One or two sentences a rep reads in the result list.")
    body = models.TextField(blank=True, help_text="Markdown.")
    file = models.FileField(upload_to=asset_upload_to, blank=True, max_length=255)
    file_text = models.TextField(blank=True, editable=False, help_text="Text extracted from the file.")
    # Null, not "": on SQLite a nullable column is added in place, without rebuilding the table.
    file_text_error = models.CharField(
        max_length=300,
        null=True,
        blank=True,
        editable=False,
        help_text="Why the file's text could not be extracted (shown to marketing); empty when it was.",
    )
    # What the file holds for its preview, read once per stored file by content.previews: its hash,
    # and its page count and page sizes (PDF) or outline (DOCX, PPTX), or why it cannot be previewed.
    file_preview = models.JSONField(null=True, blank=True, editable=False)
    external_url = models.URLField(blank=True, max_length=500)

    stages = models.ManyToManyField(FunnelStage, blank=True, related_name="assets")
    personas = models.ManyToManyField(Persona, blank=True, related_name="assets")
    competitors = models.ManyToManyField(Competitor, blank=True, related_name="assets")
    tags = TaggableManager(blank=True, help_text="Topics, industries and products, comma-separated.")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_assets", null=True, blank=True
    )
    status = models.CharField(max_length=20, choices=AssetStatus.choices, default=AssetStatus.DRAFT)
    planned_publish_date = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was (or will be) released to reps; a future date hides it."
    )
    expires_on = models.DateField(null=True, blank=True, help_text="From this date on, reps can no longer open it.")
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        help_text="Who last confirmed the asset is still right.",
    )
    verification_interval_days = models.PositiveSmallIntegerField(
        default=FALLBACK_VERIFICATION_DAYS, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    review_by = models.DateField(null=True, blank=True, editable=False)

    # Case study
    customer = models.CharField(max_length=200, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    results = models.TextField(blank=True, help_text="Measured outcomes, one per line.")
    # Battle card (the competitor is one of `competitors`)
    strengths = models.TextField(blank=True, help_text="Their strengths, one per line.")
    weaknesses = models.TextField(blank=True, help_text="Their weaknesses, one per line.")
    landmines = models.TextField(blank=True, help_text="Questions to plant that expose their weaknesses.")
    how_we_win = models.TextField(blank=True)
    # Objection entry
    objection = models.TextField(blank=True, help_text="The objection in the buyer's own words.")
    response = models.TextField(blank=True)
    proof_points = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="proof_for")

    # Support figures, kept in step by content.effectiveness whenever usage or deals change,
    # so that sorting 100,000 assets by "most used" or "best win support" reads one indexed column.
    usage_count = models.PositiveIntegerField(default=0, editable=False)
    won_deal_count = models.PositiveIntegerField(default=0, editable=False)
    # Won amounts the asset supported in settings.REPORTING_CURRENCY (the figure lists sort by) and
    # in every currency ({"EUR": "1200.00", "USD": "5000.00"}): amounts are never added across currencies.
    influenced_revenue = models.DecimalField(max_digits=16, decimal_places=2, default=0, editable=False)
    influenced_revenue_by_currency = models.JSONField(default=dict, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AssetKind.values), name="asset_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=AssetStatus.values), name="asset_status_valid"),
            models.CheckConstraint(
                condition=Q(verification_interval_days__gte=1), name="asset_verification_interval_positive"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="asset_title_not_empty"),
        ]
        indexes = [
            # library: reps filter by status and kind, newest first
            models.Index(fields=["status", "kind", "-published_at"], name="asset_status_kind_pub"),
            # calendar: assets by planned date in a month
            models.Index(fields=["planned_publish_date"], name="asset_planned_date"),
            # calendar and freshness report: published assets by review-by date
            models.Index(fields=["status", "review_by"], name="asset_status_review_by"),
            # owners' due list
            models.Index(fields=["owner", "review_by"], name="asset_owner_review_by"),
            # library sorts: most used, best win support
            models.Index(fields=["status", "-usage_count"], name="asset_status_usage"),
            models.Index(fields=["status", "-won_deal_count", "-influenced_revenue"], name="asset_status_support"),
            # search: a customer's exact name pins its case study first
            models.Index(Upper("customer"), condition=Q(kind="case_study"), name="asset_case_study_customer"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("asset-detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self._state.adding and self.verification_interval_days == FALLBACK_VERIFICATION_DAYS:
            self.verification_interval_days = default_verification_days(self.kind)
        self.review_by = self.compute_review_by()
        super().save(*args, **kwargs)

    def compute_review_by(self) -> datetime.date | None:
        """The date by which the owner must verify the asset again: the rule of
        `content.assets.review_by_for`, kept in step on every save whoever writes."""
        from ..assets import review_by_for  # the asset services import the models

        return review_by_for(
            status=self.status,
            published_at=self.published_at,
            verified_at=self.verified_at,
            verification_interval_days=self.verification_interval_days,
        )

    def is_stale(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.review_by is not None and self.review_by < today

    def is_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on <= today

    def verification_text(self) -> str:
        """ "Verified 3 Mar 2026 by Dana Whitfield", or since when nobody has."""
        if self.verified_at:
            who = person_name(self.verified_by) if self.verified_by_id else ""
            return f"Verified {_day(timezone.localdate(self.verified_at))}" + (f" by {who}" if who else "")
        if self.published_at:
            return f"Published {_day(timezone.localdate(self.published_at))}, never verified"
        return "Never verified"

    def review_status(self, now=None) -> ReviewStatus:
        """The badge a rep reads in the library, on the asset page, in deal prep and in the API.
        Past the review-by date an asset is still approved (the owner has not re-checked it yet);
        past its expiry date it must not be used."""
        now = now or timezone.now()
        today = timezone.localdate(now)
        verified = self.verification_text()
        who = {"verified_at": self.verified_at}
        if self.verified_at and self.verified_by_id:
            who["verified_by"] = person_name(self.verified_by)
        if self.status != AssetStatus.PUBLISHED:
            return ReviewStatus("unpublished", False, f"{self.get_status_display()} — not for use", **who)
        if self.is_expired(today):
            return ReviewStatus("expired", False, f"Expired {_day(self.expires_on)} — do not use", **who)
        if self.published_at and self.published_at > now:
            when = _day(timezone.localdate(self.published_at))
            return ReviewStatus("scheduled", False, f"Released {when} — not for use yet", **who)
        if self.is_stale(today):
            return ReviewStatus("review_due", True, f"{verified} · review due — still approved", **who)
        review_by = f" · review by {_day(self.review_by)}" if self.review_by else ""
        return ReviewStatus("fresh", True, f"{verified}{review_by}", **who)

    def is_released(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == AssetStatus.PUBLISHED
            and (self.published_at is None or self.published_at <= now)
            and not self.is_expired(timezone.localdate(now))
        )

    def can_transition_to(self, status: str) -> bool:
        return status in STATUS_TRANSITIONS.get(self.status, set())


class AssetSearchRow(models.Model):
    """An asset's narrow search row on PostgreSQL (see content/search/postgres.py): the columns a
    search filters and sorts its matches by, under the asset's own names so that the asset
    querysets' visibility rules apply to it unchanged. Created by a migration, written by triggers
    on content_asset and by the search index, never by Django (not managed; absent on SQLite)."""

    asset = models.OneToOneField(
        Asset, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=20, choices=AssetStatus.choices)
    kind = models.CharField(max_length=20, choices=AssetKind.choices)
    published_at = models.DateTimeField(null=True)
    expires_on = models.DateField(null=True)
    review_by = models.DateField(null=True)
    won_deal_count = models.IntegerField(default=0)
    # written by the search index: the weighted document, and the ids of the asset's terms
    search_vector = SearchVectorField(null=True)
    stage_ids = ArrayField(models.IntegerField(), default=list)
    persona_ids = ArrayField(models.IntegerField(), default=list)
    competitor_ids = ArrayField(models.IntegerField(), default=list)

    objects = AssetQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = "content_asset_search"

    def __str__(self):
        return f"search row of asset {self.pk}"


class AssetText(models.Model):
    """An asset's row in SQLite's full-text index (see content/search/sqlite.py), through a view
    over the FTS5 table: `document` is what MATCH takes, `relevance` the weighted -bm25 of the row
    being matched. `id` and `asset_id` are both the asset's id behind a unary + in the view: SQLite
    then runs the match first and reads each match's asset by primary key, never the other way
    round; and a filter on `id` (unlike one on `asset_id`, which Django reads off the asset)
    stays a test of the full-text row. Created by a migration, written by the search index, never
    by Django (not managed; absent on PostgreSQL)."""

    id = models.IntegerField(primary_key=True)
    asset = models.OneToOneField(Asset, on_delete=models.DO_NOTHING, db_constraint=False, related_name="full_text")
    document = models.TextField()
    relevance = models.FloatField()

    class Meta:
        managed = False
        db_table = "content_asset_text"

    def __str__(self):
        return f"full-text row of asset {self.asset_id}"
