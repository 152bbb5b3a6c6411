"""A custom class that travels in the SDK's to_json/from_json envelope."""

from typing import Any


class Point:
    """A point with custom serialisation, as the SDK documents."""

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y

    @staticmethod
    def to_json(obj: "Point") -> dict[str, Any]:
        return {"x": obj.x, "y": obj.y}

    @staticmethod
    def from_json(data: dict[str, Any]) -> "Point":
        return Point(data["x"], data["y"])
