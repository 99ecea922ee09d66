// How a TypeScript client recognises the errors of a statusmap error catalog
// (an enum with the statusmap.v1.domain option, proto/statusmap/v1/options.proto)
// in a decoded error body: from protoc-gen-es's descriptor of the enum, with
// no table of reasons or domains written by hand. It works for any catalog,
// so a client of ten services with a catalog each needs it once.

import { getOption, hasOption, type DescEnum, type DescEnumValue } from "@bufbuild/protobuf";
import { anyUnpack, type Any } from "@bufbuild/protobuf/wkt";
import { ErrorInfoSchema } from "./gen/google/rpc/error_details_pb.js";
import { default_http_status, domain, http_status } from "./gen/statusmap/v1/options_pb.js";

// enumValuePrefix is the prefix buf's ENUM_VALUE_PREFIX lint rule asks an
// enum's values to have, the one protoc-gen-go-statusmap strips to make a
// reason: the enum's name in UPPER_SNAKE_CASE and "_" (BookshelfError:
// BOOKSHELF_ERROR_, HTTPError: HTTP_ERROR_). protobuf-es strips a prefix
// from its TypeScript member names too, but by its own rule, which splits
// HTTPError differently; the reason must follow the generator's.
export function enumValuePrefix(enumName: string): string {
  const isUpper = (c: string | undefined) => c !== undefined && c >= "A" && c <= "Z";
  const isLower = (c: string | undefined) => c !== undefined && c >= "a" && c <= "z";
  let out = "";
  for (let i = 0; i < enumName.length; i++) {
    const c = enumName[i];
    if (i > 0 && isUpper(c) && (!isUpper(enumName[i - 1]) || isLower(enumName[i + 1]))) {
      out += "_";
    }
    out += (c ?? "").toUpperCase();
  }
  return out + "_";
}

// catalogDomain is the catalog's AIP-193 error domain, its
// statusmap.v1.domain option. An enum without it is not a catalog.
export function catalogDomain(catalog: DescEnum): string {
  if (!hasOption(catalog, domain)) {
    throw new Error(`${catalog.typeName} is not an error catalog: it has no (statusmap.v1.domain) option`);
  }
  return getOption(catalog, domain);
}

// catalogReason is an error's google.rpc.ErrorInfo reason: the value's name
// without the enum's prefix (BOOKSHELF_ERROR_BOOK_NOT_FOUND: BOOK_NOT_FOUND).
export function catalogReason(value: DescEnumValue): string {
  const prefix = enumValuePrefix(value.parent.name);
  if (!value.name.startsWith(prefix)) {
    throw new Error(`${value.name} does not start with ${prefix}, the prefix of ${value.parent.typeName}'s values`);
  }
  return value.name.slice(prefix.length);
}

// catalogHttpStatus is the HTTP status an error is answered with: its
// statusmap.v1.http_status option, or else its enum's default_http_status.
export function catalogHttpStatus(value: DescEnumValue): number {
  return hasOption(value, http_status) ? getOption(value, http_status) : getOption(value.parent, default_http_status);
}

// catalogError is the catalog's error that an error's details carry: the
// value whose reason is the reason of a google.rpc.ErrorInfo detail in the
// catalog's domain, or undefined when no detail is one of the catalog's
// errors. The zero value is no error. Reasons are compared only within the
// domain: another service's BOOK_NOT_FOUND is another error (AIP-193).
export function catalogError(catalog: DescEnum, details: Any[]): DescEnumValue | undefined {
  const want = catalogDomain(catalog);
  for (const d of details) {
    const info = anyUnpack(d, ErrorInfoSchema);
    if (info === undefined || info.domain !== want) {
      continue;
    }
    const value = catalog.values.find((v) => v.number !== 0 && catalogReason(v) === info.reason);
    if (value !== undefined) {
      return value;
    }
  }
  return undefined;
}
