#!/usr/bin/env python3
"""Validates recorded Web API answers against Spotify's OpenAPI definition.

Input: a JSON Lines file, one answer per line:
  {"operation": "GET /albums/{id}", "mode": "development"|"extended", "status": 200, "body": {...}|null}

Each body is checked against the schema the definition gives for that operation and status
(OpenAPI 3.0 turned into JSON Schema 2020-12: `nullable` becomes a union with null). In
development mode the fields Spotify removed in February 2026 are no longer required, and
their presence is an error: the emulator must not send what Spotify no longer does.

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
        if key == "required" and development and isinstance(value, list):
            value = [name for name in value if name not in ALL_REMOVED]
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
    roots = {mode: {"components": to_json_schema(spec["components"], mode == "development")} for mode in ("development", "extended")}
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
                extra = removed_fields_present(body)
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
