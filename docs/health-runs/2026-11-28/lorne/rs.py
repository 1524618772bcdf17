"""Harrowmere turn 8 of a play at 9872886 ("I search for Lorne"), its paragraph prompt resampled N times with
Dr. Lorne's lore entry as it was and as reworded at 35c23f0 (where he is during the story). Prints each paragraph."""
import asyncio
import copy
import json
import subprocess
import sys

from rgpt_fiction.config import Settings
from rgpt_fiction.factory import make_model

OLD = ("Dr. Lorne keeps his surgery above the chandler's at Blackmarsh Staithe and rows a tarred boat over when the "
       "tide allows. He signed Silas's death certificate, heart failure, and will not set foot in the library.")
NEW = ("Dr. Lorne's surgery is at Blackmarsh Staithe, across the causeway, under water tonight: nobody in the house "
       "can reach him; he comes only by rowing his tarred boat when the tide allows. He signed Silas's death "
       "certificate, heart failure, and never enters the library.")
saves, slot, turn, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rec = json.loads(subprocess.run(["rgpt-fiction", "--saves-dir", saves, "inspect", slot, "--turn", str(turn), "--json"],
                                capture_output=True, text=True, check=True).stdout)["record"]
msgs = rec["calls"][0]["messages"]
assert OLD in msgs[1]["content"]
model = make_model(Settings(model="embedded/qwen-1.5b"))


async def one(m):
    text = ""
    async for item in model.stream(m, max_tokens=142, temperature=0.8):
        if isinstance(item, str):
            text += item
    return text


async def main():
    for lore in ("old", "new"):
        m = copy.deepcopy(msgs)
        m[1]["content"] = m[1]["content"].replace(OLD, NEW if lore == "new" else OLD)
        opening = m[2]["content"] if len(m) > 2 and m[2]["role"] == "assistant" else ""
        for i in range(n):
            print(json.dumps({"lore": lore, "i": i, "text": opening + (await one(m))}), flush=True)


asyncio.run(main())
