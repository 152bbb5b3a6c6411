"""The offline, rule-based chat model."""

from core.llm.offline.answer import language_of, notice_for, without_notice
from core.llm.offline.chat import OFFLINE_MODEL_NAME, OfflineChat, OfflineSkill, OfflineSkills

__all__ = [
    "OFFLINE_MODEL_NAME",
    "OfflineChat",
    "OfflineSkill",
    "OfflineSkills",
    "language_of",
    "notice_for",
    "without_notice",
]
