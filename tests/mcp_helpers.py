"""The SDK's own MCP client against the live server: one session per call, with a bearer token."""

import anyio
import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


def with_session(url: str, token: str | None, work, *, scheme: str = "Bearer"):
    """Open an MCP session to `url` (initialize included), run `await work(session)`, return its result."""

    async def main():
        headers = {"Authorization": f"{scheme} {token}"} if token is not None else {}
        async with (
            create_mcp_http_client(headers=headers) as http,
            streamable_http_client(url, http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    try:
        return anyio.run(main)
    except BaseExceptionGroup as group:  # the client's task groups wrap what stopped them
        leaves = _leaves(group)
        if len(leaves) == 1:
            raise leaves[0] from None
        raise


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def call_tool(url: str, token: str, name: str, arguments: dict | None = None):
    return with_session(url, token, lambda session: session.call_tool(name, arguments or {}))


def http_failure(url: str, token: str | None) -> int:
    """The HTTP status that stopped the SDK's client from opening a session."""
    try:
        with_session(url, token, lambda session: session.list_tools())
    except httpx.HTTPStatusError as error:
        return error.response.status_code
    raise AssertionError("the session opened")
