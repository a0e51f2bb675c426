"""Round-trip YAML: rewrite a curated or draft file keeping its comments, order and quoting.

The review workspace changes facts files a record at a time. Re-dumping them with a plain
YAML library would drop every comment and re-quote every string, so a one-line change would
be a whole-file diff. ``ruamel.yaml`` keeps what it read; records it adds are styled as the
curated files are written by hand: mentions on one line, facts and entities as blocks with
flow-style labels and lists, and text double-quoted.

>>> doc = load("# a comment\\nsource: src-1\\nmentions:\\n  - {entity: x, quote: \\"أ\\"}\\n")
>>> doc["mentions"].append(styled({"entity": "z", "quote": "ب"}, flow=True))
>>> print(dump(doc), end="")
# a comment
source: src-1
mentions:
  - {entity: x, quote: "أ"}
  - {entity: z, quote: "ب"}
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from kg.errors import fail

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")
_KEYWORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long Arabic quote onto a second line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str, name: str = "<yaml>") -> Any:
    """Parse YAML text for rewriting; an error names the file and line."""
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise fail(name, f"malformed YAML: {getattr(exc, 'problem', None) or exc}",
                   line=mark.line + 1 if mark else None, hint="fix the file by hand, then reload",
                   exit_code=2) from None


def dump(doc: Any) -> str:
    """The document as YAML text: unchanged parts come out as they were read."""
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def styled(value: Any, *, flow: bool = False) -> Any:
    """Plain data as round-trip nodes in the house style (``flow`` puts a mapping on one line).

    Nested mappings and lists are always on one line; strings are double-quoted unless they
    are simple words (ids, vocabulary terms).
    """
    if isinstance(value, dict):
        node = CommentedMap((key, styled(item, flow=True)) for key, item in value.items())
        if flow:
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(styled(item, flow=True) for item in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and not (_PLAIN.fullmatch(value) and value.lower() not in _KEYWORDS):
        return DoubleQuotedScalarString(value)
    return value


def plain(value: Any) -> Any:
    """Round-trip nodes as plain dicts, lists, strings and numbers (for checks and display).

    >>> plain(load("a: [1, {b: c}]"))
    {'a': [1, {'b': 'c'}]}
    """
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dt.date):  # an unquoted date: the schema reads dates as EDTF text
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else value.isoformat()
    return value
