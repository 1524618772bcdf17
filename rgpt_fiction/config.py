"""Settings: defaults < settings file < environment (RGPT_*) < command-line flags.

The settings file is TOML in the user's config directory (platformdirs), or wherever
RGPT_CONFIG points. API keys are never stored here: providers read them from their
usual environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from .errors import ReaderError
from .llm.embedded import DEFAULT_MODEL

# The settings the settings screen edits (and rewrites); other keys in the file are kept as they are.
EDITABLE = ("model", "api_base", "temperature", "paragraph_words", "n_plans", "embedding_model", "timeout")


def config_path() -> Path:
    env = os.environ.get("RGPT_CONFIG")
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("rgpt-fiction")) / "settings.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RGPT_", extra="ignore", protected_namespaces=())

    model: str = Field(DEFAULT_MODEL, description="litellm model string, e.g. openai/gpt-4o-mini")
    api_base: str | None = Field(None, description="base URL of an OpenAI-compatible server")
    temperature: float = Field(0.8, ge=0.0, le=2.0)
    paragraph_words: int = Field(70, ge=30, le=400)  # engine/options.py says why
    n_plans: int = Field(3, ge=2, le=9)
    embedding_model: str = Field("all-MiniLM-L6-v2", description="sentence-transformers model name or path")
    # How long to wait for a model server, in seconds. A hung server ends in a clear message
    # after at most connect_timeout + timeout (100 s by default); timeouts are not retried.
    timeout: float = Field(90.0, gt=0, description="longest wait for the first word of an answer (a local "
                           "server may take a minute to read a long prompt)")
    connect_timeout: float = Field(10.0, gt=0, description="longest wait to connect to a model server")
    idle_timeout: float = Field(30.0, gt=0, description="longest silence between two pieces of an answer")
    structured: Literal["auto", "on", "off"] = Field(
        "auto", description="send the answer's JSON schema: auto (try, fall back to the prompt if refused), on, off")
    saves_dir: str = "saves"

    @field_validator("model")
    @classmethod
    def _model_not_empty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the model string cannot be empty")
        return v.strip()

    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_path()))


class SettingsError(ReaderError):
    pass


def load_settings(**overrides: Any) -> Settings:
    """Settings with flags (overrides that are not None) on top."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise SettingsError(f"invalid settings ({config_path()} or RGPT_* variables): {problems}") from None
    except Exception as exc:  # noqa: BLE001 - a broken settings file must not crash the game
        raise SettingsError(f"cannot read the settings file {config_path()}: {exc}") from None


def save_settings(values: dict[str, Any]) -> Path:
    """Write the editable settings to the settings file (TOML)."""
    import json

    from .saves.atomic import atomic_write

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# rgpt-fiction settings (environment variables RGPT_* and flags override these)"]
    for key in EDITABLE:
        value = values.get(key)
        if value is None or value == "":
            continue
        lines.append(f"{key} = {json.dumps(value)}")
    for key, value in _other_keys(path).items():  # e.g. structured, connect_timeout, set by hand
        lines.append(f"{key} = {json.dumps(value)}")
    atomic_write(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return path


def _other_keys(path: Path) -> dict[str, Any]:
    """The simple settings in the file that the settings screen does not edit."""
    import tomllib

    try:
        old = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in old.items()
            if k not in EDITABLE and k in Settings.model_fields and isinstance(v, (str, int, float, bool))}
