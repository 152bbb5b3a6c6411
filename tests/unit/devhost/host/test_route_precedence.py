"""Route templates as the host orders and matches them, whatever order the app registers them."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devhost.app_loader import FunctionIndex, FunctionInfo
from devhost.host.http_triggers import RouteTable, http_functions, match
from devhost.host.keys import AuthLevel
from devhost.host.routes import RouteTemplateError, compile_route, sort_by_precedence

# (template, a path that only it and the ones after it could match, the values it yields)
LADDER = [
    ("orders/latest", "orders/latest", {}),
    ("orders/{id:int}", "orders/42", {"id": "42"}),
    ("orders/{name}", "orders/abc", {"name": "abc"}),
    ("orders/{name?}", "orders", {}),
    ("orders/{*rest}", "orders/a/b", {"rest": "a/b"}),
]


def first_match(templates: list[str], path: str) -> tuple[str, dict[str, str]] | None:
    for route in sort_by_precedence([compile_route(t) for t in templates]):
        values = route.match(path)
        if values is not None:
            return route.template, values
    return None


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(len(LADDER))))
def test_the_most_specific_route_wins_in_any_registration_order(order):
    templates = [LADDER[i][0] for i in order]
    for template, path, values in LADDER:
        assert first_match(templates, path) == (template, values), path


def test_precedence_goes_segment_by_segment():
    routes = sort_by_precedence(
        [compile_route(t) for t in ("{a}/b", "a/{b}", "{a}/{b}", "a/b", "{a:int}/b")]
    )
    assert [r.template for r in routes] == ["a/b", "a/{b}", "{a:int}/b", "{a}/b", "{a}/{b}"]


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        ("items/{id:int}", "items/2147483647", {"id": "2147483647"}),
        ("items/{id:int}", "items/2147483648", None),
        ("items/{id:int}", "items/-2147483648", {"id": "-2147483648"}),
        ("items/{id:long}", "items/2147483648", {"id": "2147483648"}),
        ("items/{n:min(3)}", "items/3", {"n": "3"}),
        ("items/{n:min(3)}", "items/2", None),
        ("items/{n:max(3)}", "items/3", {"n": "3"}),
        ("items/{n:max(3)}", "items/4", None),
        ("items/{n:range(2,4)}", "items/4", {"n": "4"}),
        ("items/{n:range(2,4)}", "items/5", None),
        ("items/{s:minlength(2)}", "items/a", None),
        ("items/{s:maxlength(2)}", "items/abc", None),
        ("items/{s:length(2)}", "items/ab", {"s": "ab"}),
        ("items/{s:length(2,3)}", "items/abcd", None),
        ("items/{s:alpha}", "items/ab1", None),
        ("items/{b:bool}", "items/TRUE", {"b": "TRUE"}),
        (
            "items/{g:guid}",
            "items/0f8fad5b-d9cb-469f-a165-70867728950e",
            {"g": "0f8fad5b-d9cb-469f-a165-70867728950e"},
        ),
        ("items/{g:guid}", "items/nope", None),
        ("items/{d:datetime}", "items/2026-01-01", {"d": "2026-01-01"}),
        ("items/{x:decimal}", "items/1.5", {"x": "1.5"}),
        ("items/{x:double}", "items/x", None),
        ("items/{c:regex(^\\d{{3}}$)}", "items/123", {"c": "123"}),
        ("items/{c:regex(^\\d{{3}}$)}", "items/1234", None),
        ("items/{c:required}", "items/", None),
        ("items/{id=7}", "items", {"id": "7"}),
        ("items/{name}.{ext}", "items/report.pdf", {"name": "report", "ext": "pdf"}),
        ("Items/List", "items/list", {}),
        ("items/{name}", "items/a%20b", {"name": "a b"}),
        ("items/{id:int?}", "items", {}),
        ("{{literal}}/{x}", "{literal}/1", {"x": "1"}),
        ("items/{c:regex(^ab$)}", "items/AB", {"c": "AB"}),
        ("items/{n:range(2,4)}", "items/2", {"n": "2"}),
        ("items/{n:range(2,4)}", "items/1", None),
        ("items/{s:minlength(2)}", "items/ab", {"s": "ab"}),
        ("items/{s:maxlength(2)}", "items/ab", {"s": "ab"}),
        ("items/{s:length(2)}", "items/abc", None),
        ("items/{s:length(2,3)}", "items/abc", {"s": "abc"}),
        ("items/{s:length(2,3)}", "items/a", None),
        ("items/{c:regex(^(a|b)$):alpha}", "items/b", {"c": "b"}),
        ("items/{c:regex(^(a|b)$):alpha}", "items/c", None),
        ("items/{v=a=b}", "items", {"v": "a=b"}),
        ("items/{*rest}", "items", {}),
        ("files/v{n}.{ext}", "files/v2.txt", {"n": "2", "ext": "txt"}),
        ("items/{a=1}/{b=2}", "items", {"a": "1", "b": "2"}),
        ("/items/{id}/", "/items/1/", {"id": "1"}),
        ("items/{id?}", "items/", {}),
    ],
)
def test_templates_match_as_aspnet_core_reads_them(template, path, expected):
    assert compile_route(template).match(path) == expected


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("items/{id", "unclosed '{'"),
        ("items/{id:bogus}", "unknown constraint 'bogus'"),
        ("items/{id:between(1)}", "unknown constraint 'between'"),
        ("items/{a-b}", "bad parameter name 'a-b'"),
    ],
)
def test_bad_templates_are_refused_naming_the_problem(template, reason):
    with pytest.raises(RouteTemplateError, match=reason) as raised:
        compile_route(template)
    assert raised.value.template == template


def trigger(name: str, route: str, methods: list[str] | None = None) -> FunctionInfo:
    binding: dict[str, object] = {
        "type": "httpTrigger",
        "name": "req",
        "route": route,
        "authLevel": "anonymous",
    }
    if methods:
        binding["methods"] = methods
    return FunctionInfo(name, "httpTrigger", binding, [binding], lambda req: None)


@settings(max_examples=60, deadline=None)
@given(order=st.permutations(range(len(LADDER))))
def test_the_host_serves_the_most_specific_route_in_any_registration_order(order):
    functions = [trigger(f"f{i}", LADDER[i][0]) for i in order]
    served = http_functions(FunctionIndex(Path("."), functions), "api")
    for template, path, values in LADDER:
        found = match(served, f"api/{path}", "GET")
        assert found is not None
        assert (found[0].url_path, found[1]) == (f"/api/{template}", values)


def test_a_route_that_refuses_the_method_lets_the_next_one_answer():
    functions = [trigger("any", "items/{id}"), trigger("post_only", "items/new", ["post"])]
    served = http_functions(FunctionIndex(Path("."), functions), "")
    assert match(served, "items/new", "POST")[0].function.name == "post_only"
    assert match(served, "items/new", "GET")[0].function.name == "any"
    assert [f.url_path for f in served] == ["/items/new", "/items/{id}"]


def test_routes_under_the_reserved_admin_segment_are_not_served():
    functions = [trigger("admin_thing", "Admin/stuff"), trigger("ok", "stuff")]
    served = http_functions(FunctionIndex(Path("."), functions), "api")
    assert [f.function.name for f in served] == ["ok"]


def test_slashes_around_routes_and_the_prefix_are_ignored():
    functions = [trigger("f", "/items/{id}/")]
    served = http_functions(FunctionIndex(Path("."), functions), "/api/")
    assert [f.url_path for f in served] == ["/api/items/{id}"]
    assert match(served, "api/items/3", "GET")[1] == {"id": "3"}


def test_only_a_first_segment_named_admin_is_reserved():
    names = {"admin": "Admin", "admin/x": "admin/x/y", "administrator": "administrator/x"}
    names |= {"nested": "x/admin", "deep": "x/y/admin"}
    functions = [trigger(name, route) for name, route in names.items()]
    served = http_functions(FunctionIndex(Path("."), functions), "api")
    assert sorted(f.function.name for f in served) == ["administrator", "deep", "nested"]


def test_each_function_keeps_its_auth_level_and_methods():
    functions = [trigger("open", "a"), trigger("keyed", "b", ["get", "Post"])]
    functions[1].trigger["authLevel"] = "admin"
    del functions[0].trigger["authLevel"]
    served = {f.function.name: f for f in http_functions(FunctionIndex(Path("."), functions), "")}
    assert served["open"].auth_level is AuthLevel.FUNCTION
    assert served["keyed"].auth_level is AuthLevel.ADMIN
    assert served["open"].methods is None
    assert served["keyed"].methods == frozenset({"GET", "POST"})


def test_the_route_table_answers_a_repeated_path_as_the_first_time_and_by_method():
    functions = [trigger("any", "items/{id}"), trigger("post_only", "items/new", ["post"])]
    table = RouteTable(http_functions(FunctionIndex(Path("."), functions), "api"))
    for _ in range(2):
        assert table.match("api/items/new", "POST")[0].function.name == "post_only"
        assert table.match("api/items/new", "GET")[0].function.name == "any"
        assert table.match("api/orders/1", "GET") is None
    long_id = "x" * (RouteTable.MAX_REMEMBERED_PATH + 1)
    assert table.match(f"api/items/{long_id}", "GET")[1] == {"id": long_id}


def test_route_values_from_the_route_table_belong_to_the_caller():
    table = RouteTable(http_functions(FunctionIndex(Path("."), [trigger("f", "items/{id}")]), ""))
    table.match("items/3", "GET")[1]["id"] = "changed"
    assert table.match("items/3", "GET")[1] == {"id": "3"}
