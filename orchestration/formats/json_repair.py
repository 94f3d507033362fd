"""Repair the JSON-LD that browsers and search engines read although it is not valid JSON. Pure.

Only damage that has one reading is undone, and only outside strings: HTML comments (whole, or
wrapped around the JSON), CDATA markers, JavaScript comments, control characters, trailing
commas, and closers lost at the very end. A string cut short or a comma missing in the middle
is left for the caller to report.
"""

from __future__ import annotations


def repair_json(text: str) -> str:
    """Undo the damage browsers tolerate, outside strings only: comment and CDATA wrappers,
    JavaScript comments, control characters, trailing commas, and closers missing at the end."""
    text = text.strip()
    out: list[str] = []
    closers: list[str] = []
    in_string = escaped = False
    position = 0
    while position < len(text):
        character = text[position]
        if in_string:
            out.append(character)
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
            out.append(character)
        elif text.startswith("<!--", position):
            # A whole HTML comment before the JSON, or the opening of one wrapped around it.
            close = text.find("-->", position + 4)
            opening = min((found for found in (text.find("{", position), text.find("[", position)) if found >= 0),
                          default=-1)
            position = close + 3 if close >= 0 and (opening < 0 or close < opening) else position + 4
            continue
        elif text.startswith(("-->", "]]>"), position):
            position += 3
            continue
        elif text.startswith("<![CDATA[", position):
            position += 9
            continue
        elif text.startswith("//", position):
            newline = text.find("\n", position)
            position = len(text) if newline < 0 else newline
            continue
        elif text.startswith("/*", position):
            end = text.find("*/", position + 2)
            position = len(text) if end < 0 else end + 2
            continue
        elif character in "{[":
            closers.append("}" if character == "{" else "]")
            out.append(character)
        elif character in "}]":
            while out and out[-1].isspace():
                out.pop()
            if out and out[-1] == ",":
                out.pop()  # a trailing comma
            if closers and closers[-1] == character:
                closers.pop()
            out.append(character)
        elif ord(character) >= 0x20 or character in "\t\n\r":
            out.append(character)
        position += 1
    repaired = "".join(out).rstrip().rstrip(",")
    if in_string:
        return repaired  # a string cut short: not guessed at
    return repaired + "".join(reversed(closers))
