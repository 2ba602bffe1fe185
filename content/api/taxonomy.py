"""/api/v1/stages/, /personas/, /competitors/ (marketers may edit) and /tags/ (read only): the
shared language, addressed by slug."""

from django.db.models import Count
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from taggit.models import Tag

from ..models import Competitor, FunnelStage, Persona
from ..permissions import Can
from .pagination import StandardPagination
from .serializers import ModelSerializer


class StageSerializer(ModelSerializer):
    class Meta:
        model = FunnelStage
        fields = ["slug", "name", "order", "definition", "entry_criteria", "owning_team"]


class PersonaSerializer(ModelSerializer):
    class Meta:
        model = Persona
        fields = ["slug", "name", "description", "pains"]


class CompetitorSerializer(ModelSerializer):
    class Meta:
        model = Competitor
        fields = ["slug", "name", "description", "website"]


class TagSerializer(ModelSerializer):
    # taggit makes the slug from a free-form name; a name of only punctuation gives an empty one
    slug = serializers.CharField(read_only=True)
    asset_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Tag
        fields = ["slug", "name", "asset_count"]


_ERRORS = {
    400: OpenApiResponse(description="Invalid fields."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="The user's role may not do this."),
    404: OpenApiResponse(description="No such term."),
}


def _documented(serializer):
    """The error responses of every action, documented for the schema."""
    ok = {"list": 200, "retrieve": 200, "create": 201, "update": 200, "partial_update": 200, "destroy": 204}
    return extend_schema_view(
        **{
            action: extend_schema(responses={code: None if code == 204 else serializer, **_ERRORS})
            for action, code in ok.items()
        }
    )


class _TermViewSet(viewsets.ModelViewSet):
    lookup_field = "slug"
    pagination_class = StandardPagination
    permission_classes = [Can.to(read="view_taxonomy", write="edit_taxonomy")]


@_documented(StageSerializer)
class StageViewSet(_TermViewSet):
    queryset = FunnelStage.objects.order_by("order")
    serializer_class = StageSerializer


@_documented(PersonaSerializer)
class PersonaViewSet(_TermViewSet):
    queryset = Persona.objects.order_by("name", "pk")
    serializer_class = PersonaSerializer


@_documented(CompetitorSerializer)
class CompetitorViewSet(_TermViewSet):
    queryset = Competitor.objects.order_by("name", "pk")
    serializer_class = CompetitorSerializer


class TagViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    pagination_class = StandardPagination
    permission_classes = [Can.to("view_taxonomy")]
    serializer_class = TagSerializer
    queryset = Tag.objects.annotate(asset_count=Count("taggit_taggeditem_items")).order_by("name", "pk")
