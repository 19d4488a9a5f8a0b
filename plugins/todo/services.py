from django.db import transaction
from rest_framework.exceptions import NotFound

from .models import Todo


def todo_create(*, owner: dict, text: str) -> Todo:
    """Append a todo to the owner's list."""
    return Todo.objects.create(text=text, **owner)


@transaction.atomic
def todo_delete(*, owner: dict, index: int) -> str:
    """Delete the owner's todo at a 0-based index and return its text.

    The owner's rows are locked first, so concurrent deletes by index see the list one at a time
    and never remove an item the caller did not mean.
    """
    ids = list(Todo.objects.select_for_update().filter(**owner).order_by("id").values_list("id", flat=True))
    if not ids:
        raise NotFound("This user has no todos.")
    if index >= len(ids):
        raise NotFound(f"todo_idx {index} is out of range: the list has {len(ids)} item(s), 0 to {len(ids) - 1}.")
    todo = Todo.objects.get(id=ids[index])
    todo.delete()
    return todo.text


DEMO_TODOS = ["Try the TODO plugin from an AI assistant", "Read the gateway's README", "Buy milk"]


def todo_demo_load() -> str:
    """Give the "global" user a few todos unless it has some already."""
    owner = {"user": None, "username": "global"}
    if Todo.objects.filter(**owner).exists():
        return "demo todos already present"
    Todo.objects.bulk_create(Todo(text=text, **owner) for text in DEMO_TODOS)
    return f"{len(DEMO_TODOS)} demo todos for user 'global'"
