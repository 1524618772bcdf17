"""The litellm provider for `embedded/...` models: a generation runs in a worker thread (one at a
time per process) and streams its chunks back to the event loop; a caller that stops reading
stops the generation, and its token counts are still recorded."""

from __future__ import annotations

import asyncio
import threading
import time

from .embedded import _gen_lock, _generate, _running, _usage, decoding_for, load


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
