from typing import Literal

from pydantic import BaseModel, ConfigDict

GroupCreation = Literal["everyone", "animators", "admins"]


class NetworkSettingsRead(BaseModel):
    group_creation: GroupCreation = "everyone"


class NetworkSettingsUpdate(BaseModel):
    """Every field is required: a PUT states the whole settings."""

    model_config = ConfigDict(extra="forbid")
    group_creation: GroupCreation
