"""The one way the builder reads the YAML people write: editorial files and translations.

Editors type ``editorial/*.yml`` by hand and outside contributors send
``translations/en/*.yml``, so a mistake in either must cost one message naming
``file:line`` and lose only the record it spoils, never the build.  Hence:

* the parser's events become plain JSON-like data in one linear pass, instead of
  ``yaml.safe_load``, which expands aliases (a 500-byte "billion laughs" file grows
  to gigabytes), recurses once per nesting level and forgets where values were;
  anchors and aliases are refused, and size, nesting depth and node count are bounded;
* every node's line is kept under its path (``("units", 3, "text")``), so an error
  about any value, not only a mapping, names its line;
* every file is checked against a JSON Schema in ``builder/schemas/`` (data, not
  code); each error is tied to the *record* it spoils (a unit, a part, a ui key)
  so the caller skips that record and keeps the rest;
* code points no reader sees and some parsers refuse are removed, with a warning.

Every finding is a :class:`~builder.model.Problem`: loaders return them, never raise.
"""

from __future__ import annotations

import difflib
import json
import math
import reprlib
import stat
import string
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import ValidationError
from jsonschema.validators import Draft202012Validator, extend

from .model import Level, Problem, Source
from .text import remove_unsafe

Key = str | int
Where = tuple[Key, ...]  # a path into the data: mapping keys and list indexes

EDITORIAL_MAX_BYTES = 1 << 20  # book.yml, posts.yml for the blog's 1,300 posts is about 250 KB
TRANSLATION_MAX_BYTES = 2 << 20  # one chapter; the longest post runs to about 30,000 characters
MAX_DEPTH = 16  # the deepest real file nests 3 levels
MAX_NODES = 100_000  # a chapter of 5,000 units has about 45,000
MAX_NUMBER_CHARS = 64  # int() of a long digit string costs quadratic time
MAX_REPORTED = 20  # errors, and lines with removed characters, reported per file

UNSAFE_CODE = "unsafe-character"

# libyaml's parser where PyYAML was built with it: the same events and marks, thirty times faster.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_COLLECTION_TAGS = {None, "!", _TAG + "seq", _TAG + "map"}
_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60


@dataclass(frozen=True)
class Invalid:
    """One error in a document, located by path (for the record it spoils) and line (for the reader)."""

    where: Where
    line: int
    message: str
    also: tuple[Where, ...] = ()  # further paths the same error spoils (the other missing keys of a mapping)


@dataclass
class Document:
    """A parsed file: plain data (dict, list, str, int, float, bool, None) and the line of every node."""

    path: Path
    data: Any
    lines: dict[Where, int]
    issues: list[Invalid] = field(default_factory=list)  # found while reading, e.g. a key given twice

    def line(self, where: Where) -> int:
        """The line of the node at ``where``, or of its nearest ancestor (a missing key's mapping)."""
        for n in range(len(where), -1, -1):
            line = self.lines.get(where[:n])
            if line is not None:
                return line
        return 1


class _Refused(Exception):
    """Stops reading: the file is refused as a whole at ``line``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class DataError(ValueError):
    """For strict callers that need a file whole or not at all; carries the problems that say why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:3]) + (" …" if len(problems) > 3 else ""))


def show(where: Where) -> str:
    """``units[3].text``: a path as a reader of the file would spell it."""
    out = ""
    for key in where:
        if isinstance(key, str) and len(key) > 40:  # a key is whatever the file says: keep messages short
            key = key[:40] + "…"
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out or "the file"


def _line_finder(text: str) -> Callable[[int], int]:
    breaks = [i for i, ch in enumerate(text) if ch == "\n"]
    return lambda offset: bisect_right(breaks, offset - 1) + 1


def _removed_warnings(path: Path, found: dict[int, set[str]]) -> list[Problem]:
    out = []
    for line in sorted(found)[:MAX_REPORTED]:
        names = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(found[line]))
        out.append(Problem(Source(str(path), line), UNSAFE_CODE,
                           f"removed invisible or unsafe character(s) {names}"))
    if len(found) > MAX_REPORTED:
        out.append(Problem(Source(str(path), sorted(found)[MAX_REPORTED]), UNSAFE_CODE,
                           f"… and on {len(found) - MAX_REPORTED} more line(s)"))
    return out


class _Builder:
    """Turns one stream of parser events into data and lines, refusing what a data file never needs."""

    def __init__(self, loader: Any, max_nodes: int, removed: dict[int, set[str]]) -> None:
        self.loader = loader
        self.max_nodes = max_nodes
        self.removed = removed
        self.lines: dict[Where, int] = {}
        self.issues: list[Invalid] = []
        self.nodes = 0

    def clean(self, value: str, line: int) -> str:
        text, offsets = remove_unsafe(value)
        if offsets:  # only escapes ("\uFFFE") get here: raw characters were removed before parsing
            self.removed.setdefault(line, set()).update(value[i] for i in offsets)
        return text

    def refuse(self, where: Where, line: int, why: str) -> None:
        """An error in one value: the record holding it is skipped, the rest of the file is read."""
        self.issues.append(Invalid(where, line, f"{show(where)}: {why}"))

    def scalar(self, event: yaml.ScalarEvent, where: Where, line: int) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag not in _SCALAR_TAGS:
            return self.refuse(where, line, f"the tag {_short.repr(tag)} is not accepted: write plain values")
        if tag in (_TAG + "str", _TAG + "timestamp"):  # a date stays the text the editor wrote
            return self.clean(event.value, line)
        if tag == _TAG + "null":
            return None
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
        if tag == _TAG + "bool":
            return self.loader.construct_yaml_bool(node)
        if len(event.value) > MAX_NUMBER_CHARS:
            return self.refuse(where, line, f"a number longer than {MAX_NUMBER_CHARS} characters (quote text)")
        try:
            number = (self.loader.construct_yaml_int if tag == _TAG + "int" else self.loader.construct_yaml_float)(node)
        except ValueError:
            return self.refuse(where, line, f"not a number: {_short.repr(event.value)}")
        if isinstance(number, float) and not math.isfinite(number):
            return self.refuse(where, line, "only finite numbers are accepted")
        return number

    def build(self) -> Any:
        root: Any = None
        documents = 0
        # Open collections: (container, its path, the pending key of a mapping or None, that key's line).
        stack: list[list[Any]] = []
        while self.loader.check_event():
            event = self.loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Refused(line, "a second YAML document ('---'): one document per file")
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _Refused(line, f"an alias (*{_short.repr(event.anchor)[1:-1]}): anchors and aliases are "
                                     "not accepted; write the value out")
            if not isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                continue  # stream and document boundaries
            if event.anchor is not None:
                raise _Refused(line, f"an anchor (&{_short.repr(event.anchor)[1:-1]}): anchors and aliases are "
                                     "not accepted; write the value out")
            self.nodes += 1
            if self.nodes > self.max_nodes:
                raise _Refused(line, f"more than {self.max_nodes} values in one file")
            top = stack[-1] if stack else None
            if top is not None and isinstance(top[0], dict) and top[2] is None:  # this node is a key
                if not isinstance(event, yaml.ScalarEvent):
                    raise _Refused(line, "a key must be a plain value, not a list or a mapping")
                key = self.clean(event.value, line)
                if key in top[0]:
                    twice = top[1] + (key,)
                    self.issues.append(Invalid(twice, line, f"{show(twice)}: the key is given twice"))
                top[2], top[3] = key, line
                continue
            if top is None:
                where: Where = ()
            elif isinstance(top[0], list):
                where = top[1] + (len(top[0]),)
            else:
                where, line = top[1] + (top[2],), top[3]  # a value's line is its key's line
            if isinstance(event, yaml.ScalarEvent):
                value = self.scalar(event, where, event.start_mark.line + 1)
            else:
                if event.tag not in _COLLECTION_TAGS:
                    self.refuse(where, line, f"the tag {_short.repr(event.tag)} is not accepted: write plain values")
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(line, f"nested deeper than {MAX_DEPTH} levels")
                value = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.lines[where] = line
            if top is None:
                root = value
            elif isinstance(top[0], list):
                top[0].append(value)
            else:
                top[0][top[2]] = value
                top[2] = None
            if not isinstance(event, yaml.ScalarEvent):
                stack.append([value, where, None, 0])
        return root


def read_yaml(path: Path, *, max_bytes: int, code: str,
              max_nodes: int = MAX_NODES) -> tuple[Document | None, list[Problem]]:
    """Parse one file; ``None`` and an error (``code``, with its line) when it cannot be read as a whole.

    Warnings name the lines where unsafe characters were removed.  Work and memory
    are linear in the file's size, which is capped at ``max_bytes``.
    """
    def refused(line: int, message: str) -> tuple[None, list[Problem]]:
        return None, [Problem(Source(str(path), line), code, message, Level.ERROR)]

    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe or a device would block, or never end
            return refused(1, "not a regular file")
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as err:
        return refused(1, f"cannot read the file: {err.strerror or err}")
    if len(raw) > max_bytes:
        return refused(1, f"larger than {max_bytes} bytes: refused unread")
    try:
        original = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return refused(raw[: err.start].count(b"\n") + 1,
                       f"not UTF-8: byte 0x{raw[err.start]:02x} at offset {err.start}")
    removed: dict[int, set[str]] = {}
    # The YAML reader refuses most unsafe characters outright, which would cost the whole
    # file; removed first, each is reported on its own line and the rest is read.
    text, offsets = remove_unsafe(original)
    if offsets:
        line_of = _line_finder(original)
        for offset in offsets:
            removed.setdefault(line_of(offset), set()).add(original[offset])
    loader: Any = None
    try:
        loader = _Loader(text)
        builder = _Builder(loader, max_nodes, removed)
        data = builder.build()
    except _Refused as err:
        return refused(err.line, err.message)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        return refused(mark.line + 1 if mark else 1, f"not valid YAML: {err.problem or err}")
    except yaml.YAMLError as err:
        return refused(1, f"not valid YAML: {err}")
    finally:
        if loader is not None:
            loader.dispose()
    return Document(path, data, builder.lines, builder.issues), _removed_warnings(path, removed)


# --- schemas ---------------------------------------------------------------------------------

def placeholder_problem(text: str, allowed: list[str]) -> str | None:
    """Why ``text`` is not safe to ``.format(**names)`` with the names ``allowed``, or None.

    Only bare ``{name}`` fields of the allowed names: a format spec (``{m:>99999999}``
    allocates without bound), a conversion (``{x!r}``) or attribute and index access
    (``{0.__class__}``) are refused.  ``{{`` and ``}}`` are literal braces where there are
    placeholders; text without placeholders is shown as written and takes no braces at all.
    """
    if not allowed:
        return "this text is shown as written and takes no { } placeholders or braces" if (
            "{" in text or "}" in text) else None
    names = ", ".join("{" + name + "}" for name in allowed)
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return f"unbalanced braces: placeholders are {names}; write {{{{ and }}}} for literal braces"
    for name, spec, conversion in fields:
        shown = _short.repr(name)
        if name not in allowed:
            return f"the placeholder {{{shown[1:-1]}}} is not filled here: use only {names}"
        if conversion is not None or spec:
            return f"the placeholder {{{name}}} has a conversion or format (!… or :…): write it bare"
    return None


def _placeholders(validator: Any, allowed: list[str], instance: Any,
                  schema: dict[str, Any]) -> Iterator[ValidationError]:
    if isinstance(instance, str):
        problem = placeholder_problem(instance, allowed)
        if problem:
            yield ValidationError(problem)


# "placeholders": the names a ui string may use, each written bare as {name}.
_Validator = extend(Draft202012Validator, {"placeholders": _placeholders})


@cache
def schema(name: str) -> dict[str, Any]:
    """A schema shipped in ``builder/schemas/<name>.json``."""
    return json.loads(resources.files(__package__).joinpath("schemas", f"{name}.json").read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> Any:
    return _Validator(schema(name))


_KIND = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a whole number",
         float: "a number", type(None): "nothing"}
_TYPE = {"object": "a mapping", "array": "a list", "string": "text", "boolean": "true or false",
         "integer": "a whole number", "number": "a number", "null": "nothing"}


def _describe(error: ValidationError) -> str:
    """A short message: jsonschema's own repeat the whole value, which may be megabytes."""
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "type":
        wanted = " or ".join(_TYPE.get(t, t) for t in ([value] if isinstance(value, str) else value))
        return f"expected {wanted}, found {_KIND.get(type(instance), type(instance).__name__)}"
    if kind == "maxLength":
        return f"longer than {value} characters"
    if kind == "minLength":
        return "must not be empty" if value == 1 else f"shorter than {value} characters"
    if kind in ("maxItems", "maxProperties"):
        return f"more than {value} entries"
    if kind == "pattern":
        return f"{_short.repr(instance)} is not {error.schema.get('description', 'of the expected form')}"
    if kind in ("minimum", "maximum"):
        return f"{_short.repr(instance)} is {'below' if kind == 'minimum' else 'above'} {value}"
    if kind == "enum":
        return f"{_short.repr(instance)} is not one of {', '.join(map(str, value))}"
    return error.message if len(error.message) <= 200 else error.message[:200] + "…"


def _invalid(doc: Document, error: ValidationError) -> Iterator[Invalid]:
    where: Where = tuple(error.absolute_path)
    if error.validator == "required":  # jsonschema reports each missing key alike: one message for all
        missing = [key for key in error.validator_value if key not in error.instance]
        if missing:
            shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
            yield Invalid(where + (missing[0],), doc.line(where), f"{show(where)}: missing {shown}",
                          tuple(where + (key,) for key in missing[1:]))
        return
    if error.validator == "additionalProperties" and error.validator_value is False:
        known = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key not in known:
                near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.7)
                hint = f" (did you mean {near[0]}?)" if near else f" (known: {', '.join(known)})"
                yield Invalid(where + (key,), doc.line(where + (key,)),
                              f"{show(where + (key,))}: unknown key{hint}")
        return
    yield Invalid(where, doc.line(where), f"{show(where)}: {_describe(error)}")


def validate(doc: Document, name: str) -> list[Invalid]:
    """Every error of ``doc`` against the schema ``name`` (plus those found while reading), by line."""
    data = {} if doc.data is None else doc.data  # an empty file is an empty mapping
    found = list(doc.issues)
    required_at: set[Where] = set()
    for error in _validator(name).iter_errors(data):
        if error.validator == "required":
            if tuple(error.absolute_path) in required_at:
                continue
            required_at.add(tuple(error.absolute_path))
        found.extend(_invalid(doc, error))
    return sorted(found, key=lambda i: (i.line, show(i.where)))


Record = Callable[[Where], Where | None]


def records_in(*collections: str) -> Record:
    """Errors spoil one entry of these top-level lists or mappings, or else the top-level key they are under."""
    def record(where: Where) -> Where | None:
        if not where:
            return None
        return where[:2] if where[0] in collections and len(where) >= 2 else where[:1]
    return record


@dataclass
class Checked:
    """A file read and checked: its data, and which records an error spoils (the caller skips those)."""

    path: Path
    data: dict[str, Any] | None  # None: unusable as a whole (missing, unreadable, wrong at the top)
    document: Document | None
    bad: set[Where]
    problems: list[Problem]

    def line(self, where: Where) -> int:
        return self.document.line(where) if self.document else 1

    def ok(self, where: Where) -> bool:
        return self.data is not None and not any(where[:n] in self.bad for n in range(1, len(where) + 1))

    def get(self, *where: Key) -> Any:
        """The value at ``where`` if no error spoils it, else None."""
        if not self.ok(where):
            return None
        value: Any = self.data
        for key in where:
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                return None
        return value

    def entries(self, key: str) -> Iterator[tuple[Where, Any]]:
        """The good entries of the top-level list or mapping ``key``, each with its path (for its line)."""
        value = self.get(key)
        pairs = enumerate(value) if isinstance(value, list) else value.items() if isinstance(value, dict) else ()
        for k, item in pairs:
            if (key, k) not in self.bad:
                yield (key, k), item


def load_checked(path: Path, schema_name: str, *, code: str, max_bytes: int, record: Record) -> Checked:
    """Read ``path``, check it against ``schema_name``; errors are Problems (``code``) naming file:line.

    ``record`` maps the path of an error to the record it spoils, or None when the
    file cannot be used at all; the caller skips spoiled records and keeps the rest.
    """
    doc, problems = read_yaml(path, max_bytes=max_bytes, code=code)
    if doc is None:
        return Checked(path, None, None, set(), problems)
    invalid = validate(doc, schema_name)
    bad: set[Where] = set()
    whole = False
    for item in invalid:
        for where in (item.where, *item.also):
            spoiled = record(where)
            if spoiled is None:
                whole = True
            else:
                bad.add(spoiled)
    for item in invalid[:MAX_REPORTED]:
        problems.append(Problem(Source(str(path), item.line), code, item.message, Level.ERROR))
    if len(invalid) > MAX_REPORTED:
        problems.append(Problem(Source(str(path), invalid[MAX_REPORTED].line), code,
                                f"… and {len(invalid) - MAX_REPORTED} more error(s) in this file", Level.ERROR))
    data = {} if doc.data is None else doc.data
    return Checked(path, None if whole or not isinstance(data, dict) else data, doc, bad, problems)
