"""Reading what the storyteller saw for a turn (engine/trace.py): its record found (through the copies an
edit kept), and shown as sections of text (headless `inspect`, line mode's /inspect, the TUI's inspect
screen) or as JSON with every part's text (`inspect --json`)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..errors import ReaderError
from .state import Game, Node
from .text import clip_words
from .trace import TraceLog

WRITTEN = {"model": "written by the storyteller", "edit": "your edit (the storyteller wrote its plans and memory)",
           "given": "the world's own opening (the storyteller was not asked)", "copy": "a copy"}


class InspectError(ReaderError, LookupError):
    """A turn that cannot be inspected (no such turn); the message says which turns there are."""


@dataclass
class Inspection:
    """A turn and what the storyteller saw for it: `record` is its trace (for a copy kept after an edit,
    the trace of the turn it copies, `copied_from`); None when none was kept, and `note` says why."""

    node: Node
    record: dict[str, Any] | None
    note: str = ""
    copied_from: int | None = None


def path_turn(game: Game, number: int) -> Node:
    """Turn `number` (0: the opening) of the path the reader is on."""
    path = game.path()
    if not 0 <= number < len(path):
        raise InspectError(f"there is no turn {number} on this story: its turns are 0 to {len(path) - 1}")
    return path[number]


def inspect_turn(game: Game, traces: TraceLog | None, node_id: int) -> Inspection:
    if node_id not in game.nodes:
        raise InspectError(f"there is no turn with id {node_id}")
    node = game.nodes[node_id]
    record = traces.read(node_id) if traces is not None else None
    seen: set[int] = {node_id}
    original: int | None = None
    while record is not None and record.get("written") == "copy":
        original = record.get("copied_from")
        if not isinstance(original, int) or original in seen:
            record = None
            break
        seen.add(original)
        record = traces.read(original) if traces is not None else None
    if original is None and node.copied_from is not None:
        original = node.copied_from
    note = ""
    if original is not None:
        note = (f"This turn is a copy of turn id {original}, kept as it was when you edited a turn before it. "
                "What the storyteller saw when it wrote it:")
    if record is None:
        note = (note + " " if note else "") + (
            "Nothing was recorded for this turn: it was written before the game kept what the storyteller saw."
            if traces is not None else "This story keeps no record of what the storyteller saw.")
    return Inspection(node, record, note, original)


def _tokens(call: dict[str, Any]) -> str:
    by = "as the backend counted" if call.get("prompt_tokens_by") == "the backend" else "estimated"
    cached = call.get("cached_tokens")
    text = f"{call.get('prompt_tokens', 0)} prompt tokens ({by})"
    if cached:
        text += f", {cached} of them from the backend's cache"
    if call.get("completion_tokens") is not None:
        text += f"; {call['completion_tokens']} tokens written"
    return text


def _part_line(part: dict[str, Any]) -> str:
    budget = part.get("budget_words")
    words = f"{part['words']}/{budget} words" if budget else f"{part['words']} words"
    return f"{part['label']:<26} {part['tokens']:>6} tokens   {words}"


def sections(ins: Inspection) -> list[tuple[str, str]]:
    """(heading, body) pairs, in reading order: the turn, what was recalled and why, each call (its parts
    with their tokens against their budgets, its messages part by part, the raw answer), the repairs."""
    node, record = ins.node, ins.record
    head = f"Turn {node.depth} (id {node.id})" + (f", after: {node.plan}" if node.plan else ", the opening")
    out: list[tuple[str, str]] = []
    if record is None:
        return [(head, ins.note)]
    kind = WRITTEN.get(str(record.get("written")), str(record.get("written")))
    if record.get("edited_from") is not None:
        kind += f", edited from turn id {record['edited_from']}"
    summary = f"{kind}; model: {record.get('model') or '(none)'}; {len(record.get('calls', []))} model call(s)."
    if node.event is not None:
        summary += f"\nIt ends with the world's event {node.event + 1}, told by the game (the world file's `events`)."
    out.append((head, (ins.note + "\n" if ins.note else "") + summary))
    recalls = record.get("recalls") or []
    lines = []
    for r in recalls:
        where = "lore" if r.get("kind") == "lore" else f"turn {r.get('turn')} (id {r.get('node')})"
        lines.append(f"{r.get('score', 0):.2f}  {where}: {r.get('why', '')}\n      {clip_words(r.get('text', ''), 40)}")
    out.append(("Recalled from long-term memory", "\n".join(lines) or "Nothing was recalled."))
    for n, call in enumerate(record.get("calls") or [], 1):
        what = "the paragraph" if call.get("purpose") == "paragraph" else "the plans, memory and facts (update)"
        parts = call.get("parts") or []
        table = "\n".join(_part_line(p) for p in parts)
        told = sum(p["tokens"] for p in parts)
        note = f"Part tokens: {call.get('part_tokens_by')}; together {told}."
        out.append((f"Call {n}: {what} — {_tokens(call)}", f"{table}\n{note}"))
        messages = call.get("messages") or []
        shown = []
        for p in parts:
            text = (messages[p["message"]].get("content") or "")[p["start"]:p["end"]].strip()
            shown.append(f"── {p['label']} ({p['role']}) · {p['tokens']} tokens ──\n{text}")
        out.append((f"Call {n}: the messages as sent", "\n\n".join(shown)))
        answer = call.get("answer") or "(nothing)"
        if call.get("restarts"):
            answer += "\n(restarted: " + "; ".join(call["restarts"]) + ")"
        out.append((f"Call {n}: the model's answer, as written", answer))
    repairs = record.get("repairs") or []
    out.append(("Repairs", "\n".join(f"- {r}" for r in repairs) or "None: the answers were used as written."))
    return out


def render_text(ins: Inspection, width: int = 0) -> str:
    """The sections as plain text (headless `inspect`, line mode's /inspect)."""
    blocks = []
    for heading, body in sections(ins):
        blocks.append(f"{heading}\n{'=' * min(len(heading), width or len(heading))}\n{body}")
    return "\n\n".join(blocks) + "\n"


def inspection_json(ins: Inspection) -> dict[str, Any]:
    """The inspection as JSON: the turn, and its record with each prompt part's own text."""
    record = copy.deepcopy(ins.record) if ins.record is not None else None
    for call in (record or {}).get("calls") or []:
        messages = call.get("messages") or []
        for part in call.get("parts") or []:
            part["text"] = (messages[part["message"]].get("content") or "")[part["start"]:part["end"]]
    return {"node": ins.node.id, "turn": ins.node.depth, "plan": ins.node.plan, "copied_from": ins.copied_from,
            "note": ins.note, "record": record}
