"""Sign in and out, with throttling of repeated failures."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import path

from ..throttling import clear_failures, client_address, is_locked_out, record_failure

LOCKED_OUT_MESSAGE = "Too many failed sign-ins. Wait a few minutes, then try again."


class LoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        address = client_address(request)
        if is_locked_out(username, address):
            messages.error(request, LOCKED_OUT_MESSAGE)
            form = self.get_form()
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            clear_failures(username, address)
        else:
            record_failure(username, address)
        return response


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
