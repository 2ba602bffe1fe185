"""The managers' people page: everyone with their role, last sign-in, last activity, API token and
calendar feed; and deactivation, behind a confirm page (content.people.user_deactivate does it)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from ..names import person_name
from ..people import PeopleError, handover_for, people_list, successor_choices, user_deactivate
from ..people_filters import PeopleFilterSet
from ..permissions import require
from ..tokens import token_expiry_after

PER_PAGE = 50


@require("manage_users")
def people(request):
    filterset = PeopleFilterSet(request.GET, queryset=people_list())
    filter_errors = {} if filterset.is_valid() else filterset.errors
    users = get_user_model().objects.none() if filter_errors else filterset.qs
    page = Paginator(users, PER_PAGE).get_page(request.GET.get("page"))
    for user in page:
        user.token_expires = token_expiry_after(user.token_created) if user.has_token else None
    context = {"page": page, "filterset": filterset, "filter_errors": filter_errors}
    return render(request, "people/list.html", context, status=400 if filter_errors else 200)


@require("manage_users")
@require_http_methods(["GET", "POST"])
def deactivate(request, pk):
    User = get_user_model()
    user = get_object_or_404(User, pk=pk)
    choices = successor_choices(user)
    error, chosen = None, request.POST.get("successor", "")
    if request.method == "POST":
        successor = None
        if chosen:
            successor = User.objects.filter(username=chosen).first()
            if successor is None:
                error = f"No user named “{chosen[:50]}”."
        if error is None:
            try:
                done = user_deactivate(actor=request.user, user=user, successor=successor)
            except PeopleError as refusal:
                error = refusal.text
            else:
                messages.success(request, f"{person_name(user)} is deactivated: {done.summary()}")
                return redirect("people")
    context = {
        "person": user,
        "handover": handover_for(user),
        "choices": choices,
        "chosen": chosen,
        "error": error,
    }
    return render(request, "people/deactivate.html", context, status=400 if error else 200)


urlpatterns = [
    path("people/", people, name="people"),
    path("people/<int:pk>/deactivate/", deactivate, name="people-deactivate"),
]
