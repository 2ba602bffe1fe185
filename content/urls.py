"""Every page of the app: each area's module owns its routes."""

from .views import auth, definitions, health, library, reports

urlpatterns = [
    *auth.urlpatterns,
    *health.urlpatterns,
    *definitions.urlpatterns,
    *library.urlpatterns,
    *reports.urlpatterns,
]
