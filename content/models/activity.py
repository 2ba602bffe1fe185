"""What people do around the library: searches (demand nobody wrote down) and personal feed secrets."""

import secrets

from django.conf import settings
from django.db import models

from .assets import Asset


class SearchLog(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    query = models.CharField(max_length=500, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    result_count = models.PositiveIntegerField(default=0)
    clicked_asset = models.ForeignKey(Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # zero-result and low-click search reports over a period
            models.Index(fields=["created_at", "result_count"], name="searchlog_time_results"),
        ]

    def __str__(self):
        return self.query


def new_feed_secret() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A per-user secret that lets a calendar program subscribe to the .ics feed without a session."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    secret = models.CharField(max_length=64, unique=True, default=new_feed_secret)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Calendar feed of {self.user}"

    def reset(self):
        self.secret = new_feed_secret()
        self.save(update_fields=["secret"])
