// Decodes every error body the tour wrote (go run ./examples/tour -bodies
// DIR; BODIES_DIR=DIR) and checks it against what the gRPC server answered.
// Run by .ci/clients.

import assert from "node:assert/strict";
import { STATUS_CODES } from "node:http";
import { describe, test } from "node:test";
import { toJson } from "@bufbuild/protobuf";
import { AnySchema, anyUnpack } from "@bufbuild/protobuf/wkt";
import { cases, formats, readBody } from "./cases.js";
import { decodeError, registry } from "./errors.js";
import { BadRequestSchema } from "./gen/google/rpc/error_details_pb.js";

test("the tour wrote bodies in all three formats", () => {
  for (const format of formats) {
    const n = cases.filter((c) => c.format === format).length;
    // 14 documented error statuses, problem+json by Accept, two streams.
    assert.ok(n >= 17, `${n} ${format} bodies; want at least 17`);
  }
});

test("the registry holds no statusmap type", () => {
  assert.equal(registry.getMessage("statusmap.v1.HttpStatus"), undefined);
  assert.notEqual(registry.getMessage("google.rpc.RetryInfo"), undefined);
});

test("examples/validation added its bodies in all three formats", () => {
  for (const format of formats) {
    const n = cases.filter((c) => c.format === format && c.fields !== undefined).length;
    assert.ok(n >= 3, `${n} ${format} validation bodies; want at least 3`);
  }
});

// The checks below could pass on anything if decoding were lenient: show
// that it is not.
test("decoding is strict", () => {
  const pinned = { code: 5, message: "x", details: [{ "@type": "type.googleapis.com/statusmap.v1.HttpStatus", code: 404 }] };
  assert.throws(() => decodeError("status", pinned), /statusmap\.v1\.HttpStatus/);
  assert.throws(() => decodeError("status", { code: 5, message: "x", extra: 1 }), /extra/);
  assert.throws(() => decodeError("problem", { status: 404, grpc_code_typo: "NOT_FOUND" }), /grpc_code_typo/);
  assert.throws(() => decodeError("stream", { code: 5 }), /not \{"error"/);
});

for (const format of formats) {
  describe(`${format} format`, () => {
    for (const c of cases.filter((c) => c.format === format)) {
      test(`${c.httpStatus} ${c.request} (${c.what}) as ${c.kind}`, () => {
        let got;
        try {
          got = decodeError(c.kind, readBody(c));
        } catch (e) {
          assert.fail(`cannot decode ${c.body} as ${c.kind}: ${e instanceof Error ? e.message : String(e)}`);
        }

        assert.equal(got.code, c.code, "gRPC code");
        assert.equal(got.message, c.message, "message");
        assert.deepEqual(
          got.details.map((d) => d.typeUrl),
          c.detailTypes,
          "detail types",
        );
        // Each detail, unpacked with the registry and written back as JSON,
        // is the detail the server sent.
        assert.deepEqual(
          got.details.map((d) => toJson(AnySchema, d, { registry })),
          c.details,
          "details",
        );
        if (c.fields !== undefined) {
          // A protovalidate error: its field errors, read as a client
          // reads them, from the google.rpc.BadRequest.
          const badRequests = got.details.map((d) => anyUnpack(d, BadRequestSchema)).filter((b) => b !== undefined);
          assert.equal(badRequests.length, 1, "one google.rpc.BadRequest");
          assert.deepEqual(
            badRequests[0]!.fieldViolations.map((f) => f.field).sort(),
            [...c.fields].sort(),
            "BadRequest fields",
          );
        }
        if (c.kind === "google" || c.kind === "problem") {
          assert.equal(got.httpStatus, c.httpStatus, "HTTP status in the body");
        }
        if (c.kind === "problem") {
          assert.equal(got.title, STATUS_CODES[c.httpStatus], "problem title");
          assert.match(c.contentType, /^application\/problem\+json/, "Content-Type");
        }
      });
    }
  });
}
