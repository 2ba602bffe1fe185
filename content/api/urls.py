"""/api/v1/: each area's module registers its routes here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .auth import ObtainToken
from .calendar import CalendarEventsView
from .requests import ContentRequestViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("requests", ContentRequestViewSet, basename="request")

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("calendar/", CalendarEventsView.as_view(), name="api-calendar"),
    *router.urls,
]
