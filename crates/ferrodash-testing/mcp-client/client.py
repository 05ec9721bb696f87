"""Drives an MCP server with the reference Python client (the `mcp` package).

Usage: client.py URL PLAN_JSON, with the bearer token in MCP_TOKEN (if any).
The plan is a list of steps; the answer, on standard output, is one JSON
object: the server's protocol version and each step's outcome, or the
error that stopped the session (a refused token, say).
"""

import asyncio
import json
import os
import sys

import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client
from mcp.types import CallToolResult


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def step(session, plan):
    kind = plan["do"]
    if kind == "list_tools":
        return {"tools": [dump(t) for t in (await session.list_tools()).tools]}
    if kind == "call":
        result = await session.call_tool(plan["tool"], plan.get("arguments", {}))
        return dump(result)
    if kind == "list_resources":
        return {"resources": [dump(r) for r in (await session.list_resources()).resources]}
    if kind == "read":
        contents = (await session.read_resource(plan["uri"])).contents
        return {"text": contents[0].text}
    if kind == "task":
        created = await session.experimental.call_tool_as_task(
            plan["tool"], plan.get("arguments", {}), ttl=60_000
        )
        task_id = created.task.taskId
        statuses = []
        async for status in session.experimental.poll_task(task_id):
            statuses.append(status.status)
        result = await session.experimental.get_task_result(task_id, CallToolResult)
        return {"statuses": statuses, "result": dump(result)}
    raise ValueError(f"unknown step {kind}")


async def main(url, plan):
    token = os.environ.get("MCP_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    outcome = {"steps": []}
    async with streamablehttp_client(url, headers=headers, timeout=60) as (read, write, _):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            outcome["protocolVersion"] = init.protocolVersion
            outcome["serverInfo"] = dump(init.serverInfo)
            for one in plan:
                try:
                    outcome["steps"].append(await step(session, one))
                except Exception as error:  # the step's error is its outcome
                    outcome["steps"].append({"error": f"{type(error).__name__}: {error}"})
    return outcome


if __name__ == "__main__":
    try:
        answer = asyncio.run(main(sys.argv[1], json.loads(sys.argv[2])))
    except BaseException as error:  # noqa: BLE001 - reported, not hidden
        causes = [error]
        while getattr(causes[-1], "exceptions", None):
            causes.append(causes[-1].exceptions[0])
        answer = {"error": " / ".join(f"{type(e).__name__}: {e}" for e in causes)}
    print(json.dumps(answer))
