"""The error responses of the JSON API, written into its OpenAPI schema where they can happen.

Every operation needs authentication (401) and may be refused (403: a read-only token writing,
a password that must be changed first, a read-only scope); an operation with a path parameter
answers 404 for an object that does not exist or is outside the user's scope; one with
parameters or a body answers 422 when they do not validate. Operations that can also refuse
their data add their own codes with `responses(400, 409, …)` on the route, next to the code
that raises them. Every error body is `{"detail": …}`.
"""
from __future__ import annotations

ERROR = {
    "title": "Error",
    "type": "object",
    "properties": {"detail": {"title": "说明", "anyOf": [{"type": "string"}, {"type": "array", "items": {}}]}},
    "required": ["detail"],
}

MEANING = {
    400: "数据不合法（detail 说明原因）",
    401: "未认证：未登录，或令牌无效、已过期、已吊销",
    403: "无权操作：只读令牌或只读范围不能修改，或须先在网页上修改密码",
    404: "不存在，或不在您的数据范围内",
    409: "冲突：数据已被他人修改（版本不符）或已锁定",
    422: "参数或请求体不合法，或阻止性检查未通过（detail 说明原因）",
}


def responses(*codes: int) -> dict:
    """`openapi_extra` for a route that answers these codes besides the common ones."""
    return {"responses": {c: {"description": MEANING[c], "content": {"application/json": {"schema": ERROR}}}
                          for c in codes}}


def document_errors(schema: dict) -> dict:
    for methods in schema.get("paths", {}).values():
        for op in methods.values():
            codes = [401, 403]
            params = op.get("parameters", [])
            if any(p.get("in") == "path" for p in params):
                codes.append(404)
            if params or "requestBody" in op:
                codes.append(422)
            for code, resp in responses(*codes)["responses"].items():
                op.setdefault("responses", {}).setdefault(code, resp)
    return schema


# Typed parameters: a year outside the platform's range, or an id beyond a 64-bit integer, is a
# documented 422 before any query (unbounded, SQLite raised OverflowError: a 500).
def _typed():
    from typing import Annotated

    from ninja import Path, Query

    from ecociv.core.years import FIRST_YEAR, LAST_YEAR

    year = {"ge": FIRST_YEAR, "le": LAST_YEAR, "description": f"年度（{FIRST_YEAR}–{LAST_YEAR}）"}
    ident = {"ge": 1, "le": 2**63 - 1}
    return (Annotated[int, Path(**year)], Annotated[int | None, Query(None, **year)],
            Annotated[int, Path(**ident)])


YearPath, YearQuery, IdPath = _typed()
