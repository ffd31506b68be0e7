"""Live updates: the websocket, and the relay that hands committed activities to this process's sockets."""

from app.feature import Feature

FEATURE = Feature(
    name="live",
    routers=("app.live.routes:router",),
    components=("app.live.component",),
)
