"""Bounded YAML reading for files a user hands us (`--kb`): no alias bombs, no unbounded nesting.

`yaml.safe_load` is safe from code execution but not from size: a 540-byte "billion laughs"
file (aliases of aliases) expands to gigabytes, and 5,000 nested lists end in a RecursionError
that names no file (RELIABILITY.md I15). Here aliases are refused outright (a knowledge-base file
has no use for them), nesting is capped, the file size is capped before parsing, and every
refusal is a `YAMLLimit` whose message names the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 16 * 2**20
MAX_DEPTH = 64


class YAMLLimit(ValueError):
    """The document breaks one of the caps; the message says which and where."""


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream: str, max_depth: int) -> None:
        super().__init__(stream)
        self._depth = 0
        self._max_depth = max_depth

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YAMLLimit(f"line {event.start_mark.line + 1}: YAML aliases (*name) are not allowed; "
                            "write the value out")
        self._depth += 1
        try:
            if self._depth > self._max_depth:
                mark = self.peek_event().start_mark
                raise YAMLLimit(f"line {mark.line + 1}: nested deeper than {self._max_depth} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse one YAML document with aliases refused and nesting capped (raises YAMLLimit or YAMLError)."""
    loader = _BoundedLoader(text, max_depth)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The file as UTF-8 text, refused past `max_bytes` before anything is parsed."""
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise YAMLLimit(f"file is larger than {max_bytes} bytes")
    return data.decode("utf-8")
