"""Serializer pieces every plugin shares: strict JSON fields and the error envelope."""

from collections.abc import Mapping
from functools import cache, partial

from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers, booleans and objects instead of turning them into text."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """An IntegerField that takes only a JSON integer (not "3", 3.5 or true)."""

    default_error_messages = {"not_an_integer": "Must be a JSON integer."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("not_an_integer")
        return super().to_internal_value(data)


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a code and a message saying what to change."""

    error = ErrorDetailSerializer()


# Leaf fields whose DRF to_representation is exactly this builtin (int(value), float(value), str(value)).
PLAIN_CONVERSIONS = {serializers.IntegerField: int, serializers.FloatField: float, serializers.CharField: str}


@cache
def representation_plan(serializer_class) -> tuple | None:
    """Return ((name, source attributes, convert), ...) for a read serializer of plain and nested fields.

    None when a field needs DRF's own machinery (a list field, a method field): `represent` then
    falls back to the serializer. Derived from code only, so one plan per class and process is right.
    """
    plan = []
    for name, field in serializer_class().fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.BaseSerializer):
            nested = None if isinstance(field, serializers.ListSerializer) else representation_plan(type(field))
            if nested is None:
                return None
            convert = partial(represent_one, nested)
        elif isinstance(field, serializers.SerializerMethodField | serializers.ManyRelatedField):
            return None
        else:
            convert = PLAIN_CONVERSIONS.get(type(field), field.to_representation)
        plan.append((name, tuple(field.source_attrs), convert))
    return tuple(plan)


def represent_one(plan: tuple, instance) -> dict:
    """Return one instance's representation by a plan: DRF's answer, without its per-field dispatch."""
    answer = {}
    for name, source_attrs, convert in plan:
        value = instance
        for attr in source_attrs:
            value = value[attr] if isinstance(value, Mapping) else getattr(value, attr)
            if value is None:
                break
        # As DRF: a missing (None) attribute is null, whatever the field.
        answer[name] = None if value is None else convert(value)
    return answer


def represent(serializer_class, instances) -> list[dict]:
    """Return `serializer_class(instances, many=True).data` as plain dicts, through a cached plan when possible."""
    plan = representation_plan(serializer_class)
    if plan is None:
        return serializer_class(instances, many=True).data
    return [represent_one(plan, instance) for instance in instances]
