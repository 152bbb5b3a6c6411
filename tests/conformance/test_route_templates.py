"""Route templates as the host reads them: parameters, optional, catch-all, constraints."""

from __future__ import annotations

import pytest

from devhost.host.routes import RouteTemplateError, compile_route, sort_by_precedence


@pytest.mark.parametrize(
    ("template", "path", "expected"),
    [
        (
            "products/{category:alpha}/{id:int?}",
            "products/Shoes/12",
            {"category": "Shoes", "id": "12"},
        ),
        ("products/{category:alpha}/{id:int?}", "products/shoes", {"category": "shoes"}),
        ("products/{category:alpha}/{id:int?}", "products/shoes/x", None),
        ("products/{category:alpha}/{id:int?}", "products/sh0es", None),
        ("PRODUCTS/{id}", "products/7", {"id": "7"}),
        ("files/{name}.{ext}", "files/report.pdf", {"name": "report", "ext": "pdf"}),
        ("docs/{*path}", "docs/a/b/c.md", {"path": "a/b/c.md"}),
        ("docs/{*path}", "docs", {}),
        ("v/{n:min(10)}", "v/9", None),
        ("v/{n:range(1,5)}", "v/5", {"n": "5"}),
        ("v/{s:length(2,3)}", "v/abcd", None),
        (
            "v/{g:guid}",
            "v/3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            {"g": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
        ),
        ("v/{b:bool}", "v/True", {"b": "True"}),
        ("v/{code:regex(^\\d{{3}}$)}", "v/123", {"code": "123"}),
        ("v/{code:regex(^\\d{{3}}$)}", "v/1234", None),
        ("v/{n=5}", "v", {"n": "5"}),
        ("v/{name}", "v/a%20b", {"name": "a b"}),
    ],
)
def test_route_matching(template, path, expected):
    assert compile_route(template).match(path) == expected


def test_unknown_constraint_is_rejected():
    with pytest.raises(RouteTemplateError, match="unknown constraint"):
        compile_route("x/{id:bogus}")


def test_literal_segments_take_precedence_over_parameters():
    routes = [
        compile_route(t) for t in ("items/{*rest}", "items/{id}", "items/{id:int}", "items/new")
    ]
    assert [r.template for r in sort_by_precedence(routes)] == [
        "items/new",
        "items/{id:int}",
        "items/{id}",
        "items/{*rest}",
    ]
