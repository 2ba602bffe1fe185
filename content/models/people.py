"""What the library keeps about a user beyond Django's User: when they were last active, how single
sign-on knows them, who deactivated them and who took over their work, and the sessions they signed
in with (so that deactivating them ends those sessions whatever the session engine)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Person(models.Model):
    """One per user, created the first time there is something to keep."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="person"
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # The provider's `iss` and `sub`: the account a sign-in is matched to, whatever its username becomes.
    sso_issuer = models.CharField(max_length=255, blank=True, default="")
    sso_subject = models.CharField(max_length=255, blank=True, default="")
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["sso_issuer", "sso_subject"], condition=~Q(sso_subject=""), name="person_one_sso_identity"
            ),
        ]

    def __str__(self):
        return str(self.user)


class SignedInSession(models.Model):
    """A session a user signed in with; the row goes when they sign out or are deactivated."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_in_at", "id"]
        indexes = [
            # a user's sessions (deactivation, the pruning at each sign-in)
            models.Index(fields=["user", "signed_in_at"], name="signed_in_session_user"),
        ]

    def __str__(self):
        return f"Session of {self.user_id} since {self.signed_in_at:%Y-%m-%d %H:%M}"
