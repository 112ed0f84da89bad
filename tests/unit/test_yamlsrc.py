"""The safe YAML reader: values, where they were written, and what it refuses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from course.content.problems import Mark, Problems
from course.content.yamlsrc import BROKEN, MList, MMap, load_file, load_text


def read(text: str):
    problems = Problems()
    data = load_text(text, "f.yaml", problems)
    return data, [str(p) for p in problems.items]


def at(line: int, col: int) -> Mark:
    return Mark("f.yaml", line, col)


# --- positions -----------------------------------------------------------------------


def test_marks_are_one_based():
    data, problems = read("a: 1\nb: two\n")
    assert problems == []
    assert data == {"a": 1, "b": "two"}
    assert data.mark == at(1, 1)
    assert data.key_marks == {"a": at(1, 1), "b": at(2, 1)}
    assert data.value_marks == {"a": at(1, 4), "b": at(2, 4)}


def test_marks_of_nested_keys():
    text = "outer:\n  inner:\n    deep: x\n  other: [1, 2]\n"
    data, problems = read(text)
    assert problems == []
    outer = data["outer"]
    assert isinstance(outer, MMap)
    assert data.value_marks["outer"] == at(2, 3)
    assert outer.mark == at(2, 3)
    assert outer.key_marks == {"inner": at(2, 3), "other": at(4, 3)}
    assert outer["inner"].key_marks["deep"] == at(3, 5)
    assert outer["inner"].value_marks["deep"] == at(3, 11)
    assert outer.value_marks["other"] == at(4, 10)


def test_marks_of_list_items():
    text = "items:\n  - first\n  - name: second\n    size: 2\n  - [a, b]\nflow: [x, y, z]\n"
    data, problems = read(text)
    assert problems == []
    items = data["items"]
    assert isinstance(items, MList)
    assert items.mark == at(2, 3)
    assert items.marks == [at(2, 5), at(3, 5), at(5, 5)]
    assert items[1].key_marks == {"name": at(3, 5), "size": at(4, 5)}
    assert items[2].marks == [at(5, 6), at(5, 9)]
    assert data["flow"].marks == [at(6, 8), at(6, 11), at(6, 14)]


def test_text_marks_point_inside_quotes_and_only_for_one_line_text():
    text = 'plain: a + b\ndouble: "a + b"\nsingle: \'a\'\nblock: |\n  a + b\nfolded: a +\n  b\nnumber: 12\n'
    data, problems = read(text)
    assert problems == []
    assert data.text_marks == {
        "plain": at(1, 8),
        "double": at(2, 10),
        "single": at(3, 10),
        "number": at(8, 9),
    }


def test_values_keep_their_yaml_types():
    data, problems = read('i: 12\nf: 1.5\nb: true\nn: null\ns: "12"\nd: 2024-01-31\nempty:\n')
    assert problems == []
    assert data == {"i": 12, "f": 1.5, "b": True, "n": None, "s": "12", "d": "2024-01-31", "empty": None}
    assert type(data["d"]) is str


def test_non_text_keys_are_read_as_text():
    data, problems = read("1: a\ntrue: b\n")
    assert problems == []
    assert list(data) == ["1", "true"]


def test_complex_keys_are_refused():
    data, problems = read("? [a, b]\n: 1\nc: 2\n")
    assert problems == ["f.yaml:1:3: mapping keys must be plain text"]
    assert data == {"c": 2}


# --- duplicates ----------------------------------------------------------------------


def test_duplicate_keys_are_reported_and_first_value_kept():
    data, problems = read("title: one\norder: 1\ntitle: two\n")
    assert problems == ["f.yaml:3:1: duplicate key 'title' (first defined at line 1)"]
    assert data["title"] == "one"


def test_duplicate_nested_key():
    data, problems = read("a:\n  - x: 1\n    y: 2\n    x: 3\n")
    assert problems == ["f.yaml:4:5: duplicate key 'x' (first defined at line 2)"]
    assert data["a"][0] == {"x": 1, "y": 2}


def test_duplicate_keys_in_flow_mapping():
    _, problems = read("opt: {text: a, text: b}\n")
    assert problems == ["f.yaml:1:16: duplicate key 'text' (first defined at line 1)"]


def test_keys_that_read_the_same_are_duplicates():
    _, problems = read("1: a\n'1': b\n")
    assert problems == ["f.yaml:2:1: duplicate key '1' (first defined at line 1)"]


# --- tags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x: !Ref y\n", "f.yaml:1:4: YAML tag !Ref is not allowed in a pack"),
        ("x: !Sub\n  - a\n", "f.yaml:1:4: YAML tag !Sub is not allowed in a pack"),
        ("x: !GetAtt {a: b}\n", "f.yaml:1:4: YAML tag !GetAtt is not allowed in a pack"),
        ("x: !!python/object:os.system {}\n", "f.yaml:1:4: YAML tag !!python/object:os.system is not allowed in a pack"),
        (
            'x: !!python/object/apply:os.system ["echo hi"]\n',
            "f.yaml:1:4: YAML tag !!python/object/apply:os.system is not allowed in a pack",
        ),
        ("x: !!python/name:os.system ''\n", "f.yaml:1:4: YAML tag !!python/name:os.system is not allowed in a pack"),
        ("x: !!set {a, b}\n", "f.yaml:1:4: YAML tag !!set is not allowed in a pack"),
        ("x: !!omap [{a: 1}]\n", "f.yaml:1:4: YAML tag !!omap is not allowed in a pack"),
        ("x: !<tag:example.com,2024:thing> 1\n", "f.yaml:1:4: YAML tag tag:example.com,2024:thing is not allowed in a pack"),
        ("x: !!binary aGVsbG8=\n", "f.yaml:1:4: binary values are not allowed in a pack"),
        ("- a\n- !Ref b\n", "f.yaml:2:3: YAML tag !Ref is not allowed in a pack"),
    ],
)
def test_custom_tags_are_refused(text, expected):
    _, problems = read(text)
    assert problems == [expected]


def test_tagged_values_are_never_constructed(tmp_path):
    marker = tmp_path / "marker"
    data, problems = read(f'x: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert not marker.exists()
    assert data == {"x": [f"touch {marker}"]}
    assert len(problems) == 1


def test_standard_tags_are_accepted():
    data, problems = read('a: !!str 12\nb: !!int "7"\nc: !!float 1\nd: !!map {k: v}\ne: !!seq [1]\n')
    assert problems == []
    assert data == {"a": "12", "b": 7, "c": 1.0, "d": {"k": "v"}, "e": [1]}


# --- merge keys and aliases ----------------------------------------------------------


def test_merge_keys_are_refused():
    data, problems = read("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  z: 3\n")
    assert problems == ["f.yaml:3:3: merge keys ('<<') are not supported; write the fields out"]
    assert data["use"] == {"z": 3}


def test_merge_key_with_a_list_of_anchors_is_refused():
    _, problems = read("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: [*a, *b]\n")
    assert problems == ["f.yaml:4:3: merge keys ('<<') are not supported; write the fields out"]


def test_aliases_repeat_a_value():
    data, problems = read("a: &x [1, 2]\nb: *x\n")
    assert problems == []
    assert data["b"] == [1, 2]


def test_an_alias_is_the_same_value_not_a_copy():
    data, _ = read("a: &x {k: [1]}\nb: *x\n")
    assert data["b"] is data["a"]


def test_alias_bomb_stays_small_and_fast():
    # Ten million leaves if every alias were copied; a few lines when they are shared.
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 7)]
    start = time.perf_counter()
    data, problems = read("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1
    assert problems == []
    assert data["l6"][0] is data["l5"]


def test_recursive_alias_is_reported():
    data, problems = read("a: &a [1, *a]\n")
    assert problems == ["f.yaml:1:4: an alias refers to a value that contains it"]
    assert data == {"a": [1, None]}


def test_very_deep_nesting_is_reported_not_raised():
    depth = 990
    _, problems = read("a: " + "[" * depth + "]" * depth + "\n")
    assert problems == ["f.yaml:1:1: values are nested too deeply"]


# --- empty and broken documents ------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "--- \n...\n"])
def test_empty_document_is_none(text):
    data, problems = read(text)
    assert data is None
    assert problems == []


def test_two_documents_are_refused():
    data, problems = read("a: 1\n---\nb: 2\n")
    assert data is BROKEN
    assert problems == ["f.yaml:2:1: YAML syntax error: expected a single document in the stream: but found another document"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\n  b: 2\n", "f.yaml:2:4: YAML syntax error: mapping values are not allowed in this context"),
        ("a:\n  - x\n - y\n", "f.yaml:3:2: YAML syntax error: while parsing a block mapping: did not find expected key"),
        ("a: 1\n\tb: 2\n",
         "f.yaml:2:1: YAML syntax error: while scanning a plain scalar: found a tab character that violates indentation"),
        ('a: "x\\q"\n', "f.yaml:1:6: YAML syntax error: while parsing a quoted scalar: found unknown escape character"),
    ],
)
def test_syntax_errors_point_at_the_problem(text, expected):
    data, problems = read(text)
    assert data is BROKEN
    assert problems == [expected]


def test_quote_never_closed_points_at_the_quote():
    _, problems = read('a: 1\nb: "open\nc: 3\n')
    assert problems == [
        "f.yaml:2:4: YAML syntax error: the quoted text starting here is never closed (found unexpected end of stream)"
    ]


def test_quote_closed_much_later_points_at_the_opening_quote():
    text = 'a: "open\nb: 2\nc: "x"\nd: 4\n'
    _, problems = read(text)
    assert problems == [
        "f.yaml:1:4: YAML syntax error: the quoted text starting here runs on to line 3; is a closing quote missing?"
        " (while parsing a block mapping: did not find expected key at 3:5)"
    ]


def test_text_quoted_over_several_lines_is_fine():
    data, problems = read('a: "one\n  two"\nb: \'three\n  four\'\n')
    assert problems == []
    assert data == {"a": "one two", "b": "three four"}


def test_closed_quote_over_several_lines_is_not_blamed_for_a_later_error():
    _, problems = read('a: "one\n  Note: two"\nb: 1\nc: [1\nd: 2\n')
    assert problems == [
        "f.yaml:5:2: YAML syntax error: while parsing a flow sequence: did not find expected ',' or ']'"
        " (for the '[' opened at 4:4)"
    ]


def test_unclosed_flow_list_names_its_bracket():
    _, problems = read("a: [1, 2\nb: 3\n")
    assert problems == [
        "f.yaml:2:2: YAML syntax error: while parsing a flow sequence: did not find expected ',' or ']'"
        " (for the '[' opened at 1:4)"
    ]


def test_block_text_whose_first_line_is_indented_more():
    text = "s:\n  diagram: |\n        box\n      arrow\n  next: 1\n"
    _, problems = read(text)
    assert problems == [
        "f.yaml:2:12: YAML syntax error: the first line of this '|' text is indented 8 spaces, which sets the"
        " indentation of the whole text, so it ends before line 4; write '|4' to keep the spaces"
        " (while parsing a block mapping: did not find expected key at 4:7)"
    ]
    fixed, problems = read(text.replace("|\n", "|4\n"))
    assert problems == []
    assert fixed["s"]["diagram"] == "  box\narrow\n"


# --- files ---------------------------------------------------------------------------


def test_non_utf8_file_points_at_the_bad_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\ntitle: Caf\xe9\n".encode("latin-1"))
    problems = Problems()
    assert load_file(path, problems) is BROKEN
    assert [str(p) for p in problems.items] == [f"{path}:2:11: file is not UTF-8 text (invalid continuation byte at byte 16)"]


def test_non_utf8_column_counts_characters(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_bytes("t: \u2192 ".encode() + b"\xff\n")
    problems = Problems()
    assert load_file(path, problems) is BROKEN
    assert [str(p) for p in problems.items] == [f"{path}:1:6: file is not UTF-8 text (invalid start byte at byte 7)"]


def test_missing_file(tmp_path):
    problems = Problems()
    assert load_file(tmp_path / "none.yaml", problems) is BROKEN
    assert [str(p) for p in problems.items] == [f"{tmp_path / 'none.yaml'}:1:1: cannot read file: No such file or directory"]


def test_file_names_relative_to_root(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "x.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    problems = Problems(root=tmp_path)
    assert load_file(path, problems) == {"a": 1}
    assert [str(p) for p in problems.items] == ["sub/x.yaml:2:1: duplicate key 'a' (first defined at line 1)"]


def test_utf8_file_with_bom(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\n")
    problems = Problems()
    assert load_file(path, problems) == {"a": 1}
    assert problems.items == []
