"""The offline, rule-based chat model."""

from core.llm.offline.chat import OFFLINE_MODEL_NAME, OfflineChat, OfflineSkill, OfflineSkills

__all__ = ["OFFLINE_MODEL_NAME", "OfflineChat", "OfflineSkill", "OfflineSkills"]
