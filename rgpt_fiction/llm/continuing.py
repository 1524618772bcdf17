"""An answer whose first words are given: the model's own chat template (from the GGUF file)
renders the conversation with the answer opened, and the given words are appended, so the model
writes on from its last word instead of choosing how to begin."""

from __future__ import annotations


def continuing(llm, kwargs: dict) -> dict:
    """Completion arguments for a chat whose last message is the start of the answer (an assistant
    message to continue, not to close): the model's chat template renders the messages before it
    with the answer opened, then the start is appended, so the model writes on from its last word."""
    messages = kwargs.pop("messages")
    result = formatter(llm)(messages=messages[:-1])
    text = result.prompt + (messages[-1].get("content") or "")
    kwargs["prompt"] = llm.tokenize(text.encode("utf-8"), add_bos=not result.added_special, special=True)
    kwargs["stop"] = [*kwargs.get("stop", []), *(result.stop if isinstance(result.stop, list) else [result.stop])]
    kwargs["stopping_criteria"] = result.stopping_criteria
    return kwargs


def formatter(llm):
    """The model's own chat template (from the GGUF file), opening the answer; made once per model."""
    if getattr(llm, "rgpt_formatter", None) is None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        from .embedded import EmbeddedModelError

        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise EmbeddedModelError("this GGUF file has no chat template, so an answer cannot be continued")
        eos, bos = llm.token_eos(), llm.token_bos()
        llm.rgpt_formatter = Jinja2ChatFormatter(
            template=template, eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
            bos_token=llm._model.token_get_text(bos) if bos != -1 else "", stop_token_ids=[eos],
        )
    return llm.rgpt_formatter


