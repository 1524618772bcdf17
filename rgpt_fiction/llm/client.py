"""The one door to language models: every call goes through litellm.

Streaming for every call; bounded waits (connecting, the first word, the silence
between words) that are not retried; bounded retries with backoff for transient
causes only (rate limits, 5xx, a dropped connection); and a clear LLMError naming the
model, the cause and what to do (llm/failures.py). A stream that ends without a
finish reason (a cut connection) is a failure, not a short answer.

Structured answers: with `structured="auto"` the JSON schema of an answer is sent as
`response_format`, first in OpenAI's form (`json_schema`: OpenAI, vLLM, Ollama,
llama.cpp's own server), then in the form llama-cpp-python's server takes
(`json_object` with a `schema`); a server that refuses both is asked with the schema in
the prompt only. What worked is remembered for the model and server (this process).
With "on" a server that refuses both is an error; with "off" the schema is only in the prompt.
"""

from __future__ import annotations

import asyncio
import os
import random
from typing import AsyncIterator

from .base import LLMError, Restart, Usage
from .failures import Limits, NoFirstWord, Stalled, StreamCut, explain, mentions_schema, redact

EMBEDDED_PREFIX = "embedded/"
STRUCTURED_MODES = ("auto", "on", "off")

# How to send a JSON schema, best first; None: only in the prompt.
SCHEMA_FORMS = ("json_schema", "json_object")
# (model, api_base) -> the form that worked with that server (None: it refused every form)
_schema_form: dict[tuple[str, str | None], str | None] = {}


def response_format(form: str, schema: dict) -> dict:
    if form == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "turn", "schema": schema}}
    return {"type": "json_object", "schema": schema}


def import_litellm():
    """litellm, imported quietly and without touching the network (it fetches a price list otherwise)."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_LOG", "ERROR")
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    return litellm


class LiteLLMModel:
    """A ChatModel served through litellm, any provider, including the embedded one."""

    def __init__(
        self,
        model: str,
        api_base: str | None = None,
        timeout: float = 90.0,
        retries: int = 3,
        backoff: float = 1.0,
        idle_timeout: float = 30.0,
        connect_timeout: float = 10.0,
        structured: str = "auto",
    ):
        if structured not in STRUCTURED_MODES:
            raise ValueError(f"structured must be one of {', '.join(STRUCTURED_MODES)}, not {structured!r}")
        self.name = model
        self.api_base = api_base or None
        self.limits = Limits(connect=connect_timeout, first_word=timeout, idle=idle_timeout)
        self.retries = retries
        self.backoff = backoff
        self.structured = structured
        self.embedded = model.startswith(EMBEDDED_PREFIX)
        # whether a last assistant message is continued (the answer's first words given), not answered
        self.prefill = self.embedded or model.startswith("anthropic/")

    @property
    def timeout(self) -> float:
        return self.limits.first_word

    def schema_forms(self) -> list[str | None]:
        """The ways a JSON schema will be asked for, in order; None: only in the prompt."""
        if self.structured == "off":
            return [None]
        if self.embedded:
            return ["json_schema"]
        known = _schema_form.get((self.name, self.api_base), "unknown")
        if known != "unknown" and (known is not None or self.structured == "auto"):
            return [known]
        return [*SCHEMA_FORMS, *([None] if self.structured == "auto" else [])]

    def sends_schema(self) -> bool:
        """Whether the next call with a JSON schema sends it to the server (else it is only in the prompt)."""
        return self.schema_forms()[0] is not None

    def _kwargs(self, messages: list[dict], max_tokens: int, temperature: float) -> dict:
        kwargs = dict(
            model=self.name, messages=messages, stream=True, max_tokens=max_tokens, temperature=temperature,
            num_retries=0, stream_options={"include_usage": True},
        )
        if self.embedded:  # in process: no connection to wait for; Esc (cancel) stops it
            return kwargs
        import httpx

        limits = self.limits
        # the read limits are enforced per chunk in _once; httpx's read limit is only a backstop
        kwargs["timeout"] = httpx.Timeout(
            connect=limits.connect, read=max(limits.first_word, limits.idle) + 5, write=limits.connect,
            pool=limits.connect,
        )
        kwargs["max_retries"] = 0  # the openai client's own retries would multiply ours
        if self.api_base:
            kwargs["api_base"] = self.api_base
            if self.name.startswith("openai/") and not os.environ.get("OPENAI_API_KEY"):
                kwargs["api_key"] = "no-key"  # a local server needs none; the openai client insists on one
        return kwargs

    def count_tokens(self, text: str) -> int | None:
        """`text`'s tokens by this model's own tokenizer where this process holds it (the embedded model);
        None otherwise (what the storyteller saw then gives an estimate, and says so)."""
        if not self.embedded:
            return None
        from .embedded import count_tokens

        return count_tokens(self.name, text)

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
        if self.embedded:
            from .embedded import register

            register(litellm)
        kwargs = self._kwargs(messages, max_tokens, temperature)
        forms = self.schema_forms() if json_schema is not None else [None]
        form = 0
        attempt = 0
        while True:
            attempt += 1
            call = dict(kwargs)
            if forms[form] is not None:
                call["response_format"] = response_format(forms[form], json_schema)
            sent = False
            try:
                async for item in self._once(litellm, call, messages, until):
                    if isinstance(item, str):
                        sent = True
                    yield item
                if json_schema is not None and not self.embedded and self.structured != "off":
                    _schema_form[(self.name, self.api_base)] = forms[form]
                return
            except (GeneratorExit, asyncio.CancelledError):
                raise
            except LLMError:
                raise
            except Exception as exc:  # noqa: BLE001 - every provider error becomes an LLMError
                failure = explain(exc, self.name, self.api_base, self.limits, litellm)
                if forms[form] is not None and not sent and _schema_refusal(exc, failure.kind):
                    if form + 1 < len(forms):  # the next way of asking; not counted as a retry
                        form += 1
                        attempt -= 1
                        continue
                    if self.structured == "on":
                        raise LLMError(
                            redact(self.name), f"the server refused the JSON schema of the answer ({failure.cause})",
                            'set structured = "auto" or "off" (RGPT_STRUCTURED or --structured)', False) from None
                if not failure.transient or attempt > self.retries:
                    cause = failure.cause + (f" ({attempt} attempts)" if attempt > 1 else "")
                    raise LLMError(redact(self.name), cause, failure.hint, failure.transient) from None
                if sent:
                    yield Restart(failure.cause)
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1) * (0.75 + random.random() / 2))

    async def _once(self, litellm, kwargs, messages, until=None):
        """One request: its chunks, then a Usage. Raises NoFirstWord or Stalled past the limits.
        With `until`, the stream is closed (and the model stopped) as soon as until(text) holds."""
        limits = None if self.embedded else self.limits
        loop = asyncio.get_running_loop()
        started = loop.time()

        def first_word_left():
            return None if limits is None else max(0.0, limits.first_word - (loop.time() - started))

        try:
            response = await asyncio.wait_for(litellm.acompletion(**kwargs), first_word_left())
        except asyncio.TimeoutError:
            raise NoFirstWord(limits.first_word) from None
        finished = stopped = False
        usage = None
        text = ""
        iterator = response.__aiter__()
        try:
            while not stopped:
                wait = first_word_left() if not text else (limits.idle if limits else None)
                try:
                    chunk = await asyncio.wait_for(iterator.__anext__(), wait)
                except StopAsyncIteration:
                    break
                except asyncio.TimeoutError:
                    raise (Stalled(limits.idle) if text else NoFirstWord(limits.first_word)) from None
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
        if usage is None and stopped and self.embedded:
            from .embedded import last_usage

            usage = last_usage(self.name)
        yield _usage(usage, messages, text)


def _schema_refusal(exc: BaseException, kind: str) -> bool:
    """Whether a failure of a call that sent a JSON schema may be the schema's fault: any refused
    request (the server may not name the parameter), or a server error that names it."""
    return kind == "refused-request" or (kind in ("server-error", "other") and mentions_schema(exc))


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
