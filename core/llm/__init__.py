"""Chat models: one small interface (`ChatModel`), an Azure OpenAI implementation and an
offline rule-based one, chosen by `get_chat_model`."""

from core.llm.azure import AzureOpenAIChat
from core.llm.errors import (
    ChatModelError,
    ModelRateLimitedError,
    ModelRequestError,
    ModelResponseError,
    ModelTimeoutError,
    ModelUnavailableError,
)
from core.llm.factory import get_chat_model
from core.llm.offline import OFFLINE_MODEL_NAME, OfflineChat, OfflineSkill, OfflineSkills
from core.llm.protocol import ChatModel
from core.llm.types import (
    ChatMessage,
    ChatRequest,
    ChatResult,
    Role,
    TokenUsage,
    ToolCall,
    ToolSpec,
)

__all__ = [
    "OFFLINE_MODEL_NAME",
    "AzureOpenAIChat",
    "ChatMessage",
    "ChatModel",
    "ChatModelError",
    "ChatRequest",
    "ChatResult",
    "ModelRateLimitedError",
    "ModelRequestError",
    "ModelResponseError",
    "ModelTimeoutError",
    "ModelUnavailableError",
    "OfflineChat",
    "OfflineSkill",
    "OfflineSkills",
    "Role",
    "TokenUsage",
    "ToolCall",
    "ToolSpec",
    "get_chat_model",
]
