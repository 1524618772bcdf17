"""Searching turns of plays at 8a6dc7b and d1df99f, each paragraph prompt resampled N times with the search told as
its opening ("You search for the allotment") and with the find begun ("… You find"). Prints each paragraph.
Run from the repository at 6976223: rs.py N saves:slot:turn ..."""
import asyncio
import copy
import json
import re
import subprocess
import sys

from rgpt_fiction.config import Settings
from rgpt_fiction.factory import make_model

# the change measured, not kept: a search's opening went on to what it turns up
_SEARCHES = re.compile(r"^You (?:search|look (?:for|through|in|under|behind|inside)|examine|inspect|check|investigate|"
                       r"rummage|go through|comb|hunt (?:for|through)|dig)\b")


def find_begun(opening: str) -> str:
    return opening.rstrip(" .") + ". You find" if _SEARCHES.match(opening) else opening


n = int(sys.argv[1])
turns = [a.split(":") for a in sys.argv[2:]]  # saves:slot:turn
model = make_model(Settings(model="embedded/qwen-1.5b"))


async def one(m):
    text = ""
    async for item in model.stream(m, max_tokens=142, temperature=0.8):
        if isinstance(item, str):
            text += item
    return text


async def main():
    for saves, slot, turn in turns:
        out = subprocess.run(["rgpt-fiction", "--saves-dir", saves, "inspect", slot, "--turn", turn, "--json"],
                             capture_output=True, text=True, check=True).stdout
        rec = json.loads(out)
        msgs = rec["record"]["calls"][0]["messages"]
        opening = msgs[2]["content"]
        for begun in (False, True):
            m = copy.deepcopy(msgs[:3])
            m[2]["content"] = find_begun(opening) if begun else opening
            for i in range(n):
                print(json.dumps({"slot": slot, "turn": turn, "plan": rec["plan"], "begun": begun, "i": i,
                                  "text": m[2]["content"] + (await one(m))}), flush=True)


asyncio.run(main())
