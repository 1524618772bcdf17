"""The reader's verbs on a story, each declared once: its key in the game, its line-mode command, its
command palette entry and its help.

Line mode (`headless.py`) builds its commands, `/help` and its dispatch from `VERBS`; the TUI
builds the story screen's key bindings (`ui/verb_bindings.py`), the command palette and the
help screen from them. A verb a surface does not offer leaves that field empty: Save as has no
line-mode command, `/goto ID` and `/plans` have no key (the tree of turns and the plans list
do their work in the game). No UI import here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verb:
    name: str  # the verb's own name, and line mode's handler for it
    label: str = ""  # the key's label in the footer and on the help screen
    key: str = ""  # Textual key names, comma-separated; "" when the game has no key for it
    action: str = ""  # the story screen's action (with arguments, "alt(-1)"); default: the name
    footer: bool = True  # shown in the footer (when the screen allows it)
    title: str = ""  # the command palette's title; "" keeps it out of the palette
    description: str = ""  # the command palette's line under the title
    command: str = ""  # the line-mode command as typed ("/alt next"); "" when line mode has none
    argument: str = ""  # what the reader types after the command ("ID"), if anything
    help: str = ""  # the line-mode help text

    @property
    def screen_action(self) -> str:
        return self.action or self.name

    @property
    def usage(self) -> str:
        """The command as `/help` lists it: `/goto ID`."""
        return f"{self.command} {self.argument}".strip()


VERBS: tuple[Verb, ...] = (
    Verb("memory", "Memory", "m", "toggle_memory", title="Toggle memory", description="Show or hide the memory panel",
         command="/memory", help="show the short-term memory and the facts"),
    Verb("undo", "Undo", "u", title="Undo", description="Go back one turn",
         command="/undo", help="go back one turn"),
    Verb("redo", "Redo", "y", title="Redo", description="Go forward again",
         command="/redo", help="go forward again along the branch you came from"),
    Verb("retry", "Retry", "r", title="Retry", description="Write this turn again",
         command="/retry", help="write the current turn again (the old version is kept as an alternative)"),
    Verb("alt_prev", "Previous version", "comma", "alt(-1)", footer=False, title="Previous version",
         description="Show the previous version of this turn",
         command="/alt prev", help="show the previous version of this turn"),
    Verb("alt_next", "Next version", "full_stop", "alt(1)", footer=False, title="Next version",
         description="Show the next version of this turn",
         command="/alt next", help="show the next version of this turn"),
    Verb("edit", "Edit a paragraph", "w", "edit_passage", footer=False, title="Edit a paragraph",
         description="Rewrite a paragraph of the story in your own words (the old version is kept)",
         command="/edit", argument="[N]",
         help="edit the last paragraph, or turn N's: in $EDITOR at a terminal, else the lines you type up to a '.'"),
    Verb("pin", "Pin a fact", "p", "pin_fact", footer=False, title="Pin a fact",
         description="Keep a fact in every prompt from now on (the memory panel lists the pinned facts)",
         command="/pin", argument="TEXT", help="pin a fact: it stays in every prompt, and the storyteller never drops it"),
    Verb("unpin", command="/unpin", argument="N", help="unpin pinned fact N (/memory lists them)"),
    Verb("inspect", "What the storyteller saw", "i", footer=False, title="What the storyteller saw",
         description="The prompts of this turn part by part, with their tokens, the recalls and the raw answers",
         command="/inspect", argument="[N]", help="what the storyteller saw for this turn (or turn N)"),
    Verb("tree", "Tree", "t", title="Tree of turns", description="See the branches and jump between them",
         command="/tree", help="print the tree of turns (current marked with *)"),
    Verb("goto", command="/goto", argument="ID", help="jump to the turn with that id"),
    Verb("save_as", "Save as", "s", footer=False, title="Save as", description="Copy this game into a new slot"),
    Verb("export", "Export", "e", footer=False, title="Export", description="Write the story so far as Markdown"),
    Verb("plans", command="/plans", help="show the last paragraph and the plans again (an empty line does too)"),
    Verb("help", command="/help", help="this list"),
    Verb("leave", "Back to title", "q", footer=False, title="Back to title",
         description="Leave this story (it is saved) for the title screen",
         command="/quit", help="save and leave (so does the end of input, ctrl+d)"),
)


def keyed() -> list[Verb]:
    """The verbs the game has a key for, in the order the footer shows them."""
    return [v for v in VERBS if v.key]


def in_palette() -> list[Verb]:
    """The verbs the command palette lists."""
    return [v for v in VERBS if v.title]


def commands() -> list[Verb]:
    """The verbs line mode has a command for, in the order `/help` lists them."""
    return [v for v in VERBS if v.command]


def parse_command(line: str) -> tuple[Verb, str] | None:
    """The verb a `/command` line names, and the rest of the line (its argument); None when no verb has
    that command. `/alt next` and `/alt prev` are two verbs: the word after `/alt` says which."""
    word, _, rest = line.strip().partition(" ")
    rest = rest.strip()
    for v in commands():
        head, _, fixed = v.command.partition(" ")
        if head == word and not fixed:
            return v, rest
        if head == word and fixed == rest:
            return v, ""
    return None
