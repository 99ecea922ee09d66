// Recognises the example service's error catalog, BookshelfError
// (examples/proto/bookshelf/v1/bookshelf.proto), in the error bodies the
// tour wrote (BODIES_DIR), with the enum and its options as protoc-gen-es
// generated them. The bodies are decoded as errors.test.ts decodes them,
// with the google.rpc-only registry. Run by .ci/clients.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { cases, formats, readBody } from "./cases.js";
import { catalogDomain, catalogError, catalogHttpStatus, catalogReason, enumValuePrefix } from "./catalog.js";
import { decodeError, registry } from "./errors.js";
import { BookshelfError, BookshelfErrorSchema, GenreSchema } from "./gen/bookshelf/v1/bookshelf_pb.js";
import { ErrorInfoSchema, RetryInfoSchema } from "./gen/google/rpc/error_details_pb.js";

const ErrorInfoType = "type.googleapis.com/google.rpc.ErrorInfo";

// The generator's own cases (cmd/protoc-gen-go-statusmap, TestEnumValuePrefix).
test("enumValuePrefix is buf's ENUM_VALUE_PREFIX, as the Go generator computes it", () => {
  assert.equal(enumValuePrefix("LibraryError"), "LIBRARY_ERROR_");
  assert.equal(enumValuePrefix("BookshelfError"), "BOOKSHELF_ERROR_");
  assert.equal(enumValuePrefix("HTTPError"), "HTTP_ERROR_");
  assert.equal(enumValuePrefix("Error"), "ERROR_");
  assert.equal(enumValuePrefix("APIKeyError"), "API_KEY_ERROR_");
});

test("BookshelfError's reasons and statuses, read from protoc-gen-es's descriptor", () => {
  const notFound = BookshelfErrorSchema.value[BookshelfError.BOOK_NOT_FOUND];
  assert.ok(notFound);
  assert.equal(notFound.name, "BOOKSHELF_ERROR_BOOK_NOT_FOUND");
  assert.equal(catalogReason(notFound), "BOOK_NOT_FOUND");
  assert.equal(catalogHttpStatus(notFound), 404, "its own http_status");
  const invalid = BookshelfErrorSchema.value[BookshelfError.INVALID_BOOK_ID];
  assert.ok(invalid);
  assert.equal(catalogHttpStatus(invalid), 400, "the enum's default_http_status");
  // For this enum protobuf-es strips the same prefix from its TypeScript
  // member names, so a member's name is the reason.
  for (const v of BookshelfErrorSchema.values.filter((v) => v.number !== 0)) {
    assert.equal(BookshelfError[v.number], catalogReason(v), v.name);
  }
  // The domain option travelled into the generated code; an enum without it
  // is not a catalog.
  assert.match(catalogDomain(BookshelfErrorSchema), /^[a-z0-9.-]+\.[a-z]+$/);
  assert.throws(() => catalogDomain(GenreSchema), /bookshelf\.v1\.Genre is not an error catalog/);
});

test("the decoding registry still knows only google.rpc", () => {
  assert.equal(registry.getMessage("statusmap.v1.HttpStatus"), undefined);
  assert.equal(registry.getEnum("bookshelf.v1.BookshelfError"), undefined);
  assert.equal(registry.getExtension("statusmap.v1.domain"), undefined);
});

// catalogError could find an error in anything if it matched loosely: show
// that the domain and the reason must both match, and the zero value is none.
test("catalogError needs the catalog's domain and one of its reasons", () => {
  const domain = catalogDomain(BookshelfErrorSchema);
  const info = (reason: string, d: string) => anyPack(ErrorInfoSchema, create(ErrorInfoSchema, { reason, domain: d }));
  const retry = anyPack(RetryInfoSchema, create(RetryInfoSchema, {}));
  assert.equal(catalogError(BookshelfErrorSchema, [retry, info("BOOK_NOT_FOUND", domain)])?.number, BookshelfError.BOOK_NOT_FOUND);
  assert.equal(catalogError(BookshelfErrorSchema, [info("BOOK_NOT_FOUND", "other.example.com")]), undefined);
  assert.equal(catalogError(BookshelfErrorSchema, [info("BOOKSHELF_ERROR_BOOK_NOT_FOUND", domain)]), undefined);
  assert.equal(catalogError(BookshelfErrorSchema, [info("UNSPECIFIED", domain)]), undefined);
  assert.equal(catalogError(BookshelfErrorSchema, [info("NO_SUCH_REASON", domain)]), undefined);
  assert.equal(catalogError(BookshelfErrorSchema, [retry]), undefined);
  assert.equal(catalogError(BookshelfErrorSchema, []), undefined);
});

for (const format of formats) {
  describe(`${format} format: BookshelfError`, () => {
    const withInfo = cases.filter((c) => c.format === format && c.detailTypes.includes(ErrorInfoType));

    // The tour's catalog row: GET /v1/books/42 answered with
    // ErrorBookNotFound. A client switches on the generated enum.
    test("the catalog's 404 BOOK_NOT_FOUND is recognised", () => {
      const found = withInfo.filter((c) => {
        const value = catalogError(BookshelfErrorSchema, decodeError(c.kind, readBody(c)).details);
        return value?.number === BookshelfError.BOOK_NOT_FOUND && c.httpStatus === 404;
      });
      assert.ok(found.length >= 1, `no ${format} body is BookshelfError.BOOK_NOT_FOUND at 404`);
    });

    // Every body with an ErrorInfo: in the catalog's domain it is one of
    // the catalog's errors, answered with the status the catalog declares;
    // in another domain (the tour's RATE_LIMITED) it is none of them.
    for (const c of withInfo) {
      test(`${c.httpStatus} ${c.request} (${c.what}) as ${c.kind}`, () => {
        const got = decodeError(c.kind, readBody(c));
        const infos = got.details.flatMap((d) => anyUnpack(d, ErrorInfoSchema) ?? []);
        assert.equal(infos.length, 1, "one google.rpc.ErrorInfo (AIP-193)");
        const info = infos[0]!;
        const value = catalogError(BookshelfErrorSchema, got.details);
        if (info.domain !== catalogDomain(BookshelfErrorSchema)) {
          assert.equal(value, undefined, `${info.reason} of ${info.domain} is not a BookshelfError`);
          return;
        }
        assert.ok(value, `reason ${info.reason} is not a BookshelfError`);
        assert.equal(value.name, enumValuePrefix(BookshelfErrorSchema.name) + info.reason, "the value's name is the prefix and the reason");
        assert.equal(info.reason, catalogReason(value));
        assert.equal(c.httpStatus, catalogHttpStatus(value), `the HTTP status ${value.name} declares`);
      });
    }
  });
}
