"""The shared language: funnel stages and personas as both teams defined them."""

from django.shortcuts import render
from django.urls import path

from ..models import Competitor, FunnelStage, Persona
from ..permissions import require


@require("view_taxonomy")
def definitions(request):
    return render(
        request,
        "definitions/index.html",
        {
            "stages": FunnelStage.objects.all(),
            "personas": Persona.objects.all(),
            "competitors": Competitor.objects.all(),
        },
    )


urlpatterns = [path("definitions/", definitions, name="definitions")]
