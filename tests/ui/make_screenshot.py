"""Write docs/story-screen.svg: the story screen after two turns, for the README.

    python tests/ui/make_screenshot.py [OUT.svg]

A scripted model plays the storyteller so the picture is the same on every run (the
embedded model's prose is weaker and different each time). Uses a temporary saves
folder and settings file; nothing of yours is touched.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

TURNS = [
    (
        "Hesketh lowers his pole and looks at you for a long moment, rain running off the brim of his hat. "
        "\"Mara,\" he says at last, as if tasting the name. \"The map-maker. She asked me which lamps go out "
        "first when the fog comes in, and wrote down every answer.\" He nods toward the lighthouse, its beam "
        "sweeping the black water. \"Third night she asked, she didn't come back down.\"",
        {
            "memory": "Wren reached Saltmere by ferry in the rain, looking for her sister Mara, a cartographer "
                      "who stopped writing three weeks ago. Old Hesketh the lamplighter remembers Mara asking "
                      "which lamps fail first in fog; on the third night she climbed to the lighthouse and "
                      "did not come back down.",
            "facts": ["Mara asked Hesketh about the lamps and the fog", "Mara was last seen going up to the lighthouse"],
            "plans": [
                "Ask Hesketh to take you up to the lighthouse tonight.",
                "Show him Mara's last letter and ask what the drawing on it means.",
                "Thank him, then slip into the Gull to hear what the fishermen say.",
            ],
        },
    ),
    (
        "The Gull is warm and loud and smells of tar. Nobody looks up when you come in, which is its own kind "
        "of looking. At the long table a woman in oilskins is telling a story about lights moving on the "
        "headland where no road goes, and when you sit down across from her she stops mid-sentence. \"You've "
        "her eyes,\" she says quietly. \"Your sister's. She sat right there and drew the whole harbour on a "
        "napkin.\"",
        {
            "memory": "Wren reached Saltmere looking for her sister Mara. Hesketh the lamplighter says Mara went up "
                      "to the lighthouse on her third night and did not come back down. In the Gull tavern a "
                      "woman in oilskins, telling of lights on the headland where no road goes, recognised Wren "
                      "as Mara's sister: Mara drew the harbour on a napkin at that table.",
            "facts": ["Lights move on the headland where no road goes", "Mara drew the harbour on a napkin in the Gull"],
            "plans": [
                "Ask the woman whether she still has the napkin.",
                "Ask where on the headland the lights were seen.",
                "Buy her a drink and let her tell the whole story.",
            ],
        },
    ),
]


async def main(out: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rgpt-shot-"))
    os.environ["RGPT_CONFIG"] = str(tmp / "settings.toml")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from rgpt_fiction.config import load_settings
    from rgpt_fiction.llm.scripted import ScriptedModel
    from rgpt_fiction.memory.embedder import Embedder
    from rgpt_fiction.ui.app import RgptApp

    script = []
    for paragraph, update in TURNS:
        script += [paragraph, json.dumps(update)]
    app = RgptApp(
        load_settings(), model=ScriptedModel(script, name="openai/gpt-4o-mini"), embedder=Embedder(),
        saves_dir=tmp / "saves", worlds_dirs=[ROOT / "tests" / "data"], shipped_worlds=False,
    )
    async with app.run_test(size=(100, 32)) as pilot:
        await app.wait_storyteller()
        await pilot.press("n", "enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        for keys in (["1"], ["tab", *"I go to the Gull and listen", "enter"]):
            await _settle(pilot)
            await pilot.press(*keys)
        await _settle(pilot)
        app.screen.story.last_stats.total_seconds = 3.2
        app.screen.update_status()
        app.clear_notifications()
        await pilot.pause()
        out.parent.mkdir(parents=True, exist_ok=True)
        app.save_screenshot(filename=out.name, path=str(out.parent))
    print(f"wrote {out}")


async def _settle(pilot) -> None:
    for _ in range(100):
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            await pilot.pause()
            return
        await pilot.app.workers.wait_for_complete()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "story-screen.svg"))
