"""Every page of the app: each area's module owns its routes."""

from .views import auth, definitions, health, library, requests

urlpatterns = [
    *auth.urlpatterns,
    *health.urlpatterns,
    *definitions.urlpatterns,
    *library.urlpatterns,
    *requests.urlpatterns,
]
