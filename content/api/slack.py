"""POST /integrations/slack/commands/: Slack's `/library <words>` slash command. Authenticated by
Slack's request signature alone (no session, so no CSRF token: this is the one such endpoint);
an unsigned, stale or replayed request is a 401 and nothing is done."""

from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..slack.commands import library_answer, signature_is_fresh
from .renderers import JSONRenderer


class SlackCommand(APIView):
    """Slack posts the command as a form, signed with the app's signing secret:
    `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<timestamp>:<body>">` and
    `X-Slack-Request-Timestamp`. The answer is shown only to the member who typed it."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary="Slack's /library slash command",
        request={
            "application/x-www-form-urlencoded": inline_serializer(
                "SlackCommandForm",
                {
                    "command": serializers.CharField(help_text="The command typed, e.g. /library."),
                    "text": serializers.CharField(required=False, help_text="The words after the command."),
                    "user_id": serializers.CharField(help_text="The Slack member id of the person typing."),
                    "team_id": serializers.CharField(required=False),
                },
            )
        },
        responses={
            200: inline_serializer(
                "SlackCommandAnswer",
                {
                    "response_type": serializers.ChoiceField(choices=["ephemeral"]),
                    "text": serializers.CharField(),
                    "blocks": serializers.ListField(child=serializers.DictField(), required=False),
                },
            ),
            401: OpenApiResponse(description="Missing, wrong, stale (over five minutes) or replayed signature."),
        },
        auth=[],
    )
    def post(self, request):
        body = request._request.body  # the raw bytes the signature covers
        if not signature_is_fresh(
            body=body,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
        ):
            refusal = {"detail": "Invalid, stale or replayed Slack signature."}
            return Response(refusal, status=status.HTTP_401_UNAUTHORIZED)
        form = QueryDict(body, encoding="utf-8")
        if form.get("ssl_check"):
            return Response({})
        return Response(library_answer(member_id=form.get("user_id", ""), text=form.get("text", "")))
