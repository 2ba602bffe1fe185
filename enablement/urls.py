from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from content.api.slack import SlackCommand

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("content.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("content.mcp_server")),
    # Slack's slash command: authenticated by Slack's request signature, not by a session.
    path("integrations/slack/commands/", login_not_required(SlackCommand.as_view()), name="slack-command"),
    path("", include("content.urls")),
]
# Uploaded files are never served from MEDIA_URL, in any mode: only through the permission-checked
# view /assets/<id>/file/, so a draft's file is not readable at a guessable path.

# The API answers errors in JSON whatever went wrong, pages in HTML.
handler404 = "content.views.errors.not_found"
handler500 = "content.views.errors.server_error"
handler400 = "content.views.errors.bad_request"
handler403 = "content.views.errors.permission_denied"
