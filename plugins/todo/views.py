from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from gateway.api import ErrorSerializer, PluginAPIView, request_owner

from . import selectors, services
from .serializers import (
    TodoAddedSerializer,
    TodoAddSerializer,
    TodoDeletedSerializer,
    TodoDeleteSerializer,
    TodoListSerializer,
)

USERNAME = OpenApiParameter(
    "username",
    str,
    OpenApiParameter.PATH,
    description='The user\'s name (letters, digits, @.+-_, up to 150). Ask the user; else use "global".',
)
ERRORS = {400: ErrorSerializer, 404: ErrorSerializer}


class TodoListView(PluginAPIView):
    @extend_schema(
        operation_id="getTodos",
        parameters=[USERNAME],
        responses={200: TodoListSerializer, 400: ErrorSerializer},
    )
    def get(self, request, username):
        """Get the user's todos, oldest first. An item's position in the list is its todo_idx."""
        owner = request_owner(request, username)
        return Response({"todos": selectors.todo_list(owner=owner)})

    @extend_schema(
        operation_id="addTodo",
        parameters=[USERNAME],
        request=TodoAddSerializer,
        responses={200: TodoAddedSerializer, 400: ErrorSerializer},
    )
    def post(self, request, username):
        """Add a todo to the end of the user's list."""
        serializer = TodoAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner = request_owner(request, username)
        services.todo_create(owner=owner, text=serializer.validated_data["todo"])
        return Response({"status": "success", "todo": serializer.validated_data["todo"]})

    @extend_schema(
        operation_id="deleteTodo",
        parameters=[USERNAME],
        request=TodoDeleteSerializer,
        responses={200: TodoDeletedSerializer, **ERRORS},
    )
    def delete(self, request, username):
        """Delete the todo at a 0-based index of the user's list (read the list first: indexes shift)."""
        serializer = TodoDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner = request_owner(request, username)
        text = services.todo_delete(owner=owner, index=serializer.validated_data["todo_idx"])
        return Response({"status": "success", "deleted": text})
