"""The MCP server for one HTTP request: the SDK's low-level Server with the tools and resources of
catalog.py and resources.py, bound to the authenticated Django request. Handlers are async (the SDK's
shape); the tools are the app's synchronous services, run by `sync_to_async` back on the request's
own thread, with its database connection and its audit context."""

import logging

import mcp.types as types
from asgiref.sync import sync_to_async
from django.conf import settings
from mcp.server.lowlevel import Server
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.shared.exceptions import McpError

from . import resources
from .catalog import TOOLS
from .errors import ToolError, require

log = logging.getLogger(__name__)

NAME = "enablement"
INSTRUCTIONS = (
    "The sales enablement content library. search_assets finds case studies, battle cards, one-pagers and "
    "objection answers; prepare_deal lists what to bring to a deal; cite each asset by its title and URL. "
    "The resources hold the shared definitions of funnel stages, personas and competitors."
)


def _run_tool(request, name: str, arguments: dict):
    """One tool call on the request's thread; a refusal stays a ToolError, a bug is logged and
    reported without its details."""
    tool = TOOLS[name]
    require(request.user, tool.action)
    try:
        return tool.run(request, arguments)
    except ToolError:
        raise
    except Exception:
        log.exception("MCP tool %s failed", name)
        raise ToolError(f"{name} failed on the server; the error has been logged.") from None


def _read_resource(request, uri: str) -> str:
    try:
        return resources.read(request, uri)
    except ToolError as error:
        raise McpError(types.ErrorData(code=types.INVALID_PARAMS, message=str(error))) from None


def tool_definitions() -> list[types.Tool]:
    return [
        types.Tool(
            name=tool.name,
            title=tool.title,
            description=tool.description,
            inputSchema=tool.schema,
            annotations=types.ToolAnnotations(
                title=tool.title, readOnlyHint=tool.read_only, destructiveHint=False, openWorldHint=False
            ),
        )
        for tool in TOOLS.values()
    ]


def build_server(request) -> Server:
    # The API's version: the tools answer with the API's fields.
    server = Server(NAME, version=settings.SPECTACULAR_SETTINGS["VERSION"], instructions=INSTRUCTIONS)

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        return tool_definitions()

    @server.call_tool()
    async def call_tool(name: str, arguments: dict):
        text, structured = await sync_to_async(_run_tool)(request, name, arguments)
        return [types.TextContent(type="text", text=text)], structured

    @server.list_resources()
    async def list_resources() -> list[types.Resource]:
        return [
            types.Resource(
                uri=resource.uri,
                name=resource.name,
                title=resource.title,
                description=resource.description,
                mimeType="text/markdown",
            )
            for resource in resources.RESOURCES.values()
        ]

    @server.read_resource()
    async def read_resource(uri):
        text = await sync_to_async(_read_resource)(request, str(uri))
        return [ReadResourceContents(content=text, mime_type="text/markdown")]

    # An unknown tool is a protocol error (invalid params), as the MCP specification has it, not a
    # tool result: the SDK's handler would run it unvalidated, so it is refused before.
    validated_call = server.request_handlers[types.CallToolRequest]

    async def call_known_tool(req: types.CallToolRequest):
        if req.params.name not in TOOLS:
            known = ", ".join(TOOLS)
            raise McpError(
                types.ErrorData(code=types.INVALID_PARAMS, message=f"Unknown tool: {req.params.name}. Tools: {known}.")
            )
        return await validated_call(req)

    server.request_handlers[types.CallToolRequest] = call_known_tool
    return server
