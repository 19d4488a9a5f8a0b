from gateway.api import PluginConfig


class TodoConfig(PluginConfig):
    name = "plugins.todo"
    label = "todo"
    verbose_name = "TODO list"

    slug = "todo"
    name_for_human = "TODO List"
    name_for_model = "todo"
    description_for_human = "Manage your TODO list. You can add, remove and view your TODOs."
    description_for_model = (
        "Plugin for managing a TODO list: add, remove and view TODOs. "
        "Todos are kept per username; if you do not know the user's username, ask them first, "
        'otherwise use the username "global". Items are numbered from 0 in the order they were added; '
        "to delete one, read the list first and pass that item's 0-based index."
    )
    scopes = {"todos": "Read, add and delete your TODOs"}

    def load_demo_data(self) -> str | None:
        from .services import todo_demo_load

        return todo_demo_load()
