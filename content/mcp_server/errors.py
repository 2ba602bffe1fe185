"""What a tool says when it refuses: one sentence for the caller, from the services' own errors
(a ValidationError naming fields, a PermissionDenied, a DRF serializer's errors)."""

from django.core.exceptions import PermissionDenied, ValidationError

from ..filtering import error_sentence
from ..permissions import RULES, can


class ToolError(Exception):
    """A refusal or bad input: its message goes back to the caller as the tool's error, no data."""


def require(user, action: str) -> None:
    """The API's rule for the same action (content.permissions), said in words."""
    if not can(user, action):
        roles = ", ".join(sorted(RULES[action]))
        raise ToolError(f"Your role may not do this ({action.replace('_', ' ')}: {roles} only).")


def serializer_sentence(errors) -> str:
    """DRF's {field: [messages]} (or a list) as one line: "deal: Object with crm_id=x does not exist."."""
    if isinstance(errors, dict):
        parts = []
        for name, messages in errors.items():
            text = " ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))
            parts.append(text if name == "non_field_errors" else f"{name}: {text}")
        return " ".join(parts)
    return " ".join(str(m) for m in errors)


def from_domain(error: Exception) -> ToolError:
    """A service's refusal as a ToolError with the service's own words."""
    if isinstance(error, ValidationError):
        return ToolError(error_sentence(error))
    if isinstance(error, PermissionDenied):
        return ToolError(str(error) or "Your role may not do this.")
    return ToolError(str(error))
