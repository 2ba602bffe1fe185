"""Tracked share links: a rep sends a link to one or more assets for one of their deals instead of an
attachment, and the buyer's views are recorded against that deal (content/sharing.py)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .assets import Asset
from .deals import Deal


def new_share_token() -> str:
    """256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class ShareLinkQuerySet(models.QuerySet):
    def live(self, now=None):
        """Links a buyer can still open: not revoked, not expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ShareLink(models.Model):
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="share_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="share_links")
    assets = models.ManyToManyField(Asset, through="ShareLinkAsset", related_name="share_links")
    note = models.TextField(blank=True, help_text="Shown to the buyer as plain text.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_viewed_at = models.DateTimeField(null=True, blank=True, help_text="The first counted buyer view.")

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="share_link_expires_later"),
        ]
        indexes = [
            # a deal's sends (deal page timeline, the API's deal filter)
            models.Index(fields=["deal", "-created_at"], name="share_link_deal_created"),
            # a rep's own links
            models.Index(fields=["created_by", "-created_at"], name="share_link_creator_created"),
        ]

    def __str__(self):
        return f"Link {self.pk} for {self.deal}"

    def get_additional_data(self):
        """What django-auditlog adds to this link's audit events: the assets of a new link, named by
        content.sharing.share_link_create before it is saved (its items are written after it)."""
        assets = getattr(self, "audited_assets", None)
        return {"assets": assets} if assets else None

    def get_absolute_url(self):
        """The buyer's address (path); `public_url` is the absolute one to paste into an email."""
        return reverse("buyer-page", args=[self.token])

    @property
    def public_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class ShareLinkAsset(models.Model):
    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="items")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["link", "asset"], name="share_link_asset_once")]

    def __str__(self):
        return f"Asset {self.asset_id} in link {self.link_id}"


class ShareViewKind(models.TextChoices):
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"


class ShareView(models.Model):
    """One counted buyer view of one asset of a link (scanners, previews and the sender's own check
    are not recorded at all)."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="views")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ShareViewKind.choices, default=ShareViewKind.VIEW)
    visitor = models.CharField(max_length=32, blank=True, help_text="A first-party cookie telling visitors apart.")
    viewed_at = models.DateTimeField(default=timezone.now)
    seconds = models.PositiveIntegerField(null=True, blank=True, help_text="Time on the page, from the beacon.")

    class Meta:
        ordering = ["-viewed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ShareViewKind.values), name="share_view_kind_valid"),
        ]
        indexes = [models.Index(fields=["link", "-viewed_at"], name="share_view_link_time")]

    def __str__(self):
        return f"{self.kind} of {self.asset_id} via link {self.link_id}"
