"""Building the parts of a game from settings. Nothing heavy is imported until called."""

from __future__ import annotations

from .config import Settings
from .engine.story import TurnOptions


def make_model(settings: Settings):
    """The chat model named by the settings. `scripted` is the deterministic demo/test model."""
    if settings.model == "scripted" or settings.model.startswith("scripted/"):
        from .llm.scripted import ScriptedModel

        return ScriptedModel(name=settings.model)
    from .llm.client import LiteLLMModel

    return LiteLLMModel(
        settings.model, api_base=settings.api_base, timeout=settings.timeout, connect_timeout=settings.connect_timeout,
        idle_timeout=settings.idle_timeout, structured=settings.structured,
    )


def make_embedder(settings: Settings):
    from .memory.embedder import Embedder

    return Embedder(settings.embedding_model)


def turn_options(settings: Settings) -> TurnOptions:
    return TurnOptions(
        n_plans=settings.n_plans, paragraph_words=settings.paragraph_words, temperature=settings.temperature,
    )
