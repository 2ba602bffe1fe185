"""Content requests: sales asks marketing for what is missing; marketing triages under an SLA."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .assets import Asset, AssetKind
from .deals import Deal
from .taxonomy import Competitor, FunnelStage, Persona

# A request's description: several pages of context, not a document (the model validates it).
DESCRIPTION_MAX_LENGTH = 10_000


class RequestStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    DUPLICATE = "duplicate", "Duplicate"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"


OPEN_REQUEST_STATUSES = (
    RequestStatus.NEW,
    RequestStatus.TRIAGED,
    RequestStatus.ACCEPTED,
    RequestStatus.IN_PROGRESS,
)

# The workflow, written once: the services, the board and the API all ask this table.
REQUEST_TRANSITIONS = {
    RequestStatus.NEW: {
        RequestStatus.TRIAGED,
        RequestStatus.ACCEPTED,
        RequestStatus.DECLINED,
        RequestStatus.DUPLICATE,
    },
    RequestStatus.TRIAGED: {RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.DUPLICATE},
    RequestStatus.ACCEPTED: {RequestStatus.IN_PROGRESS, RequestStatus.DELIVERED, RequestStatus.DECLINED},
    RequestStatus.IN_PROGRESS: {RequestStatus.DELIVERED, RequestStatus.ACCEPTED},
    RequestStatus.DECLINED: set(),
    RequestStatus.DUPLICATE: set(),
    RequestStatus.DELIVERED: set(),
}


class RequestPriority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class ContentRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_REQUEST_STATUSES)

    def submitted_by(self, user):
        return self.filter(requester=user)


class ContentRequest(models.Model):
    title = models.CharField(max_length=200, help_text="What is needed, in a line.")
    description = models.TextField(
        help_text="Why it is needed: the situation, the buyer, what is missing.",
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    kind = models.CharField(max_length=20, choices=AssetKind.choices, blank=True)
    stage = models.ForeignKey(FunnelStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests")
    persona = models.ForeignKey(Persona, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests")
    competitor = models.ForeignKey(
        Competitor, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    deal = models.ForeignKey(Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests")
    needed_by = models.DateField(null=True, blank=True)

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    priority = models.PositiveSmallIntegerField(choices=RequestPriority.choices, default=RequestPriority.NORMAL)
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default=RequestStatus.NEW)
    decline_reason = models.TextField(blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    delivered_asset = models.ForeignKey(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="answered_requests"
    )
    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="RequestSupport", related_name="supported_requests", blank=True
    )

    triage_due = models.DateField(null=True, blank=True, help_text="Submission plus the triage SLA in business days.")
    triaged_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="request_status_valid"),
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=4), name="request_priority_valid"),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="request_duplicate_has_original",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="request_title_not_empty"),
        ]
        indexes = [
            # triage board: requests by status, most urgent triage first
            models.Index(fields=["status", "triage_due"], name="request_status_triage_due"),
            # board filter by assignee
            models.Index(fields=["assignee", "status"], name="request_assignee_status"),
            # "My requests"
            models.Index(fields=["requester", "-created_at"], name="request_requester_created"),
            # calendar: accepted requests by needed-by date
            models.Index(fields=["status", "needed_by"], name="request_status_needed_by"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def can_transition_to(self, status: str) -> bool:
        return status in REQUEST_TRANSITIONS.get(self.status, set())


class RequestSupport(models.Model):
    """A "+1": another rep needs the same thing, optionally for one of their deals."""

    request = models.ForeignKey(ContentRequest, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_supports")
    deal = models.ForeignKey(Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="request_support_once_per_user")]

    def __str__(self):
        return f"+1 by {self.user} on {self.request}"


class RequestComment(models.Model):
    request = models.ForeignKey(ContentRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="request_comment_not_empty")]

    def __str__(self):
        return f"Comment by {self.author} on {self.request}"


class RequestEvent(models.Model):
    """One change of a request: who, when, from which status to which, and why."""

    request = models.ForeignKey(ContentRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=12, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=RequestStatus.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # requests report: time to triage and deliver
            models.Index(fields=["to_status", "created_at"], name="request_event_to_time"),
        ]

    def __str__(self):
        return f"{self.request_id}: {self.from_status} -> {self.to_status}"


class Notification(models.Model):
    """What a user was told, shown on "My requests" as well as mailed: news of a request they filed
    or supported, or (with no request) a buyer's first view of a link they sent, linking to `url`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    request = models.ForeignKey(
        ContentRequest, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    url = models.CharField(max_length=300, blank=True, help_text="Where the news links to, when not a request.")
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_created")]

    def __str__(self):
        return self.message

    def get_absolute_url(self):
        return self.request.get_absolute_url() if self.request_id else self.url
