"""Decodes every error body the tour wrote (go run ./examples/tour -bodies
DIR; BODIES_DIR=DIR) and checks it against what the gRPC server answered.
Run by .ci/clients: python3 -m unittest, with gen/ on PYTHONPATH."""

import http
import json
import os
import unittest

from google.protobuf import descriptor_pool, json_format
from google.rpc import error_details_pb2

import errors

DIR = os.environ.get("BODIES_DIR")
if not DIR:
    raise SystemExit("set BODIES_DIR to the directory written by: go run ./examples/tour -bodies DIR")
with open(os.path.join(DIR, "cases.json"), encoding="utf-8") as f:
    CASES = json.load(f)

FORMATS = ("status", "google", "problem")


class Registry(unittest.TestCase):
    def test_bodies_in_all_formats(self):
        for fmt in FORMATS:
            n = sum(1 for c in CASES if c["format"] == fmt)
            # 14 documented error statuses, problem+json by Accept, two streams.
            self.assertGreaterEqual(n, 17, f"{n} {fmt} bodies")

    def test_validation_bodies_in_all_formats(self):
        for fmt in FORMATS:
            n = sum(1 for c in CASES if c["format"] == fmt and "fields" in c)
            self.assertGreaterEqual(n, 3, f"{n} {fmt} validation bodies (examples/validation -bodies)")

    def test_pool_holds_no_statusmap_pin(self):
        pool = descriptor_pool.Default()
        with self.assertRaises(KeyError):
            pool.FindMessageTypeByName("statusmap.v1.HttpStatus")
        pool.FindMessageTypeByName("google.rpc.RetryInfo")

    def test_decoding_is_strict(self):
        # The checks below could pass on anything if decoding were lenient.
        pinned = '{"code":5,"message":"x","details":[{"@type":"type.googleapis.com/statusmap.v1.HttpStatus","code":404}]}'
        with self.assertRaisesRegex(json_format.ParseError, "HttpStatus"):
            errors.decode_error("status", pinned)
        with self.assertRaisesRegex(json_format.ParseError, "extra"):
            errors.decode_error("status", '{"code":5,"message":"x","extra":1}')
        with self.assertRaisesRegex(json_format.ParseError, "grpc_code_typo"):
            errors.decode_error("problem", '{"status":404,"grpc_code_typo":"NOT_FOUND"}')
        with self.assertRaisesRegex(ValueError, "not"):
            errors.decode_error("stream", '{"code":5}')


class Bodies(unittest.TestCase):
    """One test per body, added below, named after the body's file."""

    def check(self, c):
        with open(os.path.join(DIR, c["body"]), encoding="utf-8") as f:
            text = f.read()
        try:
            got = errors.decode_error(c["kind"], text)
        except (json_format.ParseError, ValueError) as e:
            raise self.failureException(f"cannot decode {c['body']} as {c['kind']}: {e}") from None
        self.assertEqual(got.code, c["code"], "gRPC code")
        self.assertEqual(got.message, c["message"], "message")
        self.assertEqual([d.type_url for d in got.details], c["detailTypes"], "detail types")
        # Each detail, unpacked and written back as JSON, is the detail the
        # server sent.
        self.assertEqual([errors.detail_json(d) for d in got.details], c["details"], "details")
        if "fields" in c:
            # A protovalidate error: its field errors, read as a client reads
            # them, from the google.rpc.BadRequest.
            bad = [d for d in got.details if d.Is(error_details_pb2.BadRequest.DESCRIPTOR)]
            self.assertEqual(len(bad), 1, "one google.rpc.BadRequest")
            br = error_details_pb2.BadRequest()
            self.assertTrue(bad[0].Unpack(br))
            self.assertEqual(sorted(f.field for f in br.field_violations), sorted(c["fields"]), "BadRequest fields")
        if c["kind"] in ("google", "problem"):
            self.assertEqual(got.http_status, c["httpStatus"], "HTTP status in the body")
        if c["kind"] == "problem":
            self.assertEqual(got.title, http.HTTPStatus(c["httpStatus"]).phrase, "problem title")
            self.assertTrue(c["contentType"].startswith("application/problem+json"), c["contentType"])


def _add_body_test(c):
    def test(self):
        self.check(c)

    name = "test_" + c["body"].replace("/", "_").removesuffix(".json").replace("-", "_")
    test.__doc__ = f'{c["httpStatus"]} {c["request"]} ({c["what"]}) as {c["kind"]}'
    setattr(Bodies, name, test)


for _case in CASES:
    _add_body_test(_case)


if __name__ == "__main__":
    unittest.main()
