"""The instance list's filters: read from the query string, split between the extension's
list API and the checks made here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import azure.functions as func
from pydantic import BaseModel, Field, ValidationError

from triggers.monitor.common import Status
from triggers.monitor.times import parse_time
from triggers.shared.errors import BadRequestError


class ListQuery(BaseModel):
    """The list's filters, from the query string."""

    status: list[str] = Field(default_factory=list)
    name: str = ""
    created_from: datetime | None = None
    created_to: datetime | None = None
    prefix: str = ""
    children: bool = False
    top: int = Field(25, ge=1, le=200)
    skip: int = Field(0, ge=0)

    @classmethod
    def from_request(cls, req: func.HttpRequest) -> ListQuery:
        """Read and check the query string; 400 names the bad parameter."""
        params = req.params
        statuses = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
        known = {s.value.lower(): s.value for s in Status}
        for status in statuses:
            if status.lower() not in known:
                raise BadRequestError.about("status", f"unknown runtime status '{status}'")
        try:
            return cls(
                status=[known[s.lower()] for s in statuses],
                name=params.get("name", "").strip(),
                created_from=parse_time(params.get("from"), "from"),
                created_to=parse_time(params.get("to"), "to"),
                prefix=params.get("prefix", "").strip(),
                children=params.get("children", "").lower() in ("1", "true", "yes"),
                top=params.get("top") or 25,
                skip=params.get("skip") or 0,
            )
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            raise BadRequestError.about(str(error["loc"][0]), error["msg"]) from exc

    def extension_query(self) -> dict[str, str]:
        """The filters the extension's list API applies itself."""
        query: dict[str, str] = {}
        if self.status:
            query["runtimeStatus"] = ",".join(self.status)
        if self.prefix:
            query["instanceIdPrefix"] = self.prefix
        for key, moment in (
            ("createdTimeFrom", self.created_from),
            ("createdTimeTo", self.created_to),
        ):
            if moment is not None:
                query[key] = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return query

    def keeps(self, status: dict[str, Any]) -> bool:
        """The filters applied here: orchestrations only, name (part of it, any case) and
        sub-orchestrations (this app runs them as `{parent id}:{part}`)."""
        if str(status.get("instanceId", "")).startswith("@"):
            return False  # an entity, which the list API may return alongside orchestrations
        if self.name and self.name.lower() not in str(status.get("name", "")).lower():
            return False
        return self.children or ":" not in str(status.get("instanceId", ""))
