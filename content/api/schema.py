"""OpenAPI post-processing: every operation documents the error answers DRF can give, so that
clients (and the schema-driven fuzzing in CI) know a 400, 401, 403, 404, 415 or 429 is part of the
contract, not a surprise."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
# A validation error is an object of field -> messages, or a list of messages.
VALIDATION_ERROR = {"oneOf": [{"type": "object", "additionalProperties": True}, {"type": "array"}]}

COMMON = {
    "400": ("Invalid input: the body names each field in error.", "ValidationError"),
    "401": ("No valid token or session.", "Error"),
    "403": ("Signed in, but this role may not do this.", "Error"),
    "404": ("No such object, or not visible to you (also for a page number past the end).", "Error"),
    "429": ("Too many requests.", "Error"),
}
WITH_BODY = {"415": ("Unsupported content type.", "Error")}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "put", "patch", "post", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            extra = dict(COMMON)
            if "requestBody" in operation:
                extra.update(WITH_BODY)
            for code, (description, component) in extra.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
                    },
                )
    return result
