"""Where a key of a TOML text stands: the line of every key path, so a problem can name its line.

`line_index` follows tables, arrays of tables and inline arrays and tables; `find_line` gives the
line of the deepest part of a path that has one. Best effort: never raises.
"""

from __future__ import annotations

import re


def _split_key(key: str) -> tuple[str, ...]:
    """`a."b.c" . d` -> ("a", "b.c", "d")."""
    parts, buf, quote = [], "", ""
    for ch in key:
        if quote:
            if ch == quote:
                quote = ""
            else:
                buf += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
    parts.append(buf.strip())
    return tuple(parts)


_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=""")
_HEADER = re.compile(r"""^\s*(\[\[?)\s*([^\[\]]+?)\s*(\]\]?)""")


def line_index(text: str) -> dict[tuple, int]:
    """Map key paths (with array-of-tables indices) to the line they appear on.

    `("lore", 2, "text")` -> the line of `text = ...` in the third `[[lore]]`. Items of
    arrays written inline are indexed too: `("first_choices", 1)`. Best effort: it never
    raises, and anything it cannot follow is simply not indexed.
    """
    index: dict[tuple, int] = {}
    counters: dict[tuple, int] = {}
    table: tuple = ()
    ml = ""  # the delimiter of the multi-line string we are inside, if any
    stack: list[dict] = []  # the open [ and { of the current value

    def item(number: int) -> tuple | None:
        """Register the start of an array item, if the innermost bracket is an array awaiting one."""
        if stack and stack[-1]["kind"] == "[" and not stack[-1]["in_item"]:
            top = stack[-1]
            path = top["path"] + (top["count"],)
            index.setdefault(path, number)
            top["count"] += 1
            top["in_item"] = True
            return path
        return None

    for number, line in enumerate(text.splitlines(), start=1):
        pos, value_path = 0, table
        if not ml and not stack:
            header = _HEADER.match(line)
            key = _KEY.match(line)
            if header and not key:
                path = _split_key(header.group(2))
                if header.group(1) == "[[":
                    counters[path] = counters.get(path, 0) + 1
                    table = path + (counters[path] - 1,)
                else:
                    table = path
                index.setdefault(table, number)
                continue
            if not key:
                continue
            value_path = table + _split_key(key.group(1))
            index.setdefault(value_path, number)
            pos = key.end()
        i, n = pos, len(line)
        while i < n:
            if ml:
                end = line.find(ml, i)
                if end < 0:
                    break
                i, ml = end + 3, ""
                continue
            ch = line[i]
            if ch.isspace():
                i += 1
            elif ch == "#":
                break
            elif ch == ",":
                if stack and stack[-1]["kind"] == "[":
                    stack[-1]["in_item"] = False
                i += 1
            elif ch in "\"'":
                item(number)
                if line.startswith(ch * 3, i):
                    end = line.find(ch * 3, i + 3)
                    if end < 0:
                        ml = ch * 3
                        break
                    i = end + 3
                    continue
                j = i + 1
                while j < n and line[j] != ch:
                    j += 2 if (ch == '"' and line[j] == "\\") else 1
                i = j + 1
            elif ch in "[{":
                path = item(number) or (stack[-1]["path"] if stack else value_path)
                stack.append({"kind": ch, "path": path, "count": 0, "in_item": False})
                i += 1
            elif ch in "]}":
                if stack:
                    stack.pop()
                i += 1
            else:
                item(number)
                while i < n and line[i] not in ",]}#" and not line[i].isspace():
                    i += 1
    return index


def find_line(index: dict[tuple, int], loc: tuple) -> int | None:
    """The line of `loc` in an index from `line_index`, or of its nearest parent that has one."""
    for cut in range(len(loc), 0, -1):
        line = index.get(tuple(loc[:cut]))
        if line:
            return line
    return None
