"""Attack: a caller with the Operator role reads the Durable system key out of the status
links the app hands out, then acts on runs with it. The links now point to the app's own
role-checked `/api/instances/{id}` routes and carry no key."""

from __future__ import annotations

import httpx

from tests.apphost import AppHost
from tests.security.conftest import ADA, BOB, TWO_AGENT_QUERY, Ledger

LINKS = ("statusQueryGetUri", "sendEventPostUri", "terminatePostUri", "purgeHistoryDeleteUri")


def leaks(app_host: AppHost, response: httpx.Response) -> list[str]:
    """What in the answer (body and headers) could act on the Durable API."""
    seen = response.text + " " + " ".join(response.headers.values())
    found = [key for key in app_host.keys.values() if key in seen]
    return found + [hint for hint in ("code=", "/runtime/webhooks") if hint in seen]


def local(url: str, app_host: AppHost) -> str:
    return url.replace("http://localhost:", "http://127.0.0.1:")


def test_orchestrate_and_the_standard_start_hand_out_no_key(
    app_host: AppHost, as_person, ledger: Ledger
):
    ada = as_person(ADA)
    answers = [
        ada.post("/api/coordinator/orchestrate", json={"query": TWO_AGENT_QUERY}),
        ada.post("/api/orchestrators/coordinator", json={"query": TWO_AGENT_QUERY}),
    ]
    for answer in answers:
        assert answer.status_code in (200, 202), answer.text
        assert ledger.attack("read a key from the status links", bool(leaks(app_host, answer)))
        body = answer.json()
        links = body.get("status_urls", body)
        assert set(LINKS) <= set(links)
        for name in LINKS:
            assert "/api/instances/" in links[name], links[name]
    assert answers[1].headers["location"] == answers[1].json()["statusQueryGetUri"]


def test_a_status_link_answers_only_its_owner(app_host: AppHost, as_person, ledger: Ledger):
    ada, bob = as_person(ADA), as_person(BOB)
    anonymous = as_person(None)
    started = ada.post("/api/orchestrators/coordinator", json={"query": TWO_AGENT_QUERY})
    links = started.json()
    status_url = local(links["statusQueryGetUri"], app_host)
    assert ada.get(status_url).status_code in (200, 202)
    no_token = anonymous.get(status_url)
    assert ledger.attack("follow a status link with the function key only", no_token.status_code != 401)
    no_key = httpx.get(status_url)
    assert ledger.attack("follow a status link with no key at all", no_key.status_code != 401)
    other = bob.get(status_url)
    assert ledger.attack("follow another operator's status link", other.status_code != 404)
    assert other.json()["error"] == "not_found"
    event = ada.post(
        local(links["sendEventPostUri"], app_host).replace("{eventName}", "approval"),
        json={"approved": True, "approver": "Ada Operator", "digest": "0" * 64},
    )
    assert ledger.attack("raise an event through the app as an Operator", event.status_code != 403)
    purge = ada.delete(local(links["purgeHistoryDeleteUri"], app_host))
    assert ledger.attack("purge through the app as an Operator", purge.status_code != 403)
    terminate = bob.post(local(links["terminatePostUri"], app_host).replace("{text}", "mine now"))
    assert ledger.attack("terminate another operator's run via its link", terminate.status_code != 404)
