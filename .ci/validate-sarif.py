"""Validates SARIF logs against the official SARIF 2.1.0 JSON Schema (OASIS, errata 01).

Usage: validate-sarif.py SCHEMA LOG...

The schema comes from a registry package (see .ci/run); it is draft-04, and its regular
expressions are ECMAScript ones that Python's `re` accepts (the Rust `jsonschema` crate
rejects one of them, which is why this check lives here and not in `cargo test`).
"""

import json
import sys

import jsonschema


def main() -> int:
    schema_path, *logs = sys.argv[1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    if schema.get("id", "").rsplit("/", 1)[-1] != "sarif-schema-2.1.0.json":
        print(f"{schema_path} is not the SARIF 2.1.0 schema", file=sys.stderr)
        return 2
    jsonschema.Draft4Validator.check_schema(schema)
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    failed = False
    for path in logs:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        results = sum(len(run.get("results", [])) for run in log.get("runs", []))
        if errors:
            failed = True
            for error in errors[:20]:
                where = "/".join(str(p) for p in error.absolute_path)
                print(f"{path}: /{where}: {error.message}", file=sys.stderr)
        else:
            print(f"{path}: valid SARIF 2.1.0 ({results} results)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
