"""Single sign-on pages: /sso/start/ sends the browser to the provider, /sso/callback/ signs in the
person it sends back (content/sso.py does the checking). Both are 404 when OIDC_ISSUER is unset.
A provider that is down or slow sends the person back to the sign-in page, which says so; a refused
sign-in (unknown groups, a token that fails its checks, a deactivated account) is a page that says why."""

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from ..sso import ProviderUnavailable, SignInRefused, provider, provider_name, sso_enabled


def _unavailable(request, detail: str):
    messages.error(
        request, f"Signing in with {provider_name()} is not possible right now: {detail} Try again in a few minutes."
    )
    return redirect("login")


def _refused(request, message: str, status: int):
    return render(
        request, "auth/sso_refused.html", {"message": message, "provider_name": provider_name()}, status=status
    )


class SsoStart(OIDCAuthenticationRequestView):
    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the library's reads the endpoint from settings; ours is discovered

    def get(self, request):
        if not sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except ProviderUnavailable:
            return _unavailable(request, "it is not answering.")
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SsoCallback(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not sso_enabled():
            raise Http404
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return _refused(request, refusal.message, refusal.status)
        except (ProviderUnavailable, requests.ConnectionError, requests.Timeout):
            return _unavailable(request, "it did not answer in time.")
        except requests.HTTPError:
            return _refused(request, f"{provider_name()} refused to complete the sign-in. Start again.", 400)
        except SuspiciousOperation:
            # a callback whose state this browser did not start, or one already used
            return _refused(request, "This sign-in was not started here, or was already used. Start again.", 400)

    def login_failure(self):
        messages.error(self.request, f"Signing in with {provider_name()} did not complete. Try again.")
        return redirect("login")


urlpatterns = [
    path("sso/start/", login_not_required(SsoStart.as_view()), name="sso-start"),
    path("sso/callback/", login_not_required(SsoCallback.as_view()), name="sso-callback"),
]
