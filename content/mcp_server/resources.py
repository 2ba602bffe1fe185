"""The MCP resources: the shared language both teams wrote down (funnel stages, personas,
competitors), as the definitions page shows it, under the same rule (view_taxonomy)."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from ..models import Competitor, FunnelStage, Persona
from .errors import ToolError, require

PREFIX = "enablement://definitions/"


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    render: Any  # request -> Markdown

    @property
    def uri(self) -> str:
        return PREFIX + self.name


def _page(request) -> str:
    return request.build_absolute_uri(reverse("definitions"))


def stages(request) -> str:
    lines = [f"# Funnel stages\n\nThe shared definitions, in funnel order ({_page(request)}).\n"]
    for stage in FunnelStage.objects.order_by("order"):
        lines.append(f"## {stage.order}. {stage.name} (`{stage.slug}`)\n")
        lines.append(f"Owning team: {stage.get_owning_team_display()}.\n")
        lines.append(stage.definition.strip() + "\n")
        if stage.entry_criteria.strip():
            lines.append(f"Entry criteria: {stage.entry_criteria.strip()}\n")
    return "\n".join(lines)


def personas(request) -> str:
    lines = [f"# Personas\n\nThe buyers both teams write and sell for ({_page(request)}).\n"]
    for persona in Persona.objects.order_by("name"):
        lines.append(f"## {persona.name} (`{persona.slug}`)\n")
        if persona.description.strip():
            lines.append(persona.description.strip() + "\n")
        pains = [line.strip() for line in persona.pains.splitlines() if line.strip()]
        if pains:
            lines.append("Pains:\n" + "\n".join(f"- {pain}" for pain in pains) + "\n")
    return "\n".join(lines)


def competitors(request) -> str:
    lines = [f"# Competitors\n\nWho we meet in deals ({_page(request)}).\n"]
    for competitor in Competitor.objects.order_by("name"):
        lines.append(f"## {competitor.name} (`{competitor.slug}`)\n")
        if competitor.description.strip():
            lines.append(competitor.description.strip() + "\n")
        if competitor.website:
            lines.append(f"Website: {competitor.website}\n")
    return "\n".join(lines)


RESOURCES = {
    resource.uri: resource
    for resource in (
        Resource("stages", "Funnel stages", "The funnel stages as both teams defined them, with their slugs.", stages),
        Resource(
            "personas", "Personas", "The buyer personas, their descriptions and pains, with their slugs.", personas
        ),
        Resource("competitors", "Competitors", "The competitors met in deals, with their slugs.", competitors),
    )
}


def read(request, uri: str) -> str:
    resource = RESOURCES.get(uri)
    if resource is None:
        raise ToolError(f"Unknown resource {uri!r}; the resources are {', '.join(RESOURCES)}.")
    require(request.user, "view_taxonomy")
    return resource.render(request)
