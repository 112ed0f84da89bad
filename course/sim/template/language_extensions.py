"""The ``AWS::LanguageExtensions`` transform: ``Fn::ForEach`` loops, expanded where they were written.

A loop is a key ``Fn::ForEach::LoopName`` in ``Resources``, ``Outputs`` or ``Conditions`` (or inside a
resource's ``Properties``) whose value is ``[Identifier, Collection, {OutputKey: OutputValue}]``
(AWS CloudFormation User Guide, intrinsic-function-reference-foreach.html). For each item of the
collection, each output key is written with ``${Identifier}`` replaced by the item (``&{Identifier}``
by the item without its non-alphanumeric characters), and inside the value ``!Ref Identifier`` and
``${Identifier}`` in ``Fn::Sub`` text become the item (a ``Fn::Sub`` left with nothing to substitute
becomes plain text, so ``!GetAtt [!Sub "Bucket${Id}", Arn]`` names a resource the loop made). Loops may nest. The expanded entries keep the
position of the loop, so a problem in one of them points at the loop that made it.
``Fn::Length``, ``Fn::ToJsonString`` and ``Fn::FindInMap`` defaults are the resolver's
(``intrinsics.py``); this transform only switches them on.
"""

from __future__ import annotations

import re

from course.content.problems import Mark, Problems, did_you_mean
from course.sim.template.values import function_of, key_mark, mark_of, relist, remap, type_name, value_mark

TRANSFORM = "AWS::LanguageExtensions"
PREFIX = "Fn::ForEach::"
#: How deep loops may nest; CloudFormation allows five levels.
MAX_NESTING = 5


class Loops:
    def __init__(self, problems: Problems, resolver):
        self.problems = problems
        self.resolver = resolver

    def expand(self, section, path: str, mark: Mark, depth: int = 0):
        """``section`` with every loop in it replaced by what it makes."""
        if not isinstance(section, dict) or not any(isinstance(k, str) and k.startswith(PREFIX) for k in section):
            return section
        out: dict = {}
        for key, value in section.items():
            if not (isinstance(key, str) and key.startswith(PREFIX)):
                out[key] = value
                continue
            where = key_mark(section, key, mark)
            for made_key, made in self._loop(key, value, f"{path}.{key}", where, value_mark(section, key, where),
                                             depth).items():
                if made_key in out or made_key in section:
                    self.problems.add(where, f"{path}.{key}", f"the loop makes '{made_key}', which is already"
                                                              f" in {path}; give the loop's keys another name")
                    continue
                out[made_key] = made
        return remap(section, out)

    def _loop(self, key: str, value, path: str, where: Mark, value_where: Mark, depth: int) -> dict:
        if depth >= MAX_NESTING:
            self.problems.add(where, path, f"loops nest at most {MAX_NESTING} deep")
            return {}
        if not key[len(PREFIX):].isalnum():
            self.problems.add(where, path, "a loop's name (after Fn::ForEach::) uses only letters and digits")
            return {}
        if not (isinstance(value, list) and len(value) == 3):
            self.problems.add(value_where, path, "Fn::ForEach takes [Identifier, Collection, {OutputKey: OutputValue}]")
            return {}
        identifier, collection, fragment = value
        if not (isinstance(identifier, str) and re.fullmatch(r"[A-Za-z0-9]+", identifier)):
            self.problems.add(value_mark(value, 0, value_where), path, "the identifier uses only letters and digits")
            return {}
        items = self.resolver.resolve(collection, f"{path}[1]", value_mark(value, 1, value_where))
        if function_of(items) == "Ref" and isinstance(items["Ref"], str):
            known = self.resolver.scope.parameters
            self.problems.add(value_mark(value, 1, value_where), f"{path}[1]", f"the collection names"
                              f" '{items['Ref']}', which is not a parameter{did_you_mean(items['Ref'], known)};"
                              " a loop's collection is known when the template is read")
            return {}
        if not (isinstance(items, list) and all(isinstance(i, (str, int, float)) and not isinstance(i, bool)
                                                 for i in items)):
            self.problems.add(value_mark(value, 1, value_where), path,
                              f"the collection must be a list of text known when the template is read (a list, or"
                              f" !Ref to a CommaDelimitedList parameter), got {type_name(items)}")
            return {}
        if not isinstance(fragment, dict) or not fragment:
            self.problems.add(value_mark(value, 2, value_where), path, "the loop's body is a mapping of"
                                                                       " {OutputKey: OutputValue}")
            return {}
        made: dict = {}
        for item in map(str, items):
            for out_key, out_value in fragment.items():
                name = _in_key(out_key, identifier, item)
                if name == out_key and len(items) > 1:
                    self.problems.add(key_mark(fragment, out_key, where), f"{path}.{out_key}",
                                      f"every key a loop makes must name its item: use ${{{identifier}}} or"
                                      f" &{{{identifier}}} in '{out_key}'")
                    return made
                made[name] = _substitute(out_value, identifier, item)
        return self.expand(remap(fragment, made), path, mark_of(fragment, where), depth + 1)


def _in_key(key: str, identifier: str, item: str) -> str:
    return key.replace(f"${{{identifier}}}", item).replace(f"&{{{identifier}}}", re.sub(r"[^A-Za-z0-9]", "", item))


def _substitute(value, identifier: str, item: str):
    """``!Ref Identifier`` and ``${Identifier}`` in Fn::Sub text become the item; keys of nested
    mappings take ``${Identifier}`` too (a nested loop's output keys, say)."""
    fn = function_of(value)
    if fn == "Ref" and value["Ref"] == identifier:
        return item
    if fn == "Fn::Sub":
        arg = value["Fn::Sub"]
        if isinstance(arg, str):
            text = arg.replace(f"${{{identifier}}}", item)
            # Text with nothing left to substitute is the text itself, so a loop can name a resource
            # with it (!GetAtt [!Sub "Bucket${Id}", Arn]), as the transform allows.
            return text if "${" not in text else remap(value, {fn: text})
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            return remap(value, {fn: [arg[0].replace(f"${{{identifier}}}", item),
                                      *(_substitute(v, identifier, item) for v in arg[1:])]})
    if isinstance(value, dict):
        return remap(value, {(_in_key(k, identifier, item) if isinstance(k, str) else k): _substitute(v, identifier, item)
                             for k, v in value.items()})
    if isinstance(value, list):
        return relist(value, [_substitute(v, identifier, item) for v in value])
    return value
