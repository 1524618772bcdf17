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

    if settings.model.startswith("embedded//"):  # a GGUF file named by its path: say now if it is not there
        from pathlib import Path

        from .llm.embedded import EmbeddedModelError

        path = Path(settings.model[len("embedded/"):]).expanduser()
        if not path.is_file():
            raise EmbeddedModelError(
                f"no GGUF model file at {path} (from --model {settings.model}); give the path of a .gguf file "
                "after embedded/, e.g. embedded//home/you/models/model.gguf")

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


def prepare_model(model, progress=None) -> None:
    """Get an embedded model ready before its first turn (assemble its file on first use, load it),
    reporting (bytes done, bytes in all) to `progress` while assembling. Other models need nothing."""
    name = getattr(model, "name", "")
    if name.startswith("embedded/"):
        from .llm.embedded import prepare

        prepare(name, progress)
