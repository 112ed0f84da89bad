"""AWS SAM's own transform (``aws-sam-translator``), run on a template the loader has checked.

This is the code CloudFormation runs for ``Transform: AWS::Serverless-2016-10-31``, so what a SAM
resource expands into (roles with their policy templates, versions and aliases, function URLs,
implicit APIs, permissions, event source mappings, event rules and subscriptions) is what AWS
makes, with the names AWS gives it. It is imported only when a template with SAM resources is
loaded (about 0.4 s the first time), and works offline: Regions and managed policy ARNs come from
the account and the map bundled with the translator.

Local code has no S3 location yet (``aws cloudformation package`` would upload it), so a local
``CodeUri`` goes to the translator as a stand-in S3 location and comes back as the folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The bucket a local CodeUri is handed to the translator in; never a real bucket.
LOCAL_BUCKET = "coldstart-local-code"


@dataclass
class Translated:
    resources: dict[str, dict]
    #: A problem the translator found: (logical id or None for the template, message).
    problems: list[tuple[str | None, str]] = field(default_factory=list)


def is_local(code_uri) -> bool:
    """A CodeUri naming a folder or file next to the template, not an S3 location or an intrinsic."""
    return isinstance(code_uri, str) and not code_uri.startswith("s3://")


def translate(template: dict[str, Any], pseudo: dict[str, Any]) -> Translated:
    """Expand every SAM resource of ``template`` (plain data, parameters already resolved)."""
    import logging

    import boto3
    from samtranslator.model.exceptions import InvalidDocumentException, InvalidEventException, \
        InvalidResourceException, InvalidTemplateException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    logging.getLogger("samtranslator").setLevel(logging.ERROR)  # its metrics warnings are not the learner's
    region = pseudo["AWS::Region"]
    session = boto3.session.Session(region_name=region, aws_access_key_id="SIMULATED",
                                    aws_secret_access_key="SIMULATED")
    values = {key: pseudo[key] for key in ("AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::StackName",
                                           "AWS::StackId", "AWS::URLSuffix") if key in pseudo}
    translator = Translator(None, Parser(), boto_session=session)
    try:
        out = translator.translate(template, values, get_managed_policy_map=lambda: {})
    except InvalidDocumentException as exc:
        problems = []
        for cause in exc.causes:
            logical = getattr(cause, "_logical_id", None)
            problems.append((logical, _message(cause)))
        return Translated({}, problems or [(None, _message(exc))])
    except (InvalidResourceException, InvalidEventException, InvalidTemplateException) as exc:
        return Translated({}, [(getattr(exc, "_logical_id", None), _message(exc))])
    return Translated(out.get("Resources", {}))


def _message(exc) -> str:
    """The translator's own words, without its "Resource with id [X] is invalid." preamble."""
    text = getattr(exc, "message", None) or str(exc)
    if "] is invalid. " in text:
        text = text.split("] is invalid. ", 1)[1]
    return f"AWS SAM: {text.strip()}"
