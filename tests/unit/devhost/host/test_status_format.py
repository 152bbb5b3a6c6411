"""What the Durable HTTP API writes for an instance's times, and the URL a running
instance's status answer points back to."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from aiohttp.test_utils import make_mocked_request

from devhost.host.formatting import format_time
from devhost.host.request_urls import RequestUrls


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (datetime(2024, 5, 1, 12, 30, 45, 999999, tzinfo=UTC), "2024-05-01T12:30:45Z"),
        (datetime(2024, 5, 1, 9, 0, 5), "2024-05-01T09:00:05Z"),
        (
            datetime(2024, 1, 1, 1, 2, 3, tzinfo=timezone(timedelta(hours=9))),
            "2023-12-31T16:02:03Z",
        ),
        (datetime(1000, 1, 1, tzinfo=UTC), "1000-01-01T00:00:00Z"),
        (
            datetime(999, 12, 31, 23, 59, 59, tzinfo=UTC),
            datetime(999, 12, 31, 23, 59, 59).strftime("%Y-%m-%dT%H:%M:%SZ"),
        ),
    ],
    ids=["utc", "naive-is-utc", "offset", "year-1000", "year-999-as-strftime"],
)
def test_status_times_are_utc_whole_seconds_with_z(moment: datetime, written: str):
    assert format_time(moment) == written


def test_the_url_of_a_request_is_its_own_even_when_the_same_path_came_through_another_host():
    urls = RequestUrls()
    path = "/runtime/webhooks/durabletask/instances/run-1?showInput=false"
    for host in ["localhost:7071", "127.0.0.1:7071", "localhost:7071"]:
        request = make_mocked_request("GET", path, headers={"Host": host})
        assert urls.of(request) == str(request.url) == f"http://{host}{path}"


def test_a_long_url_is_answered_whole():
    urls = RequestUrls()
    path = "/runtime/webhooks/durabletask/instances/" + "x" * 600
    for host in ["localhost:7071", "h" * 600]:
        request = make_mocked_request("GET", path, headers={"Host": host})
        assert urls.of(request) == f"http://{host}{path}"
