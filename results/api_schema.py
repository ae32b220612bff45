"""The results API's OpenAPI 3 description, written by hand (served at /api/schema.json)."""

_ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string", "description": "Path of the field, e.g. answers.q2.valid"},
                    "message": {"type": "string"},
                },
            },
        }
    },
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


_ANSWER = {
    "type": "object",
    "description": (
        "One of: {counts: {option: n}, valid: n} (individual questions), {choice: option} or "
        "{choices: [option]} (group choice), {ranking: [option, ...]} (complete order), {text: '...'} (open)."
    ),
    "properties": {
        "counts": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "valid": {"type": "integer", "minimum": 0},
        "choice": {"type": "string"},
        "choices": {"type": "array", "items": {"type": "string"}},
        "ranking": {"type": "array", "items": {"type": "string"}},
        "text": {"type": "string", "maxLength": 5000},
    },
    "additionalProperties": False,
}

_OPTION = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "label": {"type": "string"},
        "count": {"type": "integer"},
        "percent": {"type": "number", "nullable": True},
        "first": {"type": "integer"},
        "first_percent": {"type": "number", "nullable": True},
        "average_rank": {"type": "number", "nullable": True},
    },
}

_QUESTION = {
    "type": "object",
    "required": ["code", "kind", "respondent", "text", "groups"],
    "properties": {
        "code": {"type": "string"},
        "kind": {"type": "string", "enum": ["single", "multiple", "scale", "ranking", "open"]},
        "respondent": {"type": "string", "enum": ["individual", "group"]},
        "text": {"type": "string"},
        "groups": {"type": "integer"},
        "respondents": {"type": "integer"},
        "mean": {"type": "number", "nullable": True},
        "options": {"type": "array", "items": _OPTION},
        "texts": {
            "type": "array",
            "items": {"type": "object", "properties": {"group": {"type": "string"}, "text": {"type": "string"}}},
        },
    },
}


def openapi_schema(server: str = "") -> dict:
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "WeTheInternet results API",
            "version": "1",
            "description": (
                "Read an event's aggregated results (organiser session or API token) and submit a group's "
                "results with the event's API token (created by an organiser in the admin). Errors are "
                "JSON with field-addressed messages."
            ),
        },
        "servers": [{"url": server}] if server else [],
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Errors": _ERRORS,
                "GroupResults": {
                    "type": "object",
                    "description": "Left-out answers (or a left-out `answers`) mean: not answered.",
                    "properties": {"answers": {"type": "object", "additionalProperties": _ANSWER}},
                    "additionalProperties": False,
                },
                "Submission": {
                    "type": "object",
                    "required": ["idempotency_key", "data"],
                    "properties": {
                        "idempotency_key": {"type": "string", "format": "uuid"},
                        "data": {"$ref": "#/components/schemas/GroupResults"},
                    },
                    "additionalProperties": False,
                },
                "Revision": {
                    "type": "object",
                    "required": ["revision", "created", "version", "data"],
                    "properties": {
                        "revision": {"type": "integer"},
                        "created": {"type": "boolean"},
                        "version": {"type": "integer"},
                        "submitted_at": {"type": "string", "format": "date-time"},
                        "data": {"type": "object"},
                    },
                },
                "EventResults": {
                    "type": "object",
                    "required": ["event", "weighting", "groups_total", "sessions", "groups"],
                    "properties": {
                        "event": {"type": "string"},
                        "weighting": {"type": "string", "enum": ["pooled", "groups_equal"]},
                        "groups_total": {"type": "integer"},
                        "groups": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "number": {"type": "integer"},
                                    "round": {"type": "integer"},
                                    "name": {"type": "string"},
                                },
                            },
                        },
                        "sessions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "title": {"type": "string"},
                                    "groups_total": {"type": "integer", "nullable": True},
                                    "groups_submitted": {"type": "integer"},
                                    "questions": {"type": "array", "items": _QUESTION},
                                    "invalid": {"type": "array", "items": {"type": "object"}},
                                },
                            },
                        },
                    },
                },
            },
        },
        "paths": {
            "/api/events/{slug}/results/": {
                "get": {
                    "summary": "An event's aggregated results",
                    "operationId": "getEventResults",
                    "security": [{"token": []}],
                    "parameters": [
                        slug,
                        {
                            "name": "weighting",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["pooled", "groups_equal"]},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The results",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EventResults"}}},
                        },
                        "400": _error("Bad parameter"),
                        "401": _error("No or unknown token"),
                        "404": _error("No such event for these credentials"),
                    },
                }
            },
            "/api/events/{slug}/groups/{group_id}/sessions/{session_code}/results/": {
                "post": {
                    "summary": "Submit a group's results (a new revision; a retry with the same key changes nothing)",
                    "operationId": "submitGroupResults",
                    "security": [{"token": []}],
                    "parameters": [
                        slug,
                        {
                            "name": "group_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        },
                        {
                            "name": "session_code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "A retry: the revision made with this key",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Revision"}}},
                        },
                        "201": {
                            "description": "A new revision",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Revision"}}},
                        },
                        "400": _error("Invalid results, with field errors"),
                        "401": _error("No or unknown token"),
                        "404": _error("No such event, group or session for this token"),
                        "409": _error("The idempotency key was used for another group"),
                        "422": _error("The idempotency key was used for other data"),
                        "413": _error("Body too large"),
                    },
                }
            },
        },
    }
