"""A module in a namespace package (no __init__.py)."""


def greet(name: str) -> str:
    return f"Hello, {name}!"
