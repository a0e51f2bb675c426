"""Read curated YAML safely: plain data only, no anchors or aliases, with line numbers.

Every mapping comes back as a :class:`Located` dict that remembers the line it starts
on, so errors can point at ``facts/file.yaml:LINE``.

>>> doc = loads("facts:\\n  - id: f-1\\n    type: Split\\n", "x.yaml")
>>> doc["facts"][0].line
2
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from kg.curate.files import read_regular
from kg.errors import fail

MAX_BYTES = 5 * 1024 * 1024
"""Curated files are hand-written; anything larger is refused before parsing."""
MAX_DEPTH = 50
"""Curated records nest four or five levels; deeper is refused before Python's recursion limit."""


class Located(dict[str, Any]):
    """A mapping that knows the line it was read from."""

    line: int = 0


class DuplicateKey(yaml.MarkedYAMLError):  # type: ignore[misc]
    """A key given twice in one mapping: YAML would keep the last value without a word."""

    def __init__(self, key: str, first: int, second: int, fact: str | None, mark: Any) -> None:
        super().__init__(problem=f"duplicate key {key!r} on lines {first} and {second}", problem_mark=mark)
        self.fact = fact


class _Loader(yaml.SafeLoader):  # type: ignore[misc]
    """SafeLoader that records lines and refuses anchors, aliases (alias bombs), duplicate keys and deep nesting."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(problem=f"nested more than {MAX_DEPTH} levels deep",
                                           problem_mark=self.peek_event().start_mark)
            return self._compose_checked(parent, index)
        finally:
            self.depth -= 1

    def _compose_checked(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="aliases are not allowed in curated files", problem_mark=event.start_mark
            )
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors are not allowed in curated files", problem_mark=event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.MarkedYAMLError(
                    problem="merge keys are not allowed in curated files",
                    problem_mark=key_node.start_mark,
                )
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:
                raise DuplicateKey(str(key_node.value), seen[key], key_node.start_mark.line + 1, _id_of(node),
                                   key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=True)


def _id_of(node: yaml.MappingNode) -> str | None:
    """The ``id`` (or ``entity``) a mapping gives itself, to name the record in an error."""
    for key_node, value_node in node.value:
        if key_node.value in ("id", "entity") and isinstance(value_node, yaml.ScalarNode):
            return str(value_node.value)
    return None


def _construct_located(loader: _Loader, node: yaml.MappingNode) -> Located:
    data = Located(loader.construct_mapping(node, deep=True))
    data.line = node.start_mark.line + 1
    return data


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_located)
# Dates stay strings: EDTF is parsed by kg.dates, not by YAML's timestamp rule.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def loads(text: str, name: str) -> Any:
    """Parse YAML text; errors name the file and line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except DuplicateKey as exc:
        raise fail(name, exc.problem, line=exc.problem_mark.line + 1, fact=exc.fact,
                   hint="keep one: YAML would silently take the last", exit_code=2) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        raise fail(name, f"malformed YAML: {exc.problem}", line=line,
                   hint="check indentation and quoting on that line", exit_code=2) from None
    except yaml.YAMLError as exc:
        raise fail(name, f"malformed YAML: {exc}", hint="check the file's syntax",
                   exit_code=2) from None
    except RecursionError:  # nesting inside one flow scalar the depth check cannot see
        raise fail(name, "malformed YAML: nested too deep", hint="curated records nest a few levels",
                   exit_code=2) from None


def load(path: Path, name: str | None = None, *, cache: ParseCache | None = None) -> Any:
    """Read and parse a YAML file; refuse special, huge, empty or non-UTF-8 files with a clear error."""
    name = name or str(path)
    raw = read_regular(path, name, limit=MAX_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(name, f"not UTF-8 (byte {exc.start})", line=line,
                   hint="save the file as UTF-8", exit_code=2) from None
    data = cache.loads(text, name) if cache is not None else loads(text, name)
    if data is None:
        raise fail(name, "file is empty", hint="add content or delete the file", exit_code=2)
    return data


class ParseCache:
    """Parsed documents by file name and content, for a process that reads the same files again and again.

    The review workspace runs the build's checks after every change it makes; parsing every
    curated file each time took most of a second. Callers must not modify what they get.

    >>> cache = ParseCache()
    >>> cache.loads("a: 1", "x.yaml") is cache.loads("a: 1", "x.yaml"), cache.loads("a: 2", "x.yaml")
    (True, {'a': 2})
    """

    def __init__(self) -> None:
        self._docs: dict[str, tuple[str, Any]] = {}

    def loads(self, text: str, name: str) -> Any:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        known = self._docs.get(name)
        if known is None or known[0] != digest:
            known = self._docs[name] = (digest, loads(text, name))
        return known[1]
