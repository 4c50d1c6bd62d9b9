"""The one YAML reader: bounded cost on hostile input, a line for every value, schemas as data."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from jsonschema.validators import Draft202012Validator

from builder.model import Level
from builder.yamldata import (
    MAX_DEPTH,
    UNSAFE_CODE,
    load_checked,
    placeholder_problem,
    read_yaml,
    records_in,
    schema,
    show,
    validate,
)
from tests.conftest import FIXTURES, ROOT

SCHEMAS = ("book", "posts", "glossary", "ui", "translation", "editions")


def _write(tmp_path: Path, text: str | bytes, name: str = "f.yml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _read(path: Path, max_bytes: int = 1 << 20, **kwargs):
    return read_yaml(path, max_bytes=max_bytes, code="test-invalid", **kwargs)


def _error(problems) -> tuple[int, str]:
    errors = [p for p in problems if p.level == Level.ERROR]
    assert len(errors) == 1, problems
    return errors[0].source.line, errors[0].message


def test_billion_laughs_is_refused_before_anything_is_built():
    path = FIXTURES / "yaml" / "billion_laughs.yml"
    assert path.stat().st_size < 600
    tracemalloc.start()
    try:
        doc, problems = _read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc is None
    line, message = _error(problems)
    assert line == 3 and "alias" in message  # the first anchor, before any alias could be expanded
    assert problems[0].source.file == str(path)
    assert peak < 4 * 1024 * 1024


def test_an_alias_alone_is_refused_with_its_line(tmp_path: Path):
    doc, problems = _read(_write(tmp_path, "a: 1\nb: *x\n"))
    assert doc is None and _error(problems)[0] == 2 and "alias" in _error(problems)[1]


def test_deep_nesting_stops_at_the_limit(tmp_path: Path):
    deep = "[" * 200_000 + "]" * 200_000
    doc, problems = _read(_write(tmp_path, deep))
    assert doc is None and f"deeper than {MAX_DEPTH}" in _error(problems)[1]
    doc, problems = _read(_write(tmp_path, "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "over.yml"))
    assert doc is None
    doc, problems = _read(_write(tmp_path, "[" * MAX_DEPTH + "]" * MAX_DEPTH, "ok.yml"))
    assert not problems and str(doc.data) == "[" * MAX_DEPTH + "]" * MAX_DEPTH


def test_node_count_is_bounded(tmp_path: Path):
    doc, problems = _read(_write(tmp_path, "[" + ",".join(["1"] * 1000) + "]"), max_nodes=500)
    assert doc is None and "more than 500 values" in _error(problems)[1]


def test_oversize_file_is_refused_unread(tmp_path: Path):
    path = _write(tmp_path, "a: " + "x" * 2000 + "\n")
    doc, problems = _read(path, max_bytes=1000)
    assert doc is None
    line, message = _error(problems)
    assert line == 1 and "larger than 1000 bytes" in message and problems[0].source.file == str(path)


def test_bad_utf8_names_its_line(tmp_path: Path):
    doc, problems = _read(_write(tmp_path, b"a: 1\nb: 2\nc: \xff\xfe\n"))
    assert doc is None and _error(problems) == (3, "not UTF-8: byte 0xff at offset 13")


def test_syntax_error_names_its_line(tmp_path: Path):
    doc, problems = _read(_write(tmp_path, "a: 1\nb: [1, 2\nc: 3\n"))
    assert doc is None and _error(problems)[0] == 3 and "not valid YAML" in _error(problems)[1]


def test_every_value_keeps_its_line(tmp_path: Path):
    text = ("chapter: '1'\n"
            "units:\n"
            "- hash: 0123456789ab\n"
            "  text: one\n"
            "- {hash: 0123456789ac, text: two}\n"
            "- hash: 0123456789ad\n"
            "  source: |\n"
            "    多行\n"
            "    原文\n"
            "  text:\n"
            "    three\n")
    doc, problems = _read(_write(tmp_path, text))
    assert not problems
    assert doc.data["units"][2] == {"hash": "0123456789ad", "source": "多行\n原文\n", "text": "three"}
    assert doc.line(("units",)) == 2
    assert doc.line(("units", 0)) == 3 and doc.line(("units", 0, "text")) == 4
    assert doc.line(("units", 1)) == 5 and doc.line(("units", 1, "text")) == 5
    assert doc.line(("units", 2, "text")) == 10  # a value is where its key is
    assert doc.line(("units", 2, "ignore_terms")) == 6  # a missing key: its mapping
    assert show(("units", 2, "text")) == "units[2].text" and show(()) == "the file"


def test_scalars_are_plain_json_values(tmp_path: Path):
    doc, problems = _read(_write(tmp_path, "a: 2024-01-31\nb: 12\nc: 1.5\nd: true\ne: ~\nf: '12'\n9: x\n"))
    assert not problems
    assert doc.data == {"a": "2024-01-31", "b": 12, "c": 1.5, "d": True, "e": None, "f": "12", "9": "x"}


def test_an_empty_file_is_an_empty_mapping(tmp_path: Path):
    checked = load_checked(_write(tmp_path, "# nothing yet\n"), "posts", code="x", max_bytes=1000,
                           record=records_in("posts"))
    assert checked.data == {} and not checked.problems


@pytest.mark.parametrize("text, where, line, words", [
    ("a: 1\nb: 2\nb: 3\n", ("b",), 3, "b: the key is given twice"),
    ("a: 1\nb: !!python/object:os.system [x]\n", ("b",), 2, "b: the tag"),
    ("a: 1\nb: !!binary aGVsbG8=\n", ("b",), 2, "b: the tag"),
    ("a: 1\nb:\n  - .nan\n", ("b", 0), 3, "b[0]: only finite numbers"),
    ("a: 1\nb: " + "9" * 5000 + "\n", ("b",), 2, "b: a number longer than"),
])
def test_a_bad_value_is_an_error_at_its_path_and_the_rest_is_read(tmp_path: Path, text: str, where: tuple,
                                                                   line: int, words: str):
    doc, problems = _read(_write(tmp_path, text))
    assert not problems and doc.data["a"] == 1
    assert [(i.where, i.line) for i in doc.issues] == [(where, line)] and words in doc.issues[0].message
    checked = load_checked(doc.path, "posts", code="x", max_bytes=1 << 20, record=records_in("posts"))
    assert any(p.source.line == line and words in p.message for p in checked.problems), checked.problems


@pytest.mark.parametrize("text, line", [
    ("a: 1\n---\nb: 2\n", 2),
    ("a: 1\n? [x, y]\n: 2\n", 2),
])
def test_what_no_data_file_needs_refuses_the_file(tmp_path: Path, text: str, line: int):
    doc, problems = _read(_write(tmp_path, text))
    assert doc is None and _error(problems)[0] == line


def test_unsafe_characters_are_removed_with_a_warning_per_line(tmp_path: Path):
    text = "a: ok\nb: x\ufffey\nc: \"p\\uFFFFq\\x85r\"\nd: m\u0085n\u009fo\n"
    doc, problems = _read(_write(tmp_path, text))
    assert doc.data == {"a": "ok", "b": "xy", "c": "pqr", "d": "mno"}
    assert all(p.level == Level.WARNING and p.code == UNSAFE_CODE for p in problems)
    assert [(p.source.line, p.message.split()[-1]) for p in problems] == [(2, "U+FFFE"), (3, "U+FFFF"), (4, "U+009F")]
    assert "U+0085" in problems[1].message and "U+0085" in problems[2].message


def test_errors_are_reported_briefly_however_large_the_value(tmp_path: Path):
    text = "posts:\n- id: a\n  match: " + "长" * 100_000 + "\n"
    checked = load_checked(_write(tmp_path, text), "posts", code="x", max_bytes=1 << 20, record=records_in("posts"))
    assert checked.bad == {("posts", 0)}
    assert [p.source.line for p in checked.problems] == [3]
    assert len(checked.problems[0].message) < 200 and "longer than 500 characters" in checked.problems[0].message


def test_many_errors_are_capped_per_file(tmp_path: Path):
    text = "posts:\n" + "".join(f"- {{id: p{i}, match: 5}}\n" for i in range(500))
    checked = load_checked(_write(tmp_path, text), "posts", code="x", max_bytes=1 << 20, record=records_in("posts"))
    assert len(checked.bad) == 500
    assert len(checked.problems) == 21 and "480 more" in checked.problems[-1].message


@pytest.mark.parametrize("name", SCHEMAS)
def test_schemas_are_valid_json_schemas(name: str):
    Draft202012Validator.check_schema(schema(name))


def test_schemas_are_shipped_with_the_package():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["package-data"]["builder"] == ["schemas/*.json"]
    assert sorted(p.stem for p in (ROOT / "builder" / "schemas").glob("*.json")) == sorted(SCHEMAS)


def test_ui_schema_requires_every_key_it_lists():
    words = schema("ui")["$defs"]["words"]
    assert sorted(words["required"]) == sorted(words["properties"])


@pytest.mark.parametrize("text, allowed, ok", [
    ("{y}年{m}月{d}日", ["y", "m", "d"], True),
    ("{{literal}} {n}", ["n"], True),
    ("{m:>99999999}", ["m"], False),
    ("{m:}", ["m"], True),  # an empty format spec is no format at all
    ("{0.__class__}", ["m"], False),
    ("{m.__class__}", ["m"], False),
    ("{m[0]}", ["m"], False),
    ("{x!r}", ["x"], False),
    ("{foo}", ["n"], False),
    ("{}", ["n"], False),
    ("{0}", ["n"], False),
    ("{n", ["n"], False),
    ("n}", ["n"], False),
    ("{m:{y}}", ["m", "y"], False),
    ("plain words", [], True),
    ("a {b}", [], False),
    ("{{", [], False),  # shown as written, so a doubled brace would show doubled
])
def test_placeholders(text: str, allowed: list[str], ok: bool):
    problem = placeholder_problem(text, allowed)
    assert (problem is None) == ok, problem
    if ok:
        text.format(**{name: 1 for name in allowed})
    else:
        assert problem and len(problem) < 200


def test_validate_reports_paths_and_lines_of_schema_errors(tmp_path: Path):
    text = "posts:\n- id: a\n  match: x\n- id: b\n  match: y\n  date: 31.1.2024\n- id: c\n"
    doc, problems = _read(_write(tmp_path, text))
    found = [(i.where, i.line) for i in validate(doc, "posts")]
    assert found == [(("posts", 1, "date"), 6), (("posts", 2, "match"), 7)]


def test_a_device_or_pipe_is_refused_unread(tmp_path: Path):
    link = tmp_path / "device.yml"
    link.symlink_to("/dev/null")  # without the check it would read as an empty, valid file
    doc, problems = _read(link)
    assert doc is None and _error(problems) == (1, "not a regular file")


def test_a_huge_key_makes_a_short_message(tmp_path: Path):
    checked = load_checked(_write(tmp_path, "? " + "k" * 100_000 + "\n: 1\nposts: []\n"), "posts", code="x",
                           max_bytes=1 << 20, record=records_in("posts"))
    assert checked.data is not None and checked.bad == {("k" * 100_000,)}  # an unknown key spoils itself only
    assert [p.source.line for p in checked.problems] == [1] and len(checked.problems[0].message) < 200
