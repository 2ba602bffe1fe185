"""Slack: which Slack member a user is (for direct messages) with the notifications they want, and
which channels hear of which events (set by whoever may configure Slack channels)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q


class SlackEvent(models.TextChoices):
    """What the library tells Slack about; a user's preference and a channel route name one each."""

    REQUEST_STATUS = "request_status", "Content request status changes"
    REQUEST_COMMENT = "request_comment", "Comments on content requests"
    BUYER_FIRST_VIEW = "buyer_first_view", "A buyer's first view of a tracked link"
    REVIEW_DUE = "review_due", "Assets due for review"
    WEEKLY_DIGEST = "weekly_digest", "Weekly digest: the assets that helped win"


# A Slack member id: U… (or W… on Enterprise Grid), upper-case letters and digits.
member_id_validator = RegexValidator(
    r"^[UW][A-Z0-9]{2,19}\Z", "A Slack member id looks like U012AB3CD (Profile → ⋮ → Copy member ID)."
)
# A channel: its id (C…, or G… for an older private channel) or its #name.
channel_validator = RegexValidator(
    r"^(?:[CG][A-Z0-9]{2,19}|#[a-z0-9][a-z0-9._-]{0,79})\Z",
    "Give the channel's id (C012AB3CD, from the channel's details) or its name starting with #.",
)


class SlackProfile(models.Model):
    """One per user who linked Slack: the member id and one switch per event (direct messages)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="slack_profile"
    )
    member_id = models.CharField(max_length=20, blank=True, default="", validators=[member_id_validator])
    request_status = models.BooleanField("Status changes of my requests", default=True)
    request_comment = models.BooleanField("Comments on my requests", default=True)
    buyer_first_view = models.BooleanField("A buyer opens a link I sent", default=True)
    review_due = models.BooleanField("My assets are due for review", default=True)
    weekly_digest = models.BooleanField("The weekly digest of assets that helped win", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # one library account per Slack member: the slash command finds the user by it
            models.UniqueConstraint(fields=["member_id"], condition=~Q(member_id=""), name="slack_profile_one_member"),
        ]

    def __str__(self):
        return f"Slack {self.member_id or '(not linked)'} for {self.user}"

    def wants(self, event: str) -> bool:
        return bool(self.member_id) and bool(getattr(self, event, False))


class SlackRoute(models.Model):
    """Messages of `event` are posted to `channel` too."""

    event = models.CharField(max_length=30, choices=SlackEvent.choices)
    channel = models.CharField(max_length=81, validators=[channel_validator])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "channel", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="slack_route_unique"),
            models.CheckConstraint(condition=Q(event__in=SlackEvent.values), name="slack_route_event_valid"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.channel}"
