"""Every page of the app: each area's module owns its routes."""

from .views import (
    account,
    assets,
    auth,
    calendar,
    deal_prep,
    deals,
    definitions,
    health,
    jobs,
    library,
    previews,
    reports,
    requests,
    sharing,
)

urlpatterns = [
    *auth.urlpatterns,
    *account.urlpatterns,
    *health.urlpatterns,
    *definitions.urlpatterns,
    *library.urlpatterns,
    *assets.urlpatterns,
    *previews.urlpatterns,
    *calendar.urlpatterns,
    *deal_prep.urlpatterns,
    *deals.urlpatterns,
    *jobs.urlpatterns,
    *reports.urlpatterns,
    *requests.urlpatterns,
    *sharing.urlpatterns,
]
