"""The API's OpenAPI document, and the same document as a readable reference page.

drf-spectacular writes the document from the views, their serializers and the list
filters' FilterSets. ``RegistrySchema`` adds the errors every endpoint may answer, so
that each status code a client can get is documented (schemathesis checks it).
``reference()`` turns the document into what ``/api/v1/`` shows: no script, nothing
from another site, so the page works offline and under the site's strict CSP.
"""

from django import forms
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .. import exports

ERRORS = {
    "400": "A parameter cannot be applied: `errors` names each, with what is wrong.",
    "404": "No such record, or no such page of the list.",
    "429": "Too many requests from this address: wait for the seconds `Retry-After` says.",
}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: each parameter that cannot be applied, with why.",
    )


class RegistrySchema(AutoSchema):
    """drf-spectacular's schema, with the errors: a 400 where parameters are validated
    (the lists: their filters and page size), a 404 and a 429 everywhere."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        self._describe_filters(operation.get("parameters", []))
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and self.view.lookup_field == "pk":
                parameter["schema"] = {"type": "integer", "minimum": 1}  # not the regex's text
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        codes = [code for code in ERRORS if code != "400" or self._is_list_view()]
        for code in codes:
            operation["responses"][code] = {
                "description": ERRORS[code],
                "content": {"application/json": {"schema": error}},
            }
        return operation

    def _describe_filters(self, parameters):
        """What drf-spectacular cannot see of the list filters: an empty value means any
        (as the list page's form sends an unchosen field), a choice is one of its values
        (``followed_up`` is "yes" or "no", not the model's boolean), a year is a whole
        number within its bounds, and each is described in the form's own words."""
        filterset = getattr(self.view, "filterset_class", None)
        if filterset is None or not self._is_list_view():
            return
        for parameter in parameters:
            found = filterset.base_filters.get(parameter["name"])
            if found is None:
                continue
            parameter["allowEmptyValue"] = True
            field = found.field
            words = [f"{field.label}.", str(field.help_text)]
            if hasattr(field, "queryset"):
                named_by = "name" if found.extra["to_field_name"] == "name" else "slug"
                words.append(f"By {named_by}; one the registry does not know is a 400.")
            elif isinstance(field, forms.ChoiceField):
                choices = [(value, label) for value, label in field.choices if value != ""]
                parameter["schema"] = {"type": "string", "enum": [v for v, _ in choices]}
                words.append("; ".join(f"“{value}”: {label}" for value, label in choices) + ".")
            elif isinstance(field, forms.IntegerField):
                parameter["schema"].update(
                    type="integer", minimum=field.min_value, maximum=field.max_value
                )
            parameter["description"] = " ".join(word for word in words if word)


def with_licence(result, **kwargs):
    """drf-spectacular's last step: the document names the data's licence."""
    result["info"]["license"] = exports.DATA_LICENCE
    return result


def document():
    """The OpenAPI document, as ``/api/v1/openapi.json`` serves it."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(spec, schema):
    """``schema`` with a ``$ref`` (and a one-item ``allOf``) followed."""
    if "allOf" in schema and len(schema["allOf"]) == 1:
        schema = {**schema["allOf"][0], **{k: v for k, v in schema.items() if k != "allOf"}}
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return {
            **spec["components"]["schemas"][name],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    return schema


def type_of(spec, schema):
    """A schema's type in a few words: "string (date), or null", "list of Party"."""
    schema = _resolve(spec, schema) if "allOf" in schema else schema
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    kind = schema.get("type", "object")
    if kind == "array":
        kind = f"list of {type_of(spec, schema.get('items', {}))}"
    elif schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    if schema.get("enum"):
        kind += ": one of " + ", ".join(
            f"“{value}”" for value in schema["enum"] if value is not None
        )
    if schema.get("nullable"):
        kind += ", or null"
    return kind


def fields(spec, schema):
    """``(name, type, description)`` of each property of an object schema."""
    schema = _resolve(spec, schema)
    return [
        (name, type_of(spec, prop), _resolve(spec, prop).get("description", ""))
        for name, prop in schema.get("properties", {}).items()
    ]


def reference():
    """The document as the reference page shows it: each operation with its parameters
    and responses, then each kind of object with its fields."""
    spec = document()
    operations = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            responses = []
            for code, response in operation["responses"].items():
                body = response.get("content", {}).get("application/json", {}).get("schema")
                responses.append((code, response["description"], body and type_of(spec, body)))
            operations.append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        (
                            p["name"],
                            p["in"],
                            type_of(spec, p.get("schema", {})),
                            p.get("description", ""),
                        )
                        for p in operation.get("parameters", [])
                    ],
                    "responses": responses,
                }
            )
    schemas = [
        {"name": name, "description": schema.get("description", ""), "fields": fields(spec, schema)}
        for name, schema in spec["components"]["schemas"].items()
    ]
    return {"info": spec["info"], "operations": operations, "schemas": schemas}
