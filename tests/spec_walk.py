"""Walk every operation a plugin's spec documents against the live views (spec and behaviour cannot drift)."""

import json

import jsonschema
import yaml

FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER
# OpenAPI's formats of numbers and strings that JSON Schema leaves unchecked (annotations, not assertions).
OPENAPI_ONLY_FORMATS = {"int32", "int64", "float", "double", "byte", "binary", "password"}


def formats_in(schema) -> set[str]:
    """Return every `format` a JSON schema uses, at any depth."""
    if isinstance(schema, list):
        return set().union(*(formats_in(item) for item in schema))
    if not isinstance(schema, dict):
        return set()
    found = {schema["format"]} if isinstance(schema.get("format"), str) else set()
    return found.union(*(formats_in(value) for value in schema.values()))


def assert_conforms(instance, schema: dict) -> None:
    """Validate `instance` against a JSON schema (refs resolved), its formats checked as MCP clients check them.

    A format the checker does not know would pass anything (jsonschema checks `uri` only with its format
    extra installed): such a schema fails here rather than being validated in name only.
    """
    unchecked = formats_in(schema) - set(FORMAT_CHECKER.checkers) - OPENAPI_ONLY_FORMATS
    assert not unchecked, f"no checker for the formats {sorted(unchecked)}: install jsonschema[format-nongpl]"
    jsonschema.validate(instance, schema, cls=jsonschema.Draft202012Validator, format_checker=FORMAT_CHECKER)


def example_for(schema: dict, components: dict):
    """Return a small valid value for a JSON schema (enough to call an operation)."""
    if "$ref" in schema:
        return example_for(components[schema["$ref"].rsplit("/", 1)[1]], components)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "string")
    kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
    if kind == "object":
        required = schema.get("required", [])
        return {
            name: example_for(sub, components) for name, sub in schema.get("properties", {}).items() if name in required
        }
    if kind == "array":
        return [example_for(schema.get("items", {}), components)]
    if kind == "integer":
        return max(schema.get("minimum", 0), 0)
    if kind == "number":
        return max(schema.get("minimum", 0), 0)
    if kind == "boolean":
        return False
    return {"date": "2025-10-21", "date-time": "2025-10-21T00:00:00Z"}.get(schema.get("format"), "walker")


def resolve_refs(schema, components):
    """Inline every $ref so jsonschema can validate a response against it."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return resolve_refs(components[schema["$ref"].rsplit("/", 1)[1]], components)
        return {key: resolve_refs(value, components) for key, value in schema.items()}
    if isinstance(schema, list):
        return [resolve_refs(item, components) for item in schema]
    return schema


def walk_spec(client, base: str, *, params: dict | None = None, headers: dict | None = None) -> list[str]:
    """Call every documented operation under `base`; return the operationIds called.

    `params` overrides example values by parameter name (e.g. an id that exists, or an optional query
    parameter to send). Each answer's status must be documented, and a JSON body must match its
    documented schema, formats included (`date`, `date-time`, `uri`...): walk with data loaded, so
    the answers carry the fields whose formats are checked.
    """
    spec = yaml.safe_load(client.get(f"{base}openapi.yaml").content)
    components = spec.get("components", {}).get("schemas", {})
    called = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            url_path, query = path, {}
            for parameter in operation.get("parameters", []):
                value = (params or {}).get(parameter["name"], example_for(parameter.get("schema", {}), components))
                if parameter["in"] == "path":
                    url_path = url_path.replace("{" + parameter["name"] + "}", str(value))
                elif parameter["in"] == "query" and (parameter.get("required") or parameter["name"] in (params or {})):
                    query[parameter["name"]] = value
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            data = json.dumps(example_for(body["schema"], components)) if body else None
            response = client.generic(
                method.upper(),
                f"{base}{url_path.lstrip('/')}"
                + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
                data or "",
                content_type="application/json",
                **(headers or {}),
            )
            documented = operation["responses"]
            status = str(response.status_code)
            assert status in documented, f"{method.upper()} {path} answered {status}, documented {list(documented)}"
            content = documented[status].get("content", {}).get("application/json")
            if content:
                assert_conforms(response.json(), resolve_refs(content["schema"], components))
            called.append(operation["operationId"])
    return called
