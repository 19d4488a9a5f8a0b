from .models import Todo


def todo_list(*, owner: dict) -> list[str]:
    """Return the owner's todos in the order they were added."""
    return list(Todo.objects.filter(**owner).order_by("id").values_list("text", flat=True))
