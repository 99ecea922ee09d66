// The error bodies the tour wrote (go run ./examples/tour -bodies DIR;
// BODIES_DIR=DIR), for the tests.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonValue } from "@bufbuild/protobuf";
import type { Kind } from "./errors.js";

// A case as the tour writes it in cases.json (examples/tour/bodies.go).
export interface Case {
  format: string;
  kind: Kind;
  request: string;
  what: string;
  body: string;
  httpStatus: number;
  contentType: string;
  source: string;
  code: number;
  codeName: string;
  message: string;
  detailTypes: string[];
  details: JsonValue[];
  // The JSON paths a validation error's google.rpc.BadRequest names,
  // sorted (examples/validation's bodies only).
  fields?: string[];
}

const dir = process.env["BODIES_DIR"];
if (!dir) {
  throw new Error("set BODIES_DIR to the directory written by: go run ./examples/tour -bodies DIR");
}
const bodiesDir: string = dir;

export const cases = JSON.parse(readFileSync(join(bodiesDir, "cases.json"), "utf8")) as Case[];

// The gateway's body formats; each case's body is in one of them.
export const formats = ["status", "google", "problem"] as const;

// readBody is a case's body, parsed as JSON.
export function readBody(c: Case): JsonValue {
  return JSON.parse(readFileSync(join(bodiesDir, c.body), "utf8")) as JsonValue;
}
