"""The Azure OpenAI chat model."""

from core.llm.azure.chat import AzureOpenAIChat

__all__ = ["AzureOpenAIChat"]
