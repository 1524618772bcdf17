"""Exports: the current path as a readable Markdown story, or the whole tree as JSON."""

from __future__ import annotations

import json

from .state import Game


def export_markdown(game: Game) -> str:
    lines = [f"# {game.world.title}", "", f"*A story played by {game.persona.name}.*", ""]
    for node in game.path():
        if node.plan:
            lines += [f"> **{'You' if node.own_plan else 'Choice'}:** {node.plan}", ""]
        lines += [node.paragraph, ""]
    return "\n".join(lines).rstrip() + "\n"


def export_json(game: Game) -> str:
    doc = game.to_dict()
    doc["path"] = game.path_ids()
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
