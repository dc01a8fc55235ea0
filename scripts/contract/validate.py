#!/usr/bin/env python3
"""Validates recorded Web API answers against Spotify's OpenAPI definition.

Input: a JSON Lines file, one answer per line:
  {"operation": "GET /albums/{id}", "mode": "development"|"extended", "status": 200, "body": {...}|null}

Each body is checked against the schema the definition gives for that operation and status
(OpenAPI 3.0 turned into JSON Schema 2020-12: `nullable` becomes a union with null). In
development mode the fields Spotify removed in February 2026 are no longer required, and
their presence is an error: the emulator must not send what Spotify no longer does.

Complete, not only valid: Spotify sends every property of an object, with `null` where there is
no value, so every documented property is required here, except those the definition itself
calls conditional ("Optional field", "Included in the response when …", "Part of the response
when …", "only available …") and, in development mode, those February 2026 removed or renamed.
A property the definition describes as possibly null ("Can be `null`", "`null` if …") may be
null. Where live Spotify and the community definition disagree, LIVE below wins; each case is
listed with its source in docs/emulator.md.

Exit status 0 when every answer is valid, 1 otherwise (each problem printed), 2 on bad input.
"""
import copy
import json
import sys

import jsonschema
import yaml

# SPOTIFY.md D.7: fields removed for development-mode apps in February 2026, by object type.
REMOVED_IN_DEVELOPMENT = {
    "track": {"available_markets", "linked_from", "popularity"},
    "album": {"album_group", "available_markets", "label", "popularity"},
    "artist": {"followers", "popularity"},
    "user": {"country", "email", "explicit_content", "followers", "product"},
    "show": {"available_markets", "publisher"},
    "audiobook": {"available_markets", "publisher"},
    "chapter": {"available_markets"},
}
ALL_REMOVED = set().union(*REMOVED_IN_DEVELOPMENT.values())
# SPOTIFY.md D.6: February 2026 renamed these for development-mode apps (tracks → items,
# track → item); extended-quota apps keep the old names beside the new ones.
RENAMED_IN_DEVELOPMENT = {"PlaylistObject": {"tracks"}, "SimplifiedPlaylistObject": {"tracks"}, "PlaylistTrackObject": {"track"}}

CONDITIONAL = ("optional field", "included in the response when", "part of the response when", "only available", "set if the supplied access token")
MAYBE_NULL = ("can be `null`", "`null` if", "if not available", "otherwise `null`", "will be `null`")
# Object schemas whose `type` property names no kind in the definition.
KINDS = {"PrivateUserObject": "user", "SimplifiedTrackObject": "track", "ChapterBase": "chapter"}

DISALLOWS = {"$ref": "#/components/schemas/DisallowsObject"}
# Live Spotify where the community definition differs; docs/emulator.md gives each one's source.
LIVE = {
    # The player's `actions` wraps its flags in `disallows`; the definition flattens them.
    ("CurrentlyPlayingContextObject", "actions"): {"type": "object", "properties": {"disallows": DISALLOWS}, "required": ["disallows"]},
    ("CurrentlyPlayingObject", "actions"): {"type": "object", "properties": {"disallows": DISALLOWS}, "required": ["disallows"]},
    # The player reports smart shuffle beside shuffle.
    ("CurrentlyPlayingContextObject", "smart_shuffle"): {"type": "boolean"},
    # A cursor at the end of the list is null (followed artists send {"after": null}).
    ("CursorObject", "after"): {"type": "string", "nullable": True},
    ("CursorObject", "before"): {"type": "string", "nullable": True},
}
# A playlist entry's track object also says whether it is a track or an episode.
PLAYLIST_TRACK_FLAGS = {"episode": {"type": "boolean"}, "track": {"type": "boolean"}}
# Objects whose live form leaves out documented properties: followed artists' cursors have no
# `before`; external ids hold the kinds of id a thing has (a track its ISRC, an album its UPC).
NOT_SENT = {("CursorObject", "before"), ("ExternalIdObject", "isrc"), ("ExternalIdObject", "ean"), ("ExternalIdObject", "upc")}


def object_type(schema, schemas, name=None):
    """The kind of thing an object schema is (its `type` enum, following allOf and refs), for the removal list."""
    if name in KINDS:
        return KINDS[name]
    for part in [schema] + schema.get("allOf", []):
        if "$ref" in part:
            found = object_type(schemas[part["$ref"].split("/")[-1]], schemas)
            if found:
                return found
        enum = part.get("properties", {}).get("type", {}).get("enum")
        if enum:
            return enum[0]
    return None


def complete(schemas, development):
    """Every documented property required (see the module's doc), nullable where described so,
    with LIVE's overrides; a new dict of schemas."""
    schemas = copy.deepcopy(schemas)
    for name, schema in schemas.items():
        removed = REMOVED_IN_DEVELOPMENT.get(object_type(schema, schemas, name), set()) if development else set()
        removed = removed | (RENAMED_IN_DEVELOPMENT.get(name, set()) if development else set())
        for part in [schema] + [p for p in schema.get("allOf", []) if "$ref" not in p]:
            properties = part.get("properties")
            if not properties:
                if "required" in part:
                    part["required"] = sorted(set(part["required"]) - removed)
                continue
            for (owner, prop), live in LIVE.items():
                if owner == name:
                    properties[prop] = copy.deepcopy(live)
            required = set(part.get("required", []))
            for prop, sub in properties.items():
                text = (sub.get("description") or "").lower()
                if any(marker in text for marker in MAYBE_NULL) and "$ref" not in sub:
                    sub["nullable"] = True
                elif any(marker in text for marker in MAYBE_NULL):
                    properties[prop] = {"allOf": [{"$ref": sub["$ref"]}], "nullable": True}
                if prop in removed:
                    required.discard(prop)
                elif not any(marker in text for marker in CONDITIONAL) and (name, prop) not in NOT_SENT:
                    required.add(prop)
            part["required"] = sorted(required)
    entry = schemas.get("PlaylistTrackObject", {}).get("properties", {})
    for prop in ("item", "track"):
        if prop in entry:
            flagged = {"type": "object", "properties": PLAYLIST_TRACK_FLAGS, "required": sorted(PLAYLIST_TRACK_FLAGS)}
            entry[prop] = {"anyOf": [{"allOf": [{"$ref": "#/components/schemas/TrackObject"}, flagged]},
                                     {"$ref": "#/components/schemas/EpisodeObject"}]}
    return schemas


def renamed_fields_present(body, path="$"):
    """Development-mode playlists use the February 2026 names only."""
    problems = []
    if isinstance(body, dict):
        if body.get("type") == "playlist" and "tracks" in body:
            problems.append(f"{path}.tracks is sent in development mode, which renamed it to items")
        if "added_at" in body and "is_local" in body and "track" in body:
            problems.append(f"{path}.track is sent in development mode, which renamed it to item")
        for key, value in body.items():
            problems += renamed_fields_present(value, f"{path}.{key}")
    elif isinstance(body, list):
        for index, value in enumerate(body):
            problems += renamed_fields_present(value, f"{path}[{index}]")
    return problems


def to_json_schema(node, development):
    """OpenAPI 3.0 schema objects to JSON Schema 2020-12, recursively."""
    if isinstance(node, list):
        return [to_json_schema(item, development) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("example", "examples", "xml", "externalDocs") or key.startswith("x-"):
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: to_json_schema(sub, development) for name, sub in value.items()}
            continue
        out[key] = to_json_schema(value, development)
    if out.pop("nullable", False):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def operations(spec):
    found = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete"):
                found[f"{method.upper()} {path}"] = operation
    return found


def response_schema(spec, operation, status):
    """The schema of an answer, `""` when the definition says it has no body."""
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None and status >= 400:
        # Every error of the Web API has the one shape; the definition lists only some statuses.
        response = {"$ref": "#/components/responses/BadRequest"}
    if response is None:
        return None, f"the definition lists no {status} answer"
    base = None
    if "$ref" in response:
        name = response["$ref"].split("/")[-1]
        response = spec["components"]["responses"][name]
        base = f"#/components/responses/{name}"
    if not response.get("content"):
        return "", None
    if base:
        return {"$ref": base + "/content/application~1json/schema"}, None
    return response["content"]["application/json"]["schema"], None


def removed_fields_present(body, path="$"):
    """Development-mode bodies must not carry what February 2026 removed."""
    problems = []
    if isinstance(body, dict):
        removed = REMOVED_IN_DEVELOPMENT.get(body.get("type"), set())
        for name in sorted(removed & body.keys()):
            problems.append(f"{path}.{name} is sent in development mode, which Spotify removed")
        for key, value in body.items():
            problems += removed_fields_present(value, f"{path}.{key}")
    elif isinstance(body, list):
        for index, value in enumerate(body):
            problems += removed_fields_present(value, f"{path}[{index}]")
    return problems


def main():
    if len(sys.argv) != 3:
        print("usage: validate.py SPEC.yml ANSWERS.jsonl", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as handle:
        spec = yaml.safe_load(handle)
    known = operations(spec)
    roots = {}
    for mode in ("development", "extended"):
        components = dict(spec["components"])
        components["schemas"] = complete(spec["components"]["schemas"], mode == "development")
        roots[mode] = {"components": to_json_schema(components, mode == "development")}
    failures = 0
    checked = 0
    with open(sys.argv[2]) as handle:
        for number, line in enumerate(handle, 1):
            record = json.loads(line)
            name, mode, status, body = record["operation"], record["mode"], record["status"], record.get("body")
            where = f"{name} → {status} ({mode}, line {number})"
            checked += 1
            if name not in known:
                print(f"FAIL {where}: not an operation of the definition")
                failures += 1
                continue
            schema, problem = response_schema(spec, known[name], status)
            if problem:
                print(f"FAIL {where}: {problem}")
                failures += 1
                continue
            if schema == "":
                if body is not None:
                    print(f"FAIL {where}: the definition says no body, the emulator sent one")
                    failures += 1
                continue
            if "$ref" not in schema:
                schema = to_json_schema(copy.deepcopy(schema), mode == "development")
            root = dict(roots[mode])
            root.update(schema)
            validator = jsonschema.Draft202012Validator(root)
            errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
            if mode == "development":
                extra = removed_fields_present(body) + renamed_fields_present(body)
            else:
                extra = []
            for error in errors[:5]:
                location = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
                print(f"FAIL {where}: {location}: {error.message[:300]}")
            for message in extra[:5]:
                print(f"FAIL {where}: {message}")
            if errors or extra:
                failures += 1
    print(f"{checked} answers checked against the definition, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
