"""The signed-in user's own account: their API token, its expiry, and revoking it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from ..tokens import token_expires_at, token_is_expired, token_revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    if request.method == "POST":
        if token_revoke(user=request.user):
            messages.success(request, "Your API token is revoked. Integrations using it must sign in again.")
        return redirect("account-token")
    token = Token.objects.filter(user=request.user).first()
    context = {
        "token": token,
        "expires": token_expires_at(token) if token else None,
        "expired": bool(token) and token_is_expired(token),
    }
    return render(request, "account/token.html", context)


urlpatterns = [path("account/token/", api_token, name="account-token")]
