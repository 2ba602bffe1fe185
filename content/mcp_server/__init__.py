"""The MCP server at /mcp/: the library's search, deal prep, usage logging, share links and
content requests as tools, and the shared definitions as resources, for assistants that speak the
Model Context Protocol. Authenticated by the API token; the same rules as the API
(content.permissions); the tools call the same services."""

from django.urls import re_path

from .transport import mcp_endpoint

# /mcp/ is the address; /mcp answers too (a POST cannot be redirected to the slash).
urlpatterns = [re_path(r"^mcp/?$", mcp_endpoint, name="mcp")]

__all__ = ["mcp_endpoint", "urlpatterns"]
