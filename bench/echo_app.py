"""A bare Starlette WebSocket echo: the baseline for Trifecta's answer path.

It parses each message and replies with the same tiny ack Trifecta sends, so the
difference between the two runs is validation, the store and the live hub.
"""

import json

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            message = json.loads(await websocket.receive_text())
            ack = {"type": "ack", "id": message.get("id"), "status": "accepted"}
            await websocket.send_text(json.dumps(ack))
    except WebSocketDisconnect:
        pass


app = Starlette(routes=[WebSocketRoute("/ws/echo", echo)])
