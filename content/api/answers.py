"""GET /api/v1/answers/?q=: the passages of the library that best answer a question, with their
asset; the same rule as reading the assets API (view_library), published assets only."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import Can
from ..semantic import runtime
from ..semantic.answers import MAX_LIMIT, best_passages


class PassageMatchSerializer(serializers.Serializer):
    """A passage of an asset that matches a query, as shown under a search result."""

    ordinal = serializers.IntegerField(help_text="Its place in the asset: 0 is the title and summary.")
    text = serializers.CharField()
    page = serializers.IntegerField(allow_null=True, help_text="The PDF page it is on, if from a PDF.")
    score = serializers.FloatField(help_text="Cosine similarity to the query, -1 to 1.")
    url = serializers.SerializerMethodField(help_text="The asset's page, at this passage.")

    def get_url(self, match) -> str:
        request, asset = self.context.get("request"), self.context.get("asset")
        path = asset.get_absolute_url() + f"#passage-{match.ordinal}"
        return request.build_absolute_uri(path) if request else path


class AnswerSerializer(serializers.Serializer):
    asset_id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField(help_text="The passage, word for word from the asset.")
    page = serializers.IntegerField(allow_null=True)
    score = serializers.FloatField(help_text="Cosine similarity to the query, -1 to 1.")
    needs_review = serializers.BooleanField(help_text="The asset is past its review-by date.")
    asset_url = serializers.SerializerMethodField(help_text="The asset's page, at this passage.")

    def get_asset_url(self, answer) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(answer.asset_url) if request else answer.asset_url


class AnswersQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=1000, trim_whitespace=True, help_text="The question, in words.")
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=10)


class AnswersResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    semantic = serializers.CharField(help_text='"ok", or "unavailable: <reason>" (then `results` is empty).')
    results = AnswerSerializer(many=True)


class AnswersView(APIView):
    permission_classes = [Can.to("view_library")]

    @extend_schema(
        summary="Passages of published assets that answer a question",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="The question, in words."),
            OpenApiParameter("limit", OpenApiTypes.INT, description=f"How many passages, 1 to {MAX_LIMIT} (10)."),
        ],
        responses={
            200: AnswersResponseSerializer,
            400: OpenApiResponse(description="No question, or a limit out of range."),
            401: OpenApiResponse(description="Not signed in."),
            403: OpenApiResponse(description="The user's role may not do this."),
        },
    )
    def get(self, request):
        params = AnswersQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query, limit = params.validated_data["q"], params.validated_data["limit"]
        try:
            answers = best_passages(user=request.user, query=query, limit=limit)
            semantic = "ok"
        except runtime.SemanticUnavailable as exc:
            answers, semantic = [], f"unavailable: {exc.reason}"
        results = AnswerSerializer(answers, many=True, context={"request": request}).data
        return Response({"query": query, "semantic": semantic, "results": results})
