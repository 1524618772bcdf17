"""Text views of the tree of turns."""

from __future__ import annotations

from .state import Game


def label(game: Game, node_id: int, width: int = 60) -> str:
    node = game.nodes[node_id]
    text = node.plan or "(opening)"
    text = text if len(text) <= width else text[: width - 1] + "…"
    return f"[{node_id}] {text}"


def render_tree(game: Game) -> str:
    """The tree with node ids, the current node marked with *, the current path with >."""
    on_path = set(game.path_ids())
    kids: dict[int | None, list[int]] = {}
    for n in sorted(game.nodes.values(), key=lambda n: n.id):
        kids.setdefault(n.parent, []).append(n.id)
    lines: list[str] = []
    stack = [(nid, 0) for nid in reversed(kids.get(None, []))]
    while stack:
        nid, depth = stack.pop()
        mark = "*" if nid == game.current else (">" if nid in on_path else " ")
        lines.append(f"{mark} {'  ' * depth}{label(game, nid)}")
        children = kids.get(nid, [])
        # a linear run is printed without further indentation, so long stories stay readable
        step = depth + 1 if len(children) > 1 else depth
        stack.extend((c, step) for c in reversed(children))
    return "\n".join(lines)
