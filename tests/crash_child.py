"""A game process for the crash tests: plays turns on a scripted model and reports each commit.

usage: python crash_child.py SAVES_DIR TURNS [edit]
Prints "committed TURN SHA1-OF-PARAGRAPH" after every committed turn. With `edit`, then pins a fact
(prints "pinned") and edits turn 1's paragraph to EDITED, keeping the turns after it (prints "edited").
"""

import asyncio
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from hash_embedder import HashEmbedder  # noqa: E402

from rgpt_fiction.engine.state import Persona  # noqa: E402
from rgpt_fiction.llm.scripted import ScriptedModel  # noqa: E402
from rgpt_fiction.saves.slot import Slot  # noqa: E402
from rgpt_fiction.session import open_story  # noqa: E402
from rgpt_fiction.world import load_world  # noqa: E402


EDITED = "A violet lighthouse keeper named Osric rows you across the bay while humming a funeral hymn."
PIN = "Mara is alive"


def report(story):
    digest = hashlib.sha1(story.node.paragraph.encode()).hexdigest()
    print(f"committed {story.game.turn} {digest}", flush=True)


async def main(saves: str, turns: int, edit: bool = False) -> None:
    world = load_world(HERE / "data" / "harbour.toml")
    story, _ = open_story(Slot(saves, "crash"), ScriptedModel(delay=0.003), HashEmbedder(), world=world,
                          persona=Persona("Wren"))
    if not story.game.nodes:
        async for _ in story.start():
            pass
    report(story)
    for i in range(turns):
        async for _ in story.play(story.plans[i % 3]):
            pass
        report(story)
    if edit:
        story.pin(PIN)
        print("pinned", flush=True)
        async for _ in story.edit(story.game.path_ids()[1], EDITED, later="keep"):
            pass
        print("edited", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3:] == ["edit"]))
