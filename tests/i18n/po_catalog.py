"""Read a gettext .po file as makemessages writes it (no dependency: the format is small)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

_LINE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    plurals: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The key a compiled catalog (.mo) files it under."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is None:
            return [self.msgstr]
        return [self.plurals[i] for i in sorted(self.plurals)]


def read_po(path: Path) -> list[Entry]:
    """Every entry, the header (msgid "") first; obsolete (#~) entries are not read."""
    entries: list[Entry] = []
    entry, last = Entry(), None
    started = False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if started:
                entries.append(entry)
            entry, last, started = Entry(), None, False
        elif line.startswith("#,"):
            entry.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := _LINE.match(line):
            started = True
            keyword, index, value = match.group(1), match.group(2), ast.literal_eval(match[3])
            last = int(index) if index is not None else keyword
            if index is not None:
                entry.plurals[int(index)] = value
            else:
                setattr(entry, keyword, value)
        elif line.startswith('"') and last is not None:
            value = ast.literal_eval(line)
            if isinstance(last, int):
                entry.plurals[last] += value
            else:
                setattr(entry, last, getattr(entry, last) + value)
        else:
            raise ValueError(f"{path.name}: cannot read {line!r}")
    return entries
