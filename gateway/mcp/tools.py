"""MCP tools derived from a plugin's cached OpenAPI document, so tools and spec cannot drift."""

import itertools
import json
from dataclasses import dataclass, field
from functools import lru_cache

import jsonschema_rs
from django.core.cache import cache
from mcp_types import Tool, ToolAnnotations

from ..schema import schema_document, schema_key

# A refusal of a call's arguments names at most this many problems, each in at most this many characters.
MAX_ARGUMENT_ERRORS, MAX_ERROR_CHARS = 5, 200
PARAMETER_LOCATIONS = ("path", "query")
# readOnly / destructive / idempotent hints by HTTP method (POST adds, PUT and PATCH overwrite).
METHOD_HINTS = {
    "get": (True, False, True),
    "post": (False, False, False),
    "put": (False, True, True),
    "patch": (False, True, False),
    "delete": (False, True, True),
}


@dataclass(frozen=True)
class Operation:
    """One documented operation: where to send a tool call and which arguments go where."""

    name: str
    method: str
    path: str
    description: str
    path_params: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    input_schema: dict = field(default_factory=dict)
    output_schema: dict | None = None
    # Compiled once with the operation (operations_at keeps both per process): a call's check costs
    # about 0.1 microsecond where jsonschema's Python validator costs 10 on these small flat schemas.
    validator: jsonschema_rs.Draft202012Validator | None = field(default=None, compare=False, repr=False)

    def argument_error(self, arguments: dict) -> str | None:
        """Return what is wrong with a call's arguments against the published inputSchema, else None."""
        if self.validator is None or self.validator.is_valid(arguments):
            return None
        problems = []
        for error in itertools.islice(self.validator.iter_errors(arguments), MAX_ARGUMENT_ERRORS):
            # The message quotes the refused value: a long one is cut, so the answer stays short.
            message = (
                error.message if len(error.message) <= MAX_ERROR_CHARS else f"{error.message[:MAX_ERROR_CHARS]}..."
            )
            problems.append(f"{'/'.join(map(str, error.instance_path))}: {message}" if error.instance_path else message)
        return "; ".join(problems)

    def tool(self) -> Tool:
        read_only, destructive, idempotent = METHOD_HINTS.get(self.method, (False, True, False))
        annotations = ToolAnnotations(
            read_only_hint=read_only,
            destructive_hint=None if read_only else destructive,
            idempotent_hint=None if read_only else idempotent,
        )
        return Tool(
            name=self.name,
            description=self.description,
            input_schema=self.input_schema,
            output_schema=self.output_schema,
            annotations=annotations,
        )


def resolve_refs(node, components: dict, depth: int = 0):
    """Inline `#/components/schemas/...` references (our schemas are small and not recursive)."""
    if depth > 20:
        raise ValueError("The OpenAPI schema nests references too deeply to become a tool schema.")
    if isinstance(node, list):
        return [resolve_refs(item, components, depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        target = components.get(ref.rsplit("/", 1)[1], {})
        return resolve_refs({**target, **{k: v for k, v in node.items() if k != "$ref"}}, components, depth + 1)
    return {key: resolve_refs(value, components, depth + 1) for key, value in node.items()}


def operation_from_spec(path: str, method: str, spec_operation: dict, components: dict) -> Operation:
    """Merge path/query parameters and the JSON body's properties into one input object."""
    properties, required = {}, []
    located = {location: [] for location in PARAMETER_LOCATIONS}
    for parameter in resolve_refs(spec_operation.get("parameters", []), components):
        if parameter.get("in") not in PARAMETER_LOCATIONS:
            continue
        name = parameter["name"]
        located[parameter["in"]].append(name)
        schema = dict(parameter.get("schema", {}))
        if parameter.get("description"):
            schema["description"] = parameter["description"]
        properties[name] = schema
        if parameter.get("required"):
            required.append(name)
    body = spec_operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body:
        body = resolve_refs(body, components)
        for name, schema in body.get("properties", {}).items():
            # A parameter keeps its name if a body property repeats it (none of our plugins does that).
            properties.setdefault(name, schema)
        required += [name for name in body.get("required", []) if name not in required]
    input_schema = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    ok = spec_operation.get("responses", {}).get("200", {})
    output = resolve_refs(ok.get("content", {}).get("application/json", {}).get("schema"), components)
    return Operation(
        name=spec_operation["operationId"],
        method=method,
        path=path,
        description=(spec_operation.get("description") or spec_operation.get("summary") or "").strip(),
        path_params=tuple(located["path"]),
        query_params=tuple(located["query"]),
        input_schema=input_schema,
        # Formats (date) checked only where the schema has one: checking costs ~0.1 M instructions a
        # call even when there is none (bench/callgrind.py, mcp_get).
        validator=jsonschema_rs.Draft202012Validator(input_schema, validate_formats=mentions_format(input_schema)),
        output_schema=output if isinstance(output, dict) and output.get("type") == "object" else None,
    )


def mentions_format(schema) -> bool:
    """Return whether a JSON schema has a `format` keyword anywhere (or a property of that name)."""
    if isinstance(schema, dict):
        return "format" in schema or any(mentions_format(value) for value in schema.values())
    if isinstance(schema, list):
        return any(mentions_format(value) for value in schema)
    return False


def plugin_operations(request, plugin) -> dict[str, Operation]:
    """Return the plugin's operations by operationId, from the same cached document the spec URL serves."""
    key = schema_key(request, plugin, "json")
    try:
        return operations_at(key)
    except LookupError:  # not in the shared cache yet: render and store it, read it directly this once
        return operations_of(schema_document(request, plugin, "json"))


@lru_cache(maxsize=64)
def operations_at(key: str) -> dict[str, Operation]:
    """Return the operations of the document cached under `key` (gateway.schema.schema_key), once per process.

    The key names every input of the document but the code (the plugin row's version among them), so
    what was worked out for a key stays true for this process's life; a changed row is another key.
    An MCP call then costs no fetch of the document: 0.26 M instructions of 6.3 M (bench/callgrind.py).
    LookupError when the document is not cached: lru_cache keeps no answer for a raised call.
    """
    document = cache.get(key)
    if document is None:
        raise LookupError(key)
    return operations_of(document)


def operations_of(document: bytes) -> dict[str, Operation]:
    """Return the operations a spec document describes (Operation is frozen; the dict is only read)."""
    spec = json.loads(document)
    components = spec.get("components", {}).get("schemas", {})
    operations = {}
    for path, methods in spec.get("paths", {}).items():
        for method, spec_operation in methods.items():
            if method in METHOD_HINTS and "operationId" in spec_operation:
                operation = operation_from_spec(path, method, spec_operation, components)
                operations[operation.name] = operation
    return operations
