"""/api/v1/: each area's module registers its routes here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import reports
from .answers import AnswersView
from .assets import AssetViewSet
from .audit import AuditEventViewSet
from .auth import ObtainToken
from .calendar import CalendarEventsView
from .deals import CrmWebhook, DealViewSet
from .requests import ContentRequestViewSet
from .share_links import ShareLinkViewSet
from .taxonomy import CompetitorViewSet, PersonaViewSet, StageViewSet, TagViewSet
from .usage import UsageViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("assets", AssetViewSet, basename="asset")
router.register("stages", StageViewSet, basename="stage")
router.register("personas", PersonaViewSet, basename="persona")
router.register("competitors", CompetitorViewSet, basename="competitor")
router.register("tags", TagViewSet, basename="tag")
router.register("deals", DealViewSet, basename="deal")
router.register("usage", UsageViewSet, basename="usage")
router.register("requests", ContentRequestViewSet, basename="request")
router.register("share-links", ShareLinkViewSet, basename="share-link")
router.register("audit", AuditEventViewSet, basename="audit")

urlpatterns = [
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("answers/", AnswersView.as_view(), name="api-answers"),
    path("calendar/", CalendarEventsView.as_view(), name="api-calendar"),
    path("webhooks/crm/", CrmWebhook.as_view(), name="crm-webhook"),
    *reports.urlpatterns,
    *router.urls,
]
