"""How a Python client reads a statusmap gateway's error bodies.

The code a client of a grpc-gateway API would write with protobuf's
json_format, importing the types it would register and nothing more: the
google.rpc error detail types, and statusmap's body messages to decode the
envelopes. Importing a generated module is what registers its types in the
default descriptor pool, which json_format uses to resolve a detail's
"@type"; statusmap.v1.HttpStatus is deliberately not imported.
"""

import json
from dataclasses import dataclass, field

from google.protobuf import any_pb2, json_format

from google.rpc import code_pb2, error_details_pb2, status_pb2  # noqa: F401 (error_details_pb2 registers the detail types)
from statusmap.v1 import error_body_pb2

# The shapes a gateway writes: its configured format, problem when the
# request preferred application/problem+json, and grpc-gateway's stream error
# chunk for a streaming call.
KINDS = ("status", "google", "problem", "stream")


@dataclass
class DecodedError:
    """An error as a client uses it: the gRPC code, the message, the details."""

    code: int
    message: str
    details: list = field(default_factory=list)  # of any_pb2.Any
    http_status: int | None = None  # google and problem state it
    title: str | None = None  # problem only


def decode_error(kind: str, text: str) -> DecodedError:
    """Decodes an error body strictly: an unknown member, or a detail of a
    type that is not registered, raises json_format.ParseError."""
    if kind == "status":
        s = json_format.Parse(text, status_pb2.Status())
        return DecodedError(s.code, s.message, list(s.details))
    if kind == "stream":
        # A stream writes {"error": google.rpc.Status} as its last chunk.
        chunk = json.loads(text)
        if not isinstance(chunk, dict) or list(chunk) != ["error"]:
            raise ValueError(f'stream error chunk is not {{"error": ...}}: {text}')
        return decode_error("status", json.dumps(chunk["error"]))
    if kind == "google":
        body = json_format.Parse(text, error_body_pb2.GoogleErrorBody())
        if not body.HasField("error"):
            raise ValueError("google error body without an error member")
        e = body.error
        return DecodedError(code_from_name(e.status), e.message, list(e.details), http_status=e.code)
    if kind == "problem":
        p = json_format.Parse(text, error_body_pb2.Problem())
        return DecodedError(code_from_name(p.grpc_code), p.detail, list(p.details), http_status=p.status, title=p.title)
    raise ValueError(f"unknown kind {kind!r}")


def code_from_name(name: str) -> int:
    """Reads a code's canonical name ("NOT_FOUND"), or the decimal number a
    gateway writes for a code outside the 17 gRPC defines."""
    if name in code_pb2.Code.keys():
        return code_pb2.Code.Value(name)
    if name.isdigit():
        return int(name)
    raise ValueError(f"unknown gRPC code name {name!r}")


def detail_json(detail: any_pb2.Any) -> dict:
    """A detail in the protobuf JSON form of google.protobuf.Any."""
    return json_format.MessageToDict(detail)
