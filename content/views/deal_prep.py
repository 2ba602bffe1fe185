"""Deal prep: pick a deal, get what to bring to it, and send the buyer a tracked link to it."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path

from ..deal_prep import deals_for_prep, prepare_deal
from ..models import Deal
from ..permissions import require, visible_deals
from ..sharing import is_shareable, may_share_in


@require("view_deals")
def deal_prep(request):
    q = request.GET.get("q", "")
    page = Paginator(deals_for_prep(user=request.user, q=q), 20).get_page(request.GET.get("page"))
    context = {"page": page, "q": q}
    if request.htmx and request.htmx.target == "deal-list":
        return render(request, "deal_prep/_deals.html", context)
    return render(request, "deal_prep/index.html", context)


@require("view_deals")
def deal_prep_detail(request, crm_id):
    # Another rep's deal is "not found", like a missing one: CRM ids cannot be enumerated.
    deals = Deal.objects.select_related("funnel_stage", "owner").prefetch_related("personas", "competitors")
    deal = get_object_or_404(visible_deals(request.user, deals), crm_id=crm_id)
    prep = prepare_deal(deal=deal, user=request.user)
    # A link is sent from here with the recommended assets a buyer may see (the deal page offers all).
    share_choices = [a for a in prep.recommended if is_shareable(a)] if may_share_in(request.user, deal) else None
    return render(request, "deal_prep/detail.html", {"prep": prep, "share_choices": share_choices})


urlpatterns = [
    path("prep/", deal_prep, name="deal-prep"),
    path("prep/<str:crm_id>/", deal_prep_detail, name="deal-prep-detail"),
]
