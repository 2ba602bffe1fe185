"""Deals mirrored from the CRM, and the usage of assets in them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .assets import Asset
from .taxonomy import Competitor, FunnelStage, Persona


class DealStatus(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class DealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DealStatus.OPEN)

    def closed(self):
        return self.filter(status__in=[DealStatus.WON, DealStatus.LOST])

    def won(self):
        return self.filter(status=DealStatus.WON)

    def owned_by(self, user):
        return self.filter(owner=user)


class Deal(models.Model):
    crm_id = models.CharField("CRM id", max_length=64, unique=True)
    name = models.CharField(max_length=255)
    account = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    stage = models.CharField(max_length=100, blank=True, help_text="The stage name as the CRM spells it.")
    funnel_stage = models.ForeignKey(
        FunnelStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="deals"
    )
    status = models.CharField(max_length=10, choices=DealStatus.choices, default=DealStatus.OPEN)
    close_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="deals"
    )
    owner_name = models.CharField(max_length=150, blank=True, help_text="The owner as the CRM names them.")
    # What deal prep reads to pick content: matched, case-insensitively, against asset tags and a
    # case study's industry (content.deal_prep).
    product_line = models.CharField(
        max_length=100, blank=True, help_text="The product the deal is for, as the CRM names it (e.g. Ledgerline Pay)."
    )
    industry = models.CharField(max_length=100, blank=True, help_text="The account's industry, as the CRM names it.")
    personas = models.ManyToManyField(Persona, blank=True, related_name="deals")
    competitors = models.ManyToManyField(Competitor, blank=True, related_name="deals")
    source = models.CharField(max_length=20, blank=True, help_text="salesforce, hubspot, api, webhook or demo")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_not_negative"),
            models.CheckConstraint(condition=Q(status__in=DealStatus.values), name="deal_status_valid"),
            models.CheckConstraint(
                condition=Q(status=DealStatus.OPEN) | Q(close_date__isnull=False),
                name="deal_closed_has_close_date",
            ),
            models.CheckConstraint(condition=~Q(crm_id=""), name="deal_crm_id_not_empty"),
        ]
        indexes = [
            # deal list and reports: deals by status closed in a period
            models.Index(fields=["status", "close_date"], name="deal_status_close"),
            # a rep's open deals (usage form autocomplete, deal prep)
            models.Index(fields=["owner", "status"], name="deal_owner_status"),
        ]

    def __str__(self):
        return f"{self.name} ({self.crm_id})"

    def get_absolute_url(self):
        return reverse("deal-detail", args=[self.crm_id])

    @property
    def is_closed(self) -> bool:
        return self.status != DealStatus.OPEN


class UsageAction(models.TextChoices):
    SHARED = "shared", "Shared"
    PRESENTED = "presented", "Presented"
    SENT = "sent", "Sent"
    HEARD = "heard", "Heard this objection"
    # Recorded by the app, never by hand: the buyer opened a tracked share link (content/sharing.py).
    BUYER_VIEWED = "buyer_viewed", "Buyer viewed"


# What a person may log by hand (pages and API); the rest the app records itself.
MANUAL_USAGE_ACTIONS = tuple(action for action in UsageAction.values if action != UsageAction.BUYER_VIEWED)


def supports_deal(close_date=None, *, used_at="used_at") -> Q:
    """The one definition of support (DESIGN.md): a use supports its deal when it was logged on or
    before the day the deal closed. `close_date` is the deal's close date as the query sees it:
    the joined deal by default, `OuterRef("close_date")` from a deal subquery, or a date already
    read; `used_at`, the time of the use (or of the first use of an asset in a deal, UsageDeal).
    Every figure of support (stored asset figures, reports, the deal page) uses this."""
    return Q(**{f"{used_at}__date__lte": models.F("deal__close_date") if close_date is None else close_date})


# A use recorded by a buyer's view of a tracked link, as a condition (for counting the two apart).
BUYER_VIEW = Q(action=UsageAction.BUYER_VIEWED)


class UsageQuerySet(models.QuerySet):
    def supporting(self):
        """Uses that support their deal (see `supports_deal`); an open deal has none yet."""
        return self.filter(supports_deal())

    def logged(self):
        """Uses a person logged (pages, API): every action but a buyer's view."""
        return self.filter(action__in=MANUAL_USAGE_ACTIONS)

    def buyer_views(self):
        """Uses the app recorded when a buyer first opened an asset through a tracked link."""
        return self.filter(BUYER_VIEW)


class Usage(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="usages")
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="usages")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="usages")
    action = models.CharField(max_length=12, choices=UsageAction.choices, default=UsageAction.SHARED)
    stage = models.ForeignKey(FunnelStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)
    helpful = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 (not at all) to 5 (very).")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UsageQuerySet.as_manager()

    class Meta:
        ordering = ["-used_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=UsageAction.values), name="usage_action_valid"),
            models.CheckConstraint(
                condition=Q(helpful__isnull=True) | Q(helpful__gte=1, helpful__lte=5), name="usage_helpful_1_to_5"
            ),
            # A buyer's views of one asset in one deal count once, however many come at once.
            models.UniqueConstraint(
                fields=["asset", "deal"], condition=Q(action="buyer_viewed"), name="usage_one_buyer_view_per_deal"
            ),
        ]
        indexes = [
            # asset page and effectiveness: an asset's uses over time; the usage report's distinct reps
            # and deals of a page of assets, from the index alone
            models.Index(fields=["asset", "used_at", "user", "deal"], name="usage_asset_time_people"),
            # deal page timeline; effectiveness reads the assets used in each closed deal, and whether
            # by a rep or by the buyer, from it alone
            models.Index(fields=["deal", "used_at", "asset", "action"], name="usage_deal_time_asset_action"),
            # adoption report and "my usage"
            models.Index(fields=["user", "used_at"], name="usage_user_time"),
            # reports over a period: every column they group, filter or count on (Count("id") too),
            # so the period's uses are read from the index alone rather than from the table
            models.Index(fields=["used_at", "asset", "user", "deal", "stage", "action", "id"], name="usage_period"),
        ]

    def __str__(self):
        return f"{self.user} {self.action} {self.asset} in {self.deal}"


class UsageDay(models.Model):
    """The uses of one asset on one day (UTC), at one stage as logged (0: none), with one action:
    the usage report's figures that add up over days, read from here rather than from every use.

    Kept exact by database triggers on the usage table (migration 0025), so every write counts,
    bulk inserts, cascades and updates included; nothing in Python writes it. Distinct reps and
    deals, and anything that goes through the deal, do not add up over days: reports read the
    deals from the uses themselves, the reps from UsageRepDay."""

    # No foreign key: the triggers own the rows, and an asset's rows go with its uses.
    asset = models.ForeignKey(Asset, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    day = models.DateField()
    stage_id = models.IntegerField(help_text="The funnel stage the uses were logged at; 0 when none was.")
    action = models.CharField(max_length=12, choices=UsageAction.choices)
    use_count = models.PositiveIntegerField()
    last_used = models.DateTimeField()

    class Meta:
        constraints = [
            # the triggers' upsert target: one row per asset, day, stage and action
            models.UniqueConstraint(fields=["asset", "day", "stage_id", "action"], name="usageday_cell"),
        ]
        indexes = [
            # the usage report over a period: every column it groups, filters or sums, from the index alone
            models.Index(
                fields=["day", "asset", "stage_id", "action", "use_count", "last_used"], name="usageday_period"
            ),
        ]

    def __str__(self):
        return f"{self.asset_id} {self.day} {self.action}: {self.use_count}"


class UsageRepDay(models.Model):
    """The uses of one asset by one rep on one day (UTC): the usage report's distinct reps of a page
    of assets, read from here (a row per rep and day) rather than from every use.

    Kept exact by database triggers on the usage table (migration 0028), as UsageDay is; nothing in
    Python writes it. It keeps neither the stage nor the action nor the deal: reports read from the
    uses whatever is filtered by those."""

    # No foreign keys: the triggers own the rows, which go with their uses.
    asset = models.ForeignKey(Asset, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    day = models.DateField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    use_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # the triggers' upsert target, and the report's read: an asset's reps over days, from the index alone
            models.UniqueConstraint(fields=["asset", "day", "user"], name="usagerepday_cell"),
        ]

    def __str__(self):
        return f"{self.asset_id} {self.day} {self.user_id}: {self.use_count}"


class UsageDeal(models.Model):
    """The uses of one asset in one deal: how many, the first and the last, the first a rep logged
    and the buyer's view. A report that counts an asset's deals, or the deals it supported, reads a
    row per asset and deal from here rather than every use: a deal with a use in a period is one
    whose first or last use falls in it, or, when its uses span the whole period, one with a use
    in it (asked of the uses); an asset supported a closed deal when its first use of a source was
    on or before the close.

    Kept exact by database triggers on the usage table (migration 0033), as UsageDay is; nothing in
    Python writes it. It keeps neither the stage nor the rep: reports read from the uses whatever
    is filtered by those."""

    # No foreign keys: the triggers own the rows, which go with their uses.
    asset = models.ForeignKey(Asset, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    deal = models.ForeignKey(Deal, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+")
    use_count = models.PositiveIntegerField()
    first_used = models.DateTimeField()
    last_used = models.DateTimeField()
    first_logged = models.DateTimeField(
        null=True, help_text="The first use a rep logged (every action but a buyer's view)."
    )
    first_viewed = models.DateTimeField(null=True, help_text="The buyer's first view through a tracked link.")

    class Meta:
        constraints = [
            # the triggers' upsert target
            models.UniqueConstraint(fields=["asset", "deal"], name="usagedeal_pair"),
        ]
        indexes = [
            # the usage report: a page of assets' deals with a use in a period, from the index alone
            models.Index(fields=["asset", "last_used", "first_used", "deal"], name="usagedeal_asset_time"),
            # effectiveness: the assets used in each closed deal, and since when by each source
            models.Index(fields=["deal", "asset", "first_logged", "first_viewed"], name="usagedeal_deal_support"),
        ]

    def __str__(self):
        return f"{self.asset_id} in {self.deal_id}: {self.use_count}"


class WebhookEvent(models.Model):
    """A CRM event already applied, kept so a replayed delivery has no second effect."""

    event_id = models.CharField(max_length=128, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return self.event_id
