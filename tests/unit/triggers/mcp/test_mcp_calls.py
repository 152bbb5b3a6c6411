import pytest

from triggers.mcp.calls import McpInvocation


def call_with(headers: dict[str, str]) -> McpInvocation:
    return McpInvocation.model_validate(
        {
            "name": "get_workflow",
            "transport": {"name": "http-streamable", "properties": {"headers": headers}},
        }
    )


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("localhost:7071", "http://localhost:7071/api/agents"),
        ("127.0.0.1:8080", "http://127.0.0.1:8080/api/agents"),
        ("[::1]:7071", "http://[::1]:7071/api/agents"),
        ("localhost.example.com", "https://localhost.example.com/api/agents"),
        ("app.azurewebsites.net", "https://app.azurewebsites.net/api/agents"),
    ],
)
def test_api_links_are_http_only_on_loopback(host: str, url: str) -> None:
    assert call_with({"Host": host}).api_url("agents") == url


def test_a_proxy_names_the_scheme_and_host_of_api_links() -> None:
    headers = {
        "Host": "10.0.0.4:80",
        "X-Forwarded-Host": "app.example.com",
        "X-Forwarded-Proto": "http",
    }
    assert call_with(headers).api_url("agents") == "http://app.example.com/api/agents"
