"""What the API tests share (no tests here): a JSON client acting as one member of the cast."""

import json

from django.test import Client

from huying.org.models import User
from huying.org.tokens import token_create

# Inside the cast's grid 3 (桃园网格1, 西山街道): a case placed here belongs to the other street.
WEST_POINT = {"lat": 30.705, "lon": 114.405}


class Api:
    """The Django test client speaking JSON to /api/v1/ with a bearer token for `user` (anonymous if None)."""

    def __init__(self, user: User | None = None, *, language: str | None = None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _token, key = token_create(user=user, name="tests")
            self.headers["Authorization"] = f"Bearer {key}"
        if language:
            self.headers["Accept-Language"] = language

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body=None, *, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)


def create_body(**overrides) -> dict:
    """A sanitation complaint at 幸福里3号楼: routed to 幸福里社区 (east street)."""
    body = {
        "channel": "hotline", "request_type": "complaint", "category": "T010101", "title": "垃圾未清运",
        "description": "幸福里3号楼门口垃圾两天没人清运", "address": "幸福里3号楼",
        "reporter_name": "张先生", "reporter_phone": "13800138000",
    }
    body.update(overrides)
    return body


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert body["field"] == field, body
    assert body["message"]
    return body


def ok(response) -> dict:
    """The JSON of a 200 answer (the body is shown when it is not one)."""
    assert response.status_code == 200, response.content
    return response.json()
