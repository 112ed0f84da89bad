"""SAM's ``AWS::Serverless::Function``: checked where the learner wrote it, then expanded by SAM.

AWS's own transform (``template/sam_translate.py``) makes the role, the version and alias, the
function URL, the permissions and the event sources, with AWS's names. Before it runs, each
function is checked here so every problem points at the learner's text (in the function or in
``Globals.Function``): the SAM schema, one source of code, Handler and Runtime for a .zip package,
one architecture, provisioned concurrency only with an alias, and the properties of its events.
"""

from __future__ import annotations

from course.content.problems import Mark
from course.sim.awslambda.schemas import SAM_STREAM_EVENT
from course.sim.template.model import Note, Resource
from course.sim.template.sam import SamTransform
from course.sim.template.sam_translate import LOCAL_BUCKET, is_local
from course.sim.template.values import mark_of

#: What SAM accepts only on each function, never in ``Globals.Function``.
NOT_GLOBAL = ("Role", "Policies", "FunctionName", "Events")
#: Function properties SAM renames on the way to ``AWS::Lambda::Function``, for positions.
_RENAMED = {"Code": ("CodeUri", "InlineCode", "ImageUri"), "TracingConfig": ("Tracing",),
            "DeadLetterConfig": ("DeadLetterQueue",)}


def check_function(transform: SamTransform, resource: Resource) -> dict:
    """Every problem of one function, reported where it was written; the positions of its merged
    properties, for the ``AWS::Lambda::Function`` SAM makes of it."""
    merged, written, mark = transform.merged(resource, "Function")
    path = f"{resource.path}.Properties"
    where = lambda key: written.get(key, (f"{path}.{key}", mark))  # noqa: E731
    _architectures(transform, merged, written)
    _code(transform, merged, where, path, mark)
    _versions(transform, merged, where)
    if "Role" in merged and "Policies" in merged:
        transform.notes.append(Note(where("Policies")[1], where("Policies")[0],
                                    "ignored: Role is set, and SAM adds policies only to the role it creates"))
    for event in transform.events(merged.get("Events"), where("Events")):
        if event.type in ("DynamoDB", "Kinesis"):
            base = f"{where('Events')[0]}.{event.name}.Properties"
            transform.checker.check(event.properties, SAM_STREAM_EVENT, base, mark_of(event.properties, event.mark))
    for target, sources in _RENAMED.items():
        given = next((key for key in sources if key in written), None)
        if given:
            written[target] = written[given]
    info = {"merged": merged, "written": written}
    code = merged.get("CodeUri")
    if is_local(code):
        # Local code has no S3 location until it is packaged: SAM sees a stand-in, the function gets the folder.
        info["translate_as"] = {"CodeUri": f"s3://{LOCAL_BUCKET}/{resource.logical_id}"}
        info["restore"] = {"Code": code}
    return info


def ref_aliases(logical_id: str, generated: dict[str, dict]) -> dict[str, str]:
    """``Fn.Alias`` and ``Fn.Version`` → what SAM made for them, for ``!Ref Fn.Alias``."""
    out = {}
    for name, body in generated.items():
        target = (body.get("Properties") or {}).get("FunctionName")
        if target != {"Ref": logical_id}:
            continue
        if body.get("Type") == "AWS::Lambda::Version":
            out[f"{logical_id}.Version"] = name
        elif body.get("Type") == "AWS::Lambda::Alias":
            out[f"{logical_id}.Alias"] = name
    return out


def _architectures(t: SamTransform, merged: dict, written: dict) -> None:
    """Each list alone was checked; only adding them together can make two architectures."""
    value = merged.get("Architectures")
    both = "Architectures" in t.globals.get("Function", {}) and \
        written.get("Architectures", ("",))[0].startswith("Resources.")
    if both and isinstance(value, list) and len(value) > 1:
        path, mark = written["Architectures"]
        t.problems.add(mark, path, f"SAM adds these to Globals.Function.Architectures, giving"
                                   f" {', '.join(map(str, value))}; a function has exactly one architecture,"
                                   " so set it in one place")


def _code(t: SamTransform, merged: dict, where, path: str, mark: Mark) -> None:
    given = [key for key in ("CodeUri", "InlineCode", "ImageUri") if key in merged]
    if not given:
        t.problems.add(mark, f"{path}.CodeUri", "a function needs its code: CodeUri (a folder next to the"
                                                " template), InlineCode or ImageUri")
    elif len(given) > 1:
        second = where(given[1])
        t.problems.add(second[1], second[0], f"set only one of {' and '.join(given)}")
    if "ImageUri" in merged and merged.get("PackageType") != "Image":
        path_, mark_ = where("ImageUri")
        t.problems.add(mark_, path_, "an image needs PackageType: Image (SAM's default is Zip)")
    if merged.get("PackageType", "Zip") == "Zip" and "ImageUri" not in merged:
        for key in ("Handler", "Runtime"):
            if key not in merged:
                t.problems.add(mark, f"{path}.{key}", "required for a .zip package (PackageType Zip);"
                                                      " set it here or in Globals.Function")


def _versions(t: SamTransform, merged: dict, where) -> None:
    alias = merged.get("AutoPublishAlias")
    snap = merged.get("SnapStart")
    if alias is not None:
        return
    if merged.get("ProvisionedConcurrencyConfig") is not None:
        path, mark = where("ProvisionedConcurrencyConfig")
        t.problems.add(mark, path, "needs AutoPublishAlias: provisioned concurrency is set on an alias,"
                                   " and SAM creates the alias only when AutoPublishAlias is set")
    if isinstance(snap, dict) and snap.get("ApplyOn") == "PublishedVersions":
        path, mark = where("SnapStart")
        t.notes.append(Note(mark, path, "SnapStart applies only to published versions, and without"
                                        " AutoPublishAlias SAM publishes none, so $LATEST runs without it"))


def check_layer(transform: SamTransform, resource: Resource) -> dict:
    """A layer's properties where they were written; a local ContentUri goes to the transform as a
    stand-in S3 location and comes back as the folder (``AWS::Lambda::LayerVersion``'s Content)."""
    merged, written, _ = transform.merged(resource, "LayerVersion")
    info: dict = {"written": {"Content": written["ContentUri"]} if "ContentUri" in written else {}}
    content = merged.get("ContentUri")
    if is_local(content):
        info["translate_as"] = {"ContentUri": f"s3://{LOCAL_BUCKET}/{resource.logical_id}"}
        info["restore"] = {"Content": content}
    return info
