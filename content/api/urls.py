"""/api/v1/: each area's module registers its routes here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from .assets import AssetViewSet
from .auth import ObtainToken
from .taxonomy import CompetitorViewSet, PersonaViewSet, StageViewSet, TagViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("assets", AssetViewSet, basename="asset")
router.register("stages", StageViewSet, basename="stage")
router.register("personas", PersonaViewSet, basename="persona")
router.register("competitors", CompetitorViewSet, basename="competitor")
router.register("tags", TagViewSet, basename="tag")

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    *router.urls,
]
