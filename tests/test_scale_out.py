"""The app keeps no state of its own: any server with the same key can serve any request."""

from __future__ import annotations

from tests.helpers import SECRET, Walker
from tests.servers import HttpClient, serve


def test_a_walk_alternating_between_two_servers_completes() -> None:
    with serve(SECRET) as first, serve(SECRET) as second:
        client = HttpClient(first, second)
        walker = Walker(client)  # type: ignore[arg-type]
        visited = walker.complete("self", {})
        assert visited[-1] == "/check-answers"
        results = client.get("/results")
        assert results.status_code == 200
        assert "Your results" in results.get_data(as_text=True)
        assert set(client.served_by) == {first, second}
        assert client.served_by.count(first) > 5 and client.served_by.count(second) > 5


def test_a_server_with_another_key_cannot_read_the_answers() -> None:
    with serve(SECRET) as first, serve(SECRET[::-1]) as second:
        client = HttpClient(first)
        Walker(client).start("self")
        client.bases = [second]
        page = client.get("/check-answers")
        assert page.status_code == 302  # no readable answers: back to the start
