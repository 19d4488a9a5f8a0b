"""Concurrent calls over real HTTP against a live server on PostgreSQL: nothing lost, nothing misplaced."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from plugins.todo.models import Todo

pytestmark = pytest.mark.django_db(transaction=True)


def test_sixty_concurrent_posts_for_one_user_all_land(live_server):
    url = f"{live_server.url}/plugins/todo/todos/ann"

    def post(index):
        return httpx.post(url, json={"todo": f"item {index}"}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(post, range(60)))

    assert statuses == [200] * 60
    texts = httpx.get(url, timeout=30).json()["todos"]
    assert sorted(texts) == sorted(f"item {index}" for index in range(60))
    assert Todo.objects.filter(username="ann").count() == 60


def test_concurrent_deletes_of_index_0_remove_the_oldest_items_in_order(live_server):
    url = f"{live_server.url}/plugins/todo/todos/bob"
    Todo.objects.bulk_create(Todo(username="bob", text=f"item {index:02d}") for index in range(30))

    def delete_first(_):
        response = httpx.request("DELETE", url, json={"todo_idx": 0}, timeout=30)
        return response.status_code, response.json().get("deleted")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(delete_first, range(20)))

    assert [status for status, _ in results] == [200] * 20
    # Each delete saw the list as the previous one left it: every deleted item is distinct,
    # and exactly the 20 oldest are gone.
    deleted = sorted(text for _, text in results)
    assert deleted == [f"item {index:02d}" for index in range(20)]
    assert list(Todo.objects.filter(username="bob").values_list("text", flat=True)) == [
        f"item {index:02d}" for index in range(20, 30)
    ]


def test_concurrent_deletes_beyond_the_list_never_remove_more_than_exists(live_server):
    url = f"{live_server.url}/plugins/todo/todos/cy"
    Todo.objects.bulk_create(Todo(username="cy", text=f"t{index}") for index in range(5))

    def delete_last_known(_):
        return httpx.request("DELETE", url, json={"todo_idx": 4}, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(delete_last_known, range(8)))

    # Only the first delete finds index 4; afterwards the list is shorter and the rest are 404.
    assert sorted(statuses) == [200] + [404] * 7
    assert list(Todo.objects.filter(username="cy").values_list("text", flat=True)) == ["t0", "t1", "t2", "t3"]
