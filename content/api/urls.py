"""/api/v1/: each area's module registers its routes here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import reports
from .auth import ObtainToken

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    *reports.urlpatterns,
    *router.urls,
]
