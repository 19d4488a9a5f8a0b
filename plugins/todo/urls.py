from django.urls import path

from .views import TodoListView

urlpatterns = [
    path("todos/<str:username>", TodoListView.as_view(), name="todos"),
]
