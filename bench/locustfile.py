"""The mixed workload of `make load`: reps search, open assets and log usage; managers read reports."""

import os
import random
import re

from locust import HttpUser, between, task

TOKENS = dict(item.split("=", 1) for item in os.environ["LOAD_TOKENS"].split(","))
ASSET_IDS = [int(x) for x in os.environ["LOAD_ASSET_IDS"].split(",")]
DEAL_IDS = os.environ["LOAD_DEAL_IDS"].split(",")
QUERIES = [
    "pricing objection", "security review", "case study manufacturing", "battle card", "roi",
    "implementation timeline", "invoice automation", "integration erp", "procurement", "compliance",
    "onboarding", "cfo", "\"total cost\"", "competitor -legacy", "approval workflow",
]


class Rep(HttpUser):
    weight = 9
    wait_time = between(0.5, 1.5)

    def on_start(self):
        self.api = {"Authorization": f"Token {TOKENS['rep']}"}
        page = self.client.get("/login/", name="/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/login/",
            {"username": "rep", "password": os.environ["LOAD_PASSWORD"],
             "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": f"{self.host}/login/"},
            name="/login/ (post)",
        )

    @task(6)
    def search(self):
        self.client.get("/api/v1/assets/", params={"q": random.choice(QUERIES)}, headers=self.api,
                        name="search /api/v1/assets/?q=")

    @task(3)
    def asset_page(self):
        self.client.get(f"/assets/{random.choice(ASSET_IDS)}/", name="asset page /assets/{id}/")

    @task(2)
    def log_usage(self):
        with self.client.post(
            "/api/v1/usage/",
            json={"asset": random.choice(ASSET_IDS), "deal": random.choice(DEAL_IDS), "action": "shared"},
            headers=self.api, name="log usage POST /api/v1/usage/", catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class Manager(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.api = {"Authorization": f"Token {TOKENS['manager']}"}

    @task
    def report(self):
        name = random.choice(["usage", "effectiveness", "adoption"])
        self.client.get(f"/api/v1/reports/{name}/", headers=self.api, name="report /api/v1/reports/{name}/")
