"""Helpers for the deals and usage tests: objection entries and signed webhook posts."""

import json

from content.deals import signature_for
from content.models import AssetKind

from .factories import AssetFactory

WEBHOOK_URL = "/api/v1/webhooks/crm/"
SECRET = "test-webhook-secret"


def objection_entry(**kwargs):
    return AssetFactory(kind=AssetKind.OBJECTION, objection="It is too expensive.", **kwargs)


def post_signed(client, payload, secret=SECRET, signature=None):
    body = json.dumps(payload).encode()
    headers = {}
    if signature is None:
        headers["HTTP_X_SIGNATURE"] = signature_for(body, secret)
    elif signature is not False:  # False: no header at all
        headers["HTTP_X_SIGNATURE"] = signature
    return client.post(WEBHOOK_URL, data=body, content_type="application/json", **headers)
