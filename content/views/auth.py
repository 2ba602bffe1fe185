"""Sign in and out. Repeated failures are refused by the sign-in protection (content/throttling.py).
The sign-in page offers single sign-on when it is configured (content/sso.py, content/views/sso.py)
and the password form unless PASSWORD_SIGN_IN is off; then a password posted to it is refused.
Signing out after a single sign-on signs out at the provider too."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import path

from ..sso import end_session_url, provider_name, provider_status, sso_enabled

LOCKED_OUT_MESSAGE = "Too many failed sign-ins. Wait a few minutes, then try again."


def sign_in_options() -> dict:
    """What the sign-in page offers: single sign-on (and whether its provider answers), passwords."""
    return {
        "sso_enabled": sso_enabled(),
        "sso_name": provider_name(),
        "sso_problem": provider_status() if sso_enabled() else None,
        "password_sign_in": settings.PASSWORD_SIGN_IN,
    }


class LoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **sign_in_options()}

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_SIGN_IN:
            messages.error(request, f"Password sign-in is switched off here: sign in with {provider_name()}.")
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Signing out ends the library's session; after a single sign-on it then sends the browser to the
    provider to end the session there too (content.sso.end_session_url), and back to the sign-in page.
    Password users land on the sign-in page as before."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token") if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if not id_token or not sso_enabled():
            return response
        there = end_session_url(id_token=id_token, return_to=request.build_absolute_uri(resolve_url("login")))
        if there is None:
            messages.info(
                request,
                f"You are signed out of the library. {provider_name()} could not be asked to end your session "
                "there: sign out of it too on a shared computer.",
            )
            return response
        return HttpResponseRedirect(there)


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """The answer to a sign-in attempt while its username or address is locked: the sign-in page
    again, with the reason, and 429."""
    messages.error(request, LOCKED_OUT_MESSAGE)
    username = (credentials or {}).get("username") or ""
    form = AuthenticationForm(request, initial={"username": username})
    return render(request, LoginView.template_name, {"form": form, **sign_in_options()}, status=429)


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]
