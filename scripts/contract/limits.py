#!/usr/bin/env python3
"""Prints, as JSON, each operation's documented `limit` range: {"GET /search": [1, 50], …}.

The definition gives the extended-quota range; development mode's smaller ones (SPOTIFY.md D.7:
search and an artist's albums at most 10) are the emulator test's own knowledge.
"""
import json
import sys

import yaml


def main():
    with open(sys.argv[1]) as handle:
        spec = yaml.safe_load(handle)
    parameters = spec.get("components", {}).get("parameters", {})
    found = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete"):
                continue
            for parameter in operation.get("parameters", []) + item.get("parameters", []):
                if "$ref" in parameter:
                    parameter = parameters[parameter["$ref"].split("/")[-1]]
                if parameter.get("name") == "limit" and parameter.get("in") == "query":
                    schema = parameter.get("schema", {})
                    found[f"{method.upper()} {path}"] = [schema.get("minimum", 1), schema.get("maximum")]
    json.dump(found, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
