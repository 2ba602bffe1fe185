"""Every page of the app: each area's module owns its routes."""

from .views import auth, deals, definitions, health, library

urlpatterns = [
    *auth.urlpatterns,
    *health.urlpatterns,
    *definitions.urlpatterns,
    *library.urlpatterns,
    *deals.urlpatterns,
]
