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
    people,
    previews,
    reports,
    requests,
    sharing,
    sso,
)

urlpatterns = [
    *auth.urlpatterns,
    *sso.urlpatterns,
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
    *people.urlpatterns,
    *reports.urlpatterns,
    *requests.urlpatterns,
    *sharing.urlpatterns,
]
