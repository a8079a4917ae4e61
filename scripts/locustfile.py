"""Locust: complete walks of the screener by all three audiences, as real people would."""

from __future__ import annotations

import random
import re

from locust import HttpUser, between, task

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
INPUT = re.compile(
    r'<input class="choice__input"[^>]*name="([a-z0-9_]+)" type="(radio|checkbox)" value="([a-z0-9_]+)"'
)


class Person(HttpUser):
    """One person walking from the start page to the results."""

    wait_time = between(0, 0.05)

    def post(self, path: str, page: str, data: dict[str, object], name: str) -> str:
        match = TOKEN.search(page)
        data = {**data, "csrf_token": match.group(1) if match else ""}
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 303:
                response.failure(f"{path}: expected 303, got {response.status_code}")
                return ""
            return response.headers["Location"]

    @task
    def walk(self) -> None:
        self.client.cookies.clear()
        start = self.client.get("/", name="/").text
        url = self.post("/", start, {"audience": random.choice(["self", "other", "counselor"])}, "/")
        for _ in range(30):
            if not url or url.endswith("/check-answers"):
                break
            name = "/now/[id]" if "/now/" in url else "/questions/[id]"
            page = self.client.get(url, name=name).text
            if "/now/" in url:
                url = self.post(url, page, {}, name)
                continue
            fields: dict[str, list[str]] = {}
            kinds: dict[str, str] = {}
            for field, kind, value in INPUT.findall(page):
                fields.setdefault(field, []).append(value)
                kinds[field] = kind
            answers: dict[str, object] = {}
            for field, values in fields.items():
                # One box at a time is always valid; "None of these" for what is used ends the
                # walk early on the no-opioids page, as it would for some real people.
                answers[field] = random.choice(values)
            url = self.post(url, page, answers, name)
        if url:
            self.client.get("/check-answers", name="/check-answers")
            self.client.get("/results", name="/results")
