"""The tree of turns: every branch, each node labelled with its plan; Enter jumps there."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.containers import Vertical
from textual.widgets import Footer, Static, Tree

LABEL_WIDTH = 70


def node_label(game, node_id: int, on_path: set[int], width: int = LABEL_WIDTH) -> Text:
    """One row of the tree, at most `width` cells: where you are, the turn, its plan and, for the
    versions of one turn (which share their plan), which version and how it begins."""
    node = game.nodes[node_id]
    versions = game.versions(node_id)
    plan = node.plan or "(opening)"
    plan_width = width - 6 if len(versions) < 2 else max(16, (width - 12) // 2)
    if len(plan) > plan_width:
        plan = plan[: plan_width - 1] + "…"
    text = Text(no_wrap=True, overflow="ellipsis")
    if node_id == game.current:
        text.append("● ", style="bold")
    elif node_id in on_path:
        text.append("› ")
    else:
        text.append("  ")
    text.append(f"{node.depth:>3} ", style="dim")
    if len(versions) > 1:
        text.append(f"v{versions.index(node_id) + 1}/{len(versions)} ", style="italic")
    text.append(plan, style="bold" if node_id == game.current else ("" if node_id in on_path else "dim"))
    if len(versions) > 1:
        text.append(" — " + " ".join(node.paragraph.split()[:12]), style="italic dim")
    text.truncate(width, overflow="ellipsis")
    return text


class TreeScreen(ModalScreen[int | None]):
    """Dismisses with the chosen node id, or None. A run of turns without branches stays at one
    level, so a long story does not become a staircase; branches indent."""

    BINDINGS = [  # Enter has priority so the footer shows it (the tree's own Enter is not shown)
        Binding("escape", "dismiss_none", "Close"),
        Binding("enter", "choose", "Go there", priority=True),
    ]

    def __init__(self, game) -> None:
        super().__init__(classes="dialog-screen")
        self.game = game

    def compose(self) -> ComposeResult:
        with Vertical(id="tree-box"):
            yield Static("The tree of turns: Enter jumps to a turn, Space folds a branch; ● is where you are.", classes="panel-heading")
            yield Tree(Text(self.game.world.title), id="turn-tree")
        yield Footer()

    def on_mount(self) -> None:
        tree = self.query_one("#turn-tree", Tree)
        game = self.game
        on_path = set(game.path_ids())
        kids: dict[int | None, list[int]] = {}
        for n in sorted(game.nodes.values(), key=lambda n: n.id):
            kids.setdefault(n.parent, []).append(n.id)
        tree.root.expand()
        width = max(30, min(LABEL_WIDTH + 20, int(self.app.size.width * 0.9) - 10))
        current = None
        # (container, node id, whether the node heads a branch); the story's runs stay flat
        stack = [(tree.root, nid, False) for nid in reversed(kids.get(None, []))]
        while stack:
            container, nid, heads = stack.pop()
            children = kids.get(nid, [])
            label = node_label(game, nid, on_path, width)
            if heads and children:
                tn = container.add(label, data=nid, expand=True)
                inner = tn
            else:
                tn = container.add_leaf(label, data=nid)
                inner = container
            if len(children) == 1:
                stack.append((inner, children[0], False))
            else:
                stack.extend((inner, c, True) for c in reversed(children))
            if nid == game.current:
                current = tn
        tree.focus()
        if current is not None:
            self.call_after_refresh(self._goto, current)

    def _goto(self, node) -> None:
        tree = self.query_one("#turn-tree", Tree)
        tree.move_cursor(node)
        tree.scroll_to_node(node, animate=False)

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data is not None:
            self.dismiss(event.node.data)

    def action_choose(self) -> None:
        node = self.query_one("#turn-tree", Tree).cursor_node
        if node is not None and node.data is not None:
            self.dismiss(node.data)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
