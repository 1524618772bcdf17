"""Resampling a saved turn's paragraph prompt on the default model: how a prompt change is measured on the model's own
text (the `rs.py` scripts of docs/health-runs/2026-11-28/ print each paragraph as a JSON line for a blind judge)."""

from __future__ import annotations

from pathlib import Path


def turn_record(saves: str | Path, slot: str, turn: int) -> dict:
    """What `rgpt-fiction --saves-dir SAVES inspect SLOT --turn N --json` prints: the turn's plan and its record,
    whose first call's messages are the paragraph prompt."""
    from rgpt_fiction.engine.trace_view import inspect_turn, inspection_json, path_turn
    from rgpt_fiction.saves.shelf import Shelf
    from rgpt_fiction.saves.traces import TraceFile

    shelf_slot = Shelf(Path(saves)).slot(slot)
    game = shelf_slot.load()
    return inspection_json(inspect_turn(game, TraceFile.of(shelf_slot.path), path_turn(game, turn).id))


def paragraph_messages(saves: str | Path, slot: str, turn: int) -> tuple[str, list[dict]]:
    """The plan of a saved turn and its paragraph prompt (the system and user messages, and the answer begun when
    there is one)."""
    record = turn_record(saves, slot, turn)
    return record["plan"], record["record"]["calls"][0]["messages"]


def default_model():
    """The embedded default storyteller, as the game starts it."""
    from rgpt_fiction.config import Settings
    from rgpt_fiction.factory import make_model

    return make_model(Settings(model="embedded/qwen-1.5b"))


async def written(model, messages: list[dict], max_tokens: int = 142, temperature: float = 0.8) -> str:
    """One paragraph the model writes for `messages` (its words after an answer begun), sampled as a turn samples."""
    text = ""
    async for item in model.stream(messages, max_tokens=max_tokens, temperature=temperature):
        if isinstance(item, str):
            text += item
    return text


def with_plan(messages: list[dict], plan: str, line: str = "", drop: tuple[str, ...] = ()) -> list[dict]:
    """The paragraph prompt `messages` for another `plan`: the plan put in, the instruction kept without what a plan
    adds to it (the asking sentence, and each of `drop`: "The ledger is still hidden"), `line` added to it, and the
    plan's opening words begun as the game begins them."""
    from rgpt_fiction.engine.prompts import HEADING, opening_words

    system, user = messages[0], messages[1]["content"]
    head = user[:user.index(HEADING["plan"])]
    instruction = user[user.index(HEADING["instruction"]):]
    for marker in (" When the reader asks", *drop):
        instruction = instruction.split(" " + marker.strip())[0]
    out = [system, {"role": "user", "content": f"{head}{HEADING['plan']} {plan}\n\n{instruction}{line}"}]
    opening = opening_words(plan)
    return out + [{"role": "assistant", "content": opening}] if opening else out
