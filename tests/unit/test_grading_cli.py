"""The exercise commands: exercises, exercise start, check and dev check (exit codes and --json shapes)."""

from __future__ import annotations

import json
import shutil

from course.cli import main
from tests.unit.test_grading_support import PACK, fake_sim, template  # noqa: F401

P = ["--pack", str(PACK)]


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def rows(capsys):
    code, out, _ = run(capsys, P + ["exercises", "--json"])
    assert code == 0
    return json.loads(out)


def test_exercises_lists_status_from_the_workspace(capsys, fake_sim, private_home):
    assert rows(capsys) == [{"id": "hello-timeout", "title": "Give a slow function enough time", "module": "demo",
                             "difficulty": "easy", "checks": 3, "status": "not started"}]
    assert run(capsys, P + ["exercise", "start", "hello-timeout"])[0] == 0
    assert rows(capsys)[0]["status"] == "attempted"
    assert run(capsys, P + ["check", "hello-timeout"])[0] == 1
    assert rows(capsys)[0]["status"] == "attempted"
    workspace = private_home / "workspaces" / "hello-timeout"
    shutil.copyfile(PACK / "exercises" / "hello-timeout" / "solution" / "template.yaml", workspace / "template.yaml")
    assert run(capsys, P + ["check", "hello-timeout"])[0] == 0
    assert rows(capsys)[0]["status"] == "passed"
    result = json.loads((workspace / ".coldstart-result.json").read_text())
    assert (result["exercise"], result["status"], result["passed"], result["total"]) == ("hello-timeout", "passed", 3, 3)


def test_exercises_table_and_empty_pack(capsys, tmp_path):
    code, out, _ = run(capsys, P + ["exercises"])
    assert code == 0 and "hello-timeout" in out and "not started" in out
    code, out, _ = run(capsys, ["--pack", str(tmp_path), "exercises"])
    assert (code, out) == (0, "This pack has no exercises yet.\n")


def test_start_copies_the_starter_and_refuses_to_overwrite(capsys, private_home):
    code, out, _ = run(capsys, P + ["exercise", "start", "hello-timeout"])
    workspace = private_home / "workspaces" / "hello-timeout"
    assert (code, out) == (0, f"{workspace}\n")
    assert sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*") if p.is_file()) == [
        "src/app.py", "template.yaml"]
    (workspace / "template.yaml").write_text("mine")
    (workspace / "notes.md").write_text("keep me")
    code, out, err = run(capsys, P + ["exercise", "start", "hello-timeout"])
    assert (code, out) == (1, "")
    assert err == f"coldstart: {workspace} already holds files; use --force to put the starter files back\n"
    assert (workspace / "template.yaml").read_text() == "mine"
    code, _, _ = run(capsys, P + ["exercise", "start", "hello-timeout", "--force"])
    assert code == 0 and "Timeout: 3" in (workspace / "template.yaml").read_text()
    assert (workspace / "notes.md").read_text() == "keep me"


def test_start_and_check_in_a_chosen_workspace(capsys, fake_sim, tmp_path):
    ws = tmp_path / "my work"
    assert run(capsys, P + ["exercise", "start", "hello-timeout", "--workspace", str(ws)])[1] == f"{ws}\n"
    code, out, _ = run(capsys, P + ["check", "hello-timeout", "--workspace", str(ws), "--json"])
    assert code == 1
    report = json.loads(out)
    assert set(report) == {"exercise", "title", "status", "passed", "total", "problems", "not_simulated", "checks"}
    assert (report["status"], report["passed"], report["total"]) == ("failed", 1, 3)
    assert [c["status"] for c in report["checks"]] == ["failed", "passed", "failed"]
    assert report["checks"][0]["hint"].startswith("A function that runs longer")


def test_check_text_output(capsys, fake_sim, tmp_path):
    ws = tmp_path / "ws"
    run(capsys, P + ["exercise", "start", "hello-timeout", "--workspace", str(ws)])
    code, out, _ = run(capsys, P + ["check", "hello-timeout", "--workspace", str(ws)])
    assert code == 1
    assert out.startswith("Give a slow function enough time: 1 of 3 checks passed\n")
    assert "    expected: steps.invoke.function_error equals null\n" in out


def test_check_exits_2_when_the_template_is_invalid(capsys, fake_sim, tmp_path):
    ws = tmp_path / "ws"
    run(capsys, P + ["exercise", "start", "hello-timeout", "--workspace", str(ws)])
    (ws / "template.yaml").write_text(template(memory=20000))
    code, out, _ = run(capsys, P + ["check", "hello-timeout", "--workspace", str(ws)])
    assert code == 2
    assert out.splitlines()[1] == ("template.yaml:7:19: Resources.Hello.Properties.MemorySize: must be at most "
                                   "10240, got 20000")
    code, out, _ = run(capsys, P + ["check", "hello-timeout", "--workspace", str(ws), "--json"])
    assert code == 2 and json.loads(out)["status"] == "invalid" and json.loads(out)["checks"] == []


def test_check_without_a_workspace_or_with_an_unknown_id(capsys, tmp_path):
    code, _, err = run(capsys, P + ["check", "hello-timeout", "--workspace", str(tmp_path / "none")])
    assert code == 2
    assert err == (f"coldstart: no workspace at {tmp_path / 'none'}; run 'coldstart exercise start hello-timeout' "
                   "first\n")
    code, _, err = run(capsys, P + ["check", "hello-timout"])
    assert code == 2
    assert err == "coldstart: no exercise 'hello-timout' (did you mean 'hello-timeout'?); exercises: hello-timeout\n"


def test_dev_check_passes_a_good_pack(capsys, fake_sim):
    code, out, err = run(capsys, ["dev", "check", str(PACK)])
    assert (code, err) == (0, "")
    assert out == f"{PACK}: ok — 1 exercise, 3 checks; every starter fails and every solution passes\n"


def test_dev_check_fails_naming_exercise_and_check(capsys, fake_sim, tmp_path):
    root = tmp_path / "pack"
    shutil.copytree(PACK, root)
    folder = root / "exercises" / "hello-timeout"
    (folder / "solution" / "template.yaml").write_text(template(memory=256, timeout=10))
    (root / "content" / "demo" / "module.yaml").write_text(
        (root / "content" / "demo" / "module.yaml").read_text().replace("order: 1", "order: -1"))
    code, out, err = run(capsys, ["dev", "check", str(root)])
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith("module.yaml:4:8: order: must be at least 0, got -1")
    assert lines[1] == ("hello-timeout: check 'memory-unchanged': the solution fails: expected "
                        "stack.functions.Hello.MemorySize equals 128; got 256")
    assert err == f"{root}: 2 problems\n"


def test_a_broken_exercise_is_left_out_with_a_note(capsys, tmp_path):
    root = tmp_path / "pack"
    shutil.copytree(PACK, root)
    (root / "exercises" / "hello-timeout" / "exercise.yaml").write_text("id: [\n")
    code, out, err = run(capsys, ["--pack", str(root), "exercises", "--json"])
    assert (code, json.loads(out)) == (0, [])
    assert err == (f"coldstart: 1 exercise left out because of problems (hello-timeout); run 'coldstart dev check "
                   f"{root}' to see them\n")


def test_grading_and_the_exercise_commands_do_not_import_textual():
    from tests.unit.test_layers import imported_after

    modules = imported_after(
        "import course.grading.runner, course.grading.devcheck, course.grading.workspace\n"
        f"from course.cli import main\nmain(['--pack', {str(PACK)!r}, 'exercises', '--json'])"
    )
    assert "course.grading.runner" in modules
    assert not {m for m in modules if m.split(".")[0] == "textual"}
