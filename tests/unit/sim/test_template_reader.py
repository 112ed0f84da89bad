"""Reading templates: short tags become long forms where they were written; JSON is YAML."""

from __future__ import annotations

import subprocess
import sys

import pytest

from course.content.problems import Mark, Problems
from course.sim.template.reader import looks_like_path, read_source
from course.content.yamlsrc import plain
from tests.conftest import ROOT
from tests.unit.sim.test_template_support import TEMPLATES, load, problems, text


def read(source: str):
    found = Problems()
    root, _, _, _ = read_source(text(source), None, found)
    assert not found, [str(p) for p in found.items]
    return root


@pytest.mark.parametrize("written, long_form", [
    ("!Ref Stage", {"Ref": "Stage"}),
    ("!GetAtt Fn.Arn", {"Fn::GetAtt": ["Fn", "Arn"]}),
    ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
    ("!GetAtt [Fn, Arn]", {"Fn::GetAtt": ["Fn", "Arn"]}),
    ("!Sub 'arn:${AWS::Partition}:s3:::b'", {"Fn::Sub": "arn:${AWS::Partition}:s3:::b"}),
    ("!Sub ['${A}-x', {A: a}]", {"Fn::Sub": ["${A}-x", {"A": "a"}]}),
    ("!Join ['-', [a, b]]", {"Fn::Join": ["-", ["a", "b"]]}),
    ("!Select [1, [a, b]]", {"Fn::Select": [1, ["a", "b"]]}),
    ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
    ("!If [C, a, b]", {"Fn::If": ["C", "a", "b"]}),
    ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
    ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
    ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
    ("!Not [!Condition A]", {"Fn::Not": [{"Condition": "A"}]}),
    ("!FindInMap [M, k, v]", {"Fn::FindInMap": ["M", "k", "v"]}),
    ("!GetAZs ''", {"Fn::GetAZs": ""}),
    ("!Base64 hello", {"Fn::Base64": "hello"}),
    ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
])
def test_short_tags_become_long_forms(written, long_form):
    assert plain(read(f"Value: {written}\n")) == {"Value": long_form}


def test_long_forms_keep_the_position_of_the_tag():
    root = read("""
        Resources:
          Fn:
            Role:   !GetAtt  MyRole.Arn
            Name: !Ref Stage
    """)
    fn = root["Resources"]["Fn"]
    assert fn["Role"].mark == Mark("template.yaml", 3, 13)
    assert fn["Name"].mark == Mark("template.yaml", 4, 11)
    # !GetAtt's attribute is reported where it was written, after the dot.
    assert fn["Role"]["Fn::GetAtt"].marks == [Mark("template.yaml", 3, 22), Mark("template.yaml", 3, 29)]


def test_unsupported_and_unknown_tags_are_problems_with_positions():
    assert problems("""
        Resources:
          Q:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: !ImportValue shared-name
              DelaySeconds: !Cidr [10.0.0.0/16, 2, 8]
              Tags: !Transform {Name: AWS::Include}
              MessageRetentionPeriod: !Reff Period
    """) == [
        "template.yaml:5:31: Resources.Q.Properties.QueueName: no stack exports 'shared-name'; no stack in this"
        " account exports any (deploy the exporting stack first)",
        "template.yaml:6:21: Resources.Q.Properties.DelaySeconds: Fn::Cidr is not supported by the simulator:"
        " the simulator has no VPC address ranges to divide",
        "template.yaml:7:13: Resources.Q.Properties.Tags: Fn::Transform is not supported by the simulator:"
        " the simulator runs no macros",
        # Reported once, by the reader: the unknown tag does not also make the value look like the wrong type.
        "template.yaml:8:31: unknown tag !Reff; CloudFormation's short forms are: !And, !Base64, !Condition, !Equals,"
        " !FindInMap, !GetAZs, !GetAtt, !If, !ImportValue, !Join, !Not, !Or, !Ref, !Select, !Split, !Sub",
    ]


def test_python_tags_are_still_refused():
    assert problems("Resources: !!python/object:os.system {Q: {Type: AWS::SQS::Queue}}\n") == [
        "template.yaml:1:12: YAML tag !!python/object:os.system is not allowed in a pack",
    ]


def test_yaml_syntax_errors_and_duplicate_keys_are_reported():
    assert problems("""
        Resources:
          Q:
            Type: AWS::SQS::Queue
          Q:
            Type: AWS::SNS::Topic
    """) == ["template.yaml:4:3: duplicate key 'Q' (first defined at line 2)"]
    [syntax] = problems("Resources: [\n")
    assert syntax.startswith("template.yaml:2:1: YAML syntax error: ")


def test_a_json_template_loads_like_yaml():
    template = __import__("course.sim.template", fromlist=["load_template"]).load_template(TEMPLATES / "plain.json")
    assert template.name == "plain.json"
    assert template.order == ["Role", "Fn"]
    assert plain(template.resources["Fn"].properties) == {
        "Runtime": "python3.12", "Handler": "index.handler", "MemorySize": 512,
        "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Code": {"ZipFile": "def handler(event, context):\n    return event\n"},
    }


def test_problems_in_a_json_template_point_into_the_json():
    assert problems(TEMPLATES / "plain_errors.json") == [
        "plain_errors.json:5:21: Resources.Fn.Properties.Role: required property is missing",
        "plain_errors.json:7:23: Resources.Fn.Properties.MemorySize: must be at least 128, got 64",
    ]


def test_a_template_is_a_path_a_file_name_or_text(tmp_path):
    assert looks_like_path(TEMPLATES / "plain.json")
    assert looks_like_path("template.yaml")
    assert not looks_like_path("Resources: {}\n")
    assert not looks_like_path('{"Resources": {}}')
    assert not looks_like_path("x" * 5000)
    assert problems(str(tmp_path / "missing.yaml")) == [
        f"missing.yaml:1:1: cannot read the template {tmp_path / 'missing.yaml'}: No such file or directory",
    ]


def test_text_is_named_template_yaml_unless_named():
    assert problems("Resources: {}\n", name="orders.yaml") == [
        "orders.yaml:1:1: Resources: must be an object with at least one resource",
    ]
    assert problems("") == ["template.yaml:1:1: the template is empty; it needs at least a Resources section"]
    assert problems("- a\n") == ["template.yaml:1:1: a template is an object with a Resources section, got a list"]


def test_loading_a_template_does_not_import_boto3():
    probe = ("import sys\nfrom course.sim.template import load_template\n"
             f"load_template({str(TEMPLATES / 'plain.json')!r})\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'textual')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_a_small_template_loads():
    template = load("""
        Resources:
          Q:
            Type: AWS::SQS::Queue
    """)
    assert list(template.resources) == ["Q"]
    assert template.resources["Q"].type == "AWS::SQS::Queue"
