"""Conversation threads: what a finished turn keeps (`items`), the bounded summary of
earlier turns a new request gets (`summary`), and how prompts show it (`prompt`). The
modules are imported one by one: orchestrations use `prompt`, which does no I/O."""
