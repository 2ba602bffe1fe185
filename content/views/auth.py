"""Sign in and out. Repeated failures are refused by the sign-in protection (content/throttling.py)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.urls import path

LOCKED_OUT_MESSAGE = "Too many failed sign-ins. Wait a few minutes, then try again."


class LoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    redirect_authenticated_user = True


def locked_out(request, response=None, credentials=None, *args, **kwargs):
    """The answer to a sign-in attempt while its username or address is locked: the sign-in page
    again, with the reason, and 429."""
    messages.error(request, LOCKED_OUT_MESSAGE)
    username = (credentials or {}).get("username") or ""
    form = AuthenticationForm(request, initial={"username": username})
    return render(request, LoginView.template_name, {"form": form}, status=429)


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
