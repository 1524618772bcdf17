"""What went wrong with a model call, in the reader's words.

Every exception a provider call can raise (litellm's classes, our own timeouts, a cut
stream) becomes a Failure: the cause, what to do about it, and whether waiting can fix
it. Only transient causes (rate limits, 5xx, a dropped connection) are retried, and only
they tell the reader to try again in a moment. README.md has the table of causes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

_SECRET_NAMES = ("KEY", "TOKEN", "SECRET", "PASSWORD")

EXAMPLE_MODELS = (
    "embedded/smollm2, openai/gpt-4o-mini, anthropic/claude-3-5-haiku-latest, ollama/llama3.1, "
    "or openai/NAME with --api-base http://127.0.0.1:8080/v1 for a local server"
)


class StreamCut(Exception):
    """The stream ended without a finish reason: the connection died mid-answer."""


class NoFirstWord(Exception):
    """The server took the request but wrote nothing within the first-word limit."""

    def __init__(self, seconds: float):
        super().__init__(f"no first word within {seconds:g} s")
        self.seconds = seconds


class Stalled(Exception):
    """The server stopped writing in the middle of an answer."""

    def __init__(self, seconds: float):
        super().__init__(f"silent for {seconds:g} s mid-answer")
        self.seconds = seconds


@dataclass
class Limits:
    """The waits of one call, in seconds, as the reader set them."""

    connect: float = 10.0
    first_word: float = 90.0
    idle: float = 30.0


@dataclass
class Failure:
    kind: str  # short name of the cause (the README table lists them)
    cause: str
    hint: str
    transient: bool  # waiting may fix it: retried, and the reader may try again later


def redact(text: str) -> str:
    """Remove credentials from a message shown to the reader: secret-looking environment
    values, bearer tokens, and the user:password part of URLs."""
    for name, value in os.environ.items():
        if value and len(value) >= 8 and any(part in name.upper() for part in _SECRET_NAMES):
            text = text.replace(value, "[redacted]")
    text = re.sub(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}", r"\1[redacted]", text)
    text = re.sub(r"\b(sk|pk|rk)-[A-Za-z0-9_\-]{8,}", "[redacted]", text)
    return re.sub(r"(://)[^/@\s:]+(:[^/@\s]*)?@", r"\1[redacted]@", text)


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _provider(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else model


def key_variable(model: str, litellm=None) -> str:
    """The environment variable that holds the key for this model's provider."""
    if litellm is not None:
        try:
            missing = litellm.validate_environment(model=model).get("missing_keys") or []
            named = [k for k in missing if k.endswith(("_KEY", "_TOKEN"))]
            if named:
                return named[0]
        except Exception:  # noqa: BLE001 - a guess from the provider name below
            pass
    provider = _provider(model).upper().replace("-", "_")
    return {"GEMINI": "GEMINI_API_KEY", "HUGGINGFACE": "HF_TOKEN"}.get(provider, f"{provider}_API_KEY")


_MISSING_KEY = re.compile(
    r"missing (?:\w+ )?(?:credentials|api key)|api_key client option must be set|no api key"
    r"|api key (?:is )?(?:not set|missing|required)|\w+_API_KEY`? (?:environment variable )?(?:is )?not set", re.I)
_REFUSED_CLASSES = {"ConnectionRefusedError", "ConnectError", "ClientConnectorError", "gaierror"}
_DROPPED_CLASSES = {"RemoteProtocolError", "ReadError", "ConnectionResetError", "ServerDisconnectedError",
                    "ClientPayloadError", "IncompleteRead", "BrokenPipeError"}
_REFUSED = re.compile(r"connection refused|connect call failed|errno 111|cannot connect|name or service not known"
                      r"|nodename nor servname|no route to host|network is unreachable|getaddrinfo", re.I)
_SCHEMA_WORDS = re.compile(r"response_format|json_schema|json schema|grammar|guided|structured output", re.I)


def mentions_schema(exc: BaseException) -> bool:
    return bool(_SCHEMA_WORDS.search(str(exc)))


_PREFIX = re.compile(r"^(?:\s*(?:litellm\.\w+|\w*(?:Error|Exception))\s*(?::|-)\s*)+")


def _short(text: str) -> str:
    """The provider's own words, without the class names litellm puts before them."""
    line = next((part for part in text.split("\n") if part.strip()), "")
    return _PREFIX.sub("", line).strip()[:240]


def explain(exc: BaseException, model: str, api_base: str | None, limits: Limits, litellm=None) -> Failure:
    """The reader's explanation of an exception raised by a model call."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    full = redact(str(exc))
    text = _short(full)
    where = f" at {redact(api_base)}" if api_base else ""
    setting_hint = "raise the limit with RGPT_{} or `{}` in the settings file"

    if isinstance(exc, StreamCut):
        return Failure("cut", "the connection was cut before the answer finished", "try the turn again", True)
    if isinstance(exc, NoFirstWord):
        return Failure(
            "no-first-word", f"the model server{where} took the request but wrote nothing for {exc.seconds:g} s",
            "it may be stuck or overloaded: check the server; a slow local server reading a long prompt may "
            "need more time (" + setting_hint.format("TIMEOUT", "timeout") + ")", False)
    if isinstance(exc, Stalled):
        return Failure(
            "stalled", f"the model server{where} stopped writing for {exc.seconds:g} s in the middle of the answer",
            "check the server; " + setting_hint.format("IDLE_TIMEOUT", "idle_timeout"), False)
    missing_file = [e for e in _chain(exc) if type(e).__name__ == "EmbeddedModelError" or "no GGUF model file" in str(e)]
    if missing_file:
        return Failure("model-file", _short(redact(str(missing_file[-1]))),
                       "give the path of a .gguf file after embedded/, e.g. embedded//home/you/models/model.gguf",
                       False)
    inner_names = {type(e).__name__ for e in _chain(exc)}
    if "ReadTimeout" in inner_names:  # httpx's backstop behind our own first-word limit
        return explain(NoFirstWord(limits.first_word), model, api_base, limits, litellm)
    if isinstance(exc, TimeoutError) or name in ("Timeout", "APITimeoutError"):
        # the read limits are ours (NoFirstWord, Stalled): a timeout from the client is the connection's
        return Failure(
            "connect-timeout", f"could not connect to the model server{where} within {limits.connect:g} s",
            "is the server running, and is --api-base right? "
            + setting_hint.format("CONNECT_TIMEOUT", "connect_timeout"), False)
    if name == "AuthenticationError" or status == 401 or _MISSING_KEY.search(full):
        var = key_variable(model, litellm)
        if _MISSING_KEY.search(full):
            return Failure("missing-key", f"no API key for {_provider(model)}: {var} is not set",
                           f"set {var} in the environment (export {var}=...) and start the game again", False)
        return Failure("wrong-key", "the provider refused the API key (HTTP 401)",
                       f"check the key in {var} (a wrong, expired or revoked key) and start the game again", False)
    if name == "PermissionDeniedError" or status == 403:
        return Failure("forbidden", f"the provider refused access (HTTP 403): {text}",
                       "the key has no access to this model; check the account or pick another model", False)
    if "LLM Provider NOT provided" in full or "provider not provided" in full.lower():
        return Failure("unknown-provider", f"'{model}' names no provider litellm knows",
                       f"a model string starts with its provider: {EXAMPLE_MODELS}", False)
    if name == "NotFoundError" or status == 404:
        hint = f"check the model name; model strings look like {EXAMPLE_MODELS}"
        if api_base:
            hint = (f"check the model name (the server lists its models at {redact(api_base).rstrip('/')}/models) "
                    "and that --api-base is right (it usually ends in /v1)")
        return Failure("unknown-model", f"the provider does not know the model '{model}' (HTTP 404)", hint, False)
    if name == "ContextWindowExceededError":
        return Failure("too-long", "the prompt is longer than the model's context window",
                       "use a model with a longer context, or fewer paragraph words", False)
    if name == "RateLimitError" or status == 429:
        return Failure("rate-limit", "rate limited by the provider (HTTP 429)",
                       "wait a minute before the next turn, or check your plan's limits", True)
    if inner_names & _REFUSED_CLASSES or name == "APIConnectionError" and _REFUSED.search(full):
        return Failure("refused", f"cannot reach the model server{where}",
                       "is it running? check the model string and --api-base", False)
    if name == "APIConnectionError" or inner_names & _DROPPED_CLASSES or "Connection error" in text:
        # litellm gives these status 500 too: they are not the server's answer
        return Failure("dropped", f"the connection to the model server{where} failed ({text})",
                       "try the turn again; if it keeps failing, check the server and --api-base", True)
    if name in ("InternalServerError", "ServiceUnavailableError", "BadGatewayError", "APIError") and (
        status is None or status >= 500
    ) or (status and status >= 500):
        return Failure("server-error", f"the model server{where} failed (HTTP {status or '5xx'}): {text}",
                       "the server has trouble; try again in a moment, or look at its log", True)
    if name in ("BadRequestError", "UnsupportedParamsError", "UnprocessableEntityError") or status in (400, 422):
        return Failure("refused-request", f"the server refused the request: {text}",
                       "check the model string and the settings", False)
    return Failure("other", f"{name}: {text}", "check the model settings; the story is unchanged", False)
