from rest_framework import serializers

from gateway.api import StrictCharField, StrictIntegerField

from .models import TODO_MAX_LENGTH


class TodoListSerializer(serializers.Serializer):
    todos = serializers.ListField(child=serializers.CharField(), help_text="The todos, oldest first.")


class TodoAddSerializer(serializers.Serializer):
    todo = StrictCharField(
        max_length=TODO_MAX_LENGTH,
        help_text=f"The todo to add (1 to {TODO_MAX_LENGTH} characters).",
    )


class TodoAddedSerializer(serializers.Serializer):
    status = serializers.CharField()
    todo = serializers.CharField(help_text="The text that was added.")


class TodoDeleteSerializer(serializers.Serializer):
    todo_idx = StrictIntegerField(min_value=0, help_text="0-based index of the todo, as listed by getTodos.")


class TodoDeletedSerializer(serializers.Serializer):
    status = serializers.CharField()
    deleted = serializers.CharField(help_text="The text of the deleted todo.")
