from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import control

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="provider/login.html"), name="login"),
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
    path("control/user/", control.set_user),
    path("control/mode/", control.set_mode),
    path("control/access-token/", control.issue_access_token),
]
