// How a TypeScript client reads a statusmap gateway's error bodies with
// protobuf-es: the code a client of a grpc-gateway API would write, with the
// types it would register and nothing more.

import { createRegistry, fromJson, type JsonValue } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { Code } from "./gen/google/rpc/code_pb.js";
import { file_google_rpc_error_details } from "./gen/google/rpc/error_details_pb.js";
import { StatusSchema } from "./gen/google/rpc/status_pb.js";
import { GoogleErrorBodySchema, ProblemSchema } from "./gen/statusmap/v1/error_body_pb.js";

// registry resolves the details' "@type": the google.rpc error detail types
// (ErrorInfo, RetryInfo, BadRequest, ...). statusmap's own HttpStatus is
// deliberately absent: a client of the API should not need it.
export const registry = createRegistry(file_google_rpc_error_details);

// The shapes a gateway writes: its configured format, problem when the
// request preferred application/problem+json, and grpc-gateway's stream
// error chunk for a streaming call.
export type Kind = "status" | "google" | "problem" | "stream";

// An error as a client uses it: the gRPC code, the message, the details.
export interface DecodedError {
  code: Code | number;
  message: string;
  details: Any[];
  // The HTTP status the body states (google, problem), if it states one.
  httpStatus?: number;
  // The problem's title (problem only).
  title?: string;
}

// decodeError decodes a parsed JSON error body strictly: an unknown member or
// a detail of a type not in the registry throws.
export function decodeError(kind: Kind, json: JsonValue): DecodedError {
  switch (kind) {
    case "status": {
      const s = fromJson(StatusSchema, json, { registry });
      return { code: s.code, message: s.message, details: s.details };
    }
    case "stream": {
      // A stream writes {"error": google.rpc.Status} as its last chunk.
      if (json === null || typeof json !== "object" || Array.isArray(json) || Object.keys(json).join() !== "error") {
        throw new Error(`stream error chunk is not {"error": ...}: ${JSON.stringify(json)}`);
      }
      return decodeError("status", json["error"] ?? null);
    }
    case "google": {
      const e = fromJson(GoogleErrorBodySchema, json, { registry }).error;
      if (e === undefined) {
        throw new Error("google error body without an error member");
      }
      return { code: codeFromName(e.status), message: e.message, details: e.details, httpStatus: e.code };
    }
    case "problem": {
      const p = fromJson(ProblemSchema, json, { registry });
      return { code: codeFromName(p.grpcCode), message: p.detail, details: p.details, httpStatus: p.status, title: p.title };
    }
  }
}

// codeFromName reads a code's canonical name ("NOT_FOUND"), or the decimal
// number a gateway writes for a code outside the 17 gRPC defines.
export function codeFromName(name: string): Code | number {
  // A numeric enum maps names to numbers and numbers back to names.
  const code = (Code as unknown as Record<string, unknown>)[name];
  if (typeof code === "number") {
    return code;
  }
  if (/^[0-9]+$/.test(name)) {
    return Number(name);
  }
  throw new Error(`unknown gRPC code name ${JSON.stringify(name)}`);
}
