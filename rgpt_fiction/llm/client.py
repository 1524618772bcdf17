"""The one door to language models: every call goes through litellm.

Streaming for every call, bounded retries with backoff on transient errors, a request
timeout and an idle timeout between chunks, and a clear LLMError naming the model and
the cause when a call finally fails. A stream that ends without a finish reason (a cut
connection) is a failure, not a short answer.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
from typing import AsyncIterator

from .base import LLMError, Restart, Usage

EMBEDDED_PREFIX = "embedded/"


def import_litellm():
    """litellm, imported quietly and without touching the network (it fetches a price list otherwise)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_LOG", "ERROR")
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    return litellm


class StreamCut(Exception):
    pass


_SECRET_NAMES = ("KEY", "TOKEN", "SECRET", "PASSWORD")


def redact(text: str) -> str:
    """Remove credentials from a message shown to the reader: secret-looking environment
    values, bearer tokens, and the user:password part of URLs."""
    for name, value in os.environ.items():
        if value and len(value) >= 8 and any(part in name.upper() for part in _SECRET_NAMES):
            text = text.replace(value, "[redacted]")
    text = re.sub(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}", r"\1[redacted]", text)
    text = re.sub(r"\b(sk|pk|rk)-[A-Za-z0-9_\-]{8,}", "[redacted]", text)
    return re.sub(r"(://)[^/@\s:]+(:[^/@\s]*)?@", r"\1[redacted]@", text)


def _explain(exc: BaseException, timeout: float) -> tuple[str, str, bool]:
    """(cause, hint, retryable) for an exception from litellm."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    text = redact(str(exc).split("\n")[0])[:200]
    if isinstance(exc, StreamCut):
        return "the connection was cut before the answer finished", "try the turn again", True
    if isinstance(exc, asyncio.TimeoutError) or name in ("Timeout", "APITimeoutError"):
        return f"no answer within {timeout:g} s", "the server is slow or stuck; try again, or raise the timeout", True
    if name == "AuthenticationError" or status == 401:
        return "the provider refused the request: missing or wrong API key", (
            "set the provider's key in the environment (e.g. OPENAI_API_KEY, ANTHROPIC_API_KEY) and retry"), False
    if name == "RateLimitError" or status == 429:
        return "rate limited by the provider (HTTP 429)", "wait a moment and try again", True
    if name in ("APIConnectionError", "ServiceUnavailableError") and status in (None, 503) and "Connection" in text:
        return "cannot reach the model server", "is it running? check the model string and --api-base", True
    if name in ("InternalServerError", "ServiceUnavailableError", "BadGatewayError") or (status and status >= 500):
        return f"the model server failed (HTTP {status or '5xx'})", "try again in a moment", True
    if name == "APIConnectionError":
        return f"cannot reach the model server ({text})", "is it running? check --api-base", True
    if name == "NotFoundError" or status == 404:
        return "model not found", "check the model string (e.g. openai/gpt-4o-mini, ollama/llama3.1)", False
    if name in ("BadRequestError", "UnsupportedParamsError") or status == 400:
        return f"the request was refused ({text})", "check the model string and settings", False
    return f"{name}: {text}", "try again; if it persists, check the model settings", False


class LiteLLMModel:
    """A ChatModel served through litellm, any provider, including the embedded one."""

    def __init__(
        self,
        model: str,
        api_base: str | None = None,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 1.0,
        idle_timeout: float | None = None,
    ):
        self.name = model
        self.api_base = api_base or None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.idle_timeout = idle_timeout or timeout
        self._structured: bool | None = None

    def _supports_schema(self, litellm) -> bool:
        if self._structured is None:
            if self.name.startswith(EMBEDDED_PREFIX):
                self._structured = True
            else:
                try:
                    self._structured = bool(litellm.supports_response_schema(model=self.name))
                except Exception:  # noqa: BLE001 - unknown models: ask in the prompt instead
                    self._structured = False
        return self._structured

    async def prewarm(self, messages: list[dict]) -> int:
        """Let the embedded model evaluate the start of the next prompt into its cache (servers with
        prompt caching gain from the prompt's order alone). Returns the tokens evaluated."""
        if not self.name.startswith(EMBEDDED_PREFIX):
            return 0
        from .embedded import prewarm

        return await asyncio.to_thread(prewarm, self.name, messages)

    async def stream(
        self, messages: list[dict], *, max_tokens: int, temperature: float, json_schema: dict | None = None,
        until=None,
    ) -> AsyncIterator["str | Usage | Restart"]:
        litellm = import_litellm()
        if self.name.startswith(EMBEDDED_PREFIX):
            from .embedded import register

            register(litellm)
        kwargs = dict(
            model=self.name, messages=messages, stream=True, max_tokens=max_tokens, temperature=temperature,
            timeout=self.timeout, num_retries=0, stream_options={"include_usage": True},
        )
        if self.api_base:
            kwargs["api_base"] = self.api_base
        if json_schema is not None and self._supports_schema(litellm):
            kwargs["response_format"] = {
                "type": "json_schema", "json_schema": {"name": "turn", "schema": json_schema},
            }
        attempt = 0
        while True:
            attempt += 1
            sent = False
            try:
                async for item in self._once(litellm, kwargs, messages, until):
                    if isinstance(item, str):
                        sent = True
                    yield item
                return
            except (GeneratorExit, asyncio.CancelledError):
                raise
            except LLMError:
                raise
            except Exception as exc:  # noqa: BLE001 - every provider error becomes an LLMError
                cause, hint, retryable = _explain(exc, self.timeout)
                if not retryable or attempt > self.retries:
                    if retryable:
                        cause += f" (after {attempt} attempts)"
                    raise LLMError(redact(self.name), cause, hint, retryable) from None
                if sent:
                    yield Restart(cause)
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1) * (0.75 + random.random() / 2))

    async def _once(self, litellm, kwargs, messages, until=None):
        response = await asyncio.wait_for(litellm.acompletion(**kwargs), self.timeout)
        finished = stopped = False
        usage = None
        text = ""
        iterator = response.__aiter__()
        try:
            while not stopped:
                try:
                    chunk = await asyncio.wait_for(iterator.__anext__(), self.idle_timeout)
                except StopAsyncIteration:
                    break
                if getattr(chunk, "usage", None):
                    usage = chunk.usage
                for choice in chunk.choices or []:
                    delta = getattr(choice.delta, "content", None)
                    if delta:
                        text += delta
                        yield delta
                        if until is not None and until(text):
                            stopped = True  # enough: closing the stream below stops the model
                            break
                    if choice.finish_reason:
                        finished = True
        finally:  # stopped early, or failed: end the provider's stream (and its generation) now
            close = getattr(response, "aclose", None)
            if close is not None:
                try:
                    await close()
                except Exception:  # noqa: BLE001 - closing is best effort
                    pass
        # litellm closes every stream with a finish reason of its own; what the provider
        # really sent is kept on the stream wrapper. None there means the connection died.
        if hasattr(response, "received_finish_reason") and not stopped:
            finished = bool(response.received_finish_reason or getattr(response, "intermittent_finish_reason", None))
        if not (finished or stopped):
            raise StreamCut()
        if usage is None and stopped and self.name.startswith(EMBEDDED_PREFIX):
            from .embedded import last_usage

            usage = last_usage(self.name)
        yield _usage(usage, messages, text)


def _usage(usage, messages, text: str) -> Usage:
    """The backend's own counts where it gave them (with the prompt tokens it took from its cache),
    else an estimate of four characters a token."""
    def field(obj, name):
        return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)

    prompt = field(usage, "prompt_tokens") or 0
    completion = field(usage, "completion_tokens") or 0
    details = field(usage, "prompt_tokens_details")
    cached = field(details, "cached_tokens") if details is not None else None
    estimated = not prompt
    return Usage(
        prompt_tokens=int(prompt or sum(len(m.get("content") or "") for m in messages) // 4),
        completion_tokens=int(completion or len(text) // 4),
        cached_tokens=None if cached is None or estimated else int(cached),
        estimated=estimated,
    )
