import { serveCommand, serveFacts } from "./connection";

/**
 * A failed operation. `code` is Cognito's error name (`UsernameExistsException`, …) and is the
 * only thing the UI branches on; `message` is for people; `field`, when present, names the
 * request member at fault (`Policies.PasswordPolicy.MinimumLength`).
 *
 * Codes the UI itself produces: `NetworkError` (core unreachable), `InvalidResponse` (not
 * JSON), `HttpError` (an HTTP failure without a Cognito body), `UnknownError`.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly field: string | undefined;

  constructor(code: string, message: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.field = field;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** AWS may send `com.amazonaws.cognito...#NotAuthorizedException`; the code is after `#`. */
function bareCode(type: string): string {
  const hash = type.lastIndexOf("#");
  const afterHash = hash >= 0 ? type.slice(hash + 1) : type;
  const colon = afterHash.indexOf(":");
  return colon >= 0 ? afterHash.slice(0, colon) : afterHash;
}

/**
 * Maps whatever a failed call produced onto an ApiError: a Tauri rejection
 * (`{code, message, field?}`), an endpoint body (`{__type, message, field?}`), a thrown Error,
 * or a string.
 */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isRecord(e)) {
    const code = str(e.code) ?? (str(e.__type) && bareCode(e.__type as string));
    const message = str(e.message) ?? str(e.Message);
    if (code) return new ApiError(code, message ?? code, str(e.field));
    if (e instanceof Error) return new ApiError("UnknownError", e.message || "Unexpected error.");
  }
  if (typeof e === "string" && e !== "") {
    // Tauri rejects with a plain string when a command panics or is missing.
    return new ApiError("UnknownError", e);
  }
  return new ApiError("UnknownError", "Unexpected error.");
}

/** Maps an HTTP failure of the endpoint (status and raw body) onto an ApiError. */
export function fromHttpFailure(status: number, body: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed) && (str(parsed.__type) || str(parsed.code))) return toApiError(parsed);
  const text = body.trim().slice(0, 200);
  return new ApiError("HttpError", text ? `HTTP ${status}: ${text}` : `HTTP ${status}`);
}


/** What the administrator can do about errors that are about the setup, not the request. */
export function hintFor(code: string): string | undefined {
  switch (code) {
    case "NetworkError":
      return `The Poolhouse endpoint is not answering. Start it again with \`${serveCommand(serveFacts())}\`; this page reconnects by itself.`;
    case "MissingAuthenticationTokenException":
    case "UnrecognizedClientException":
    case "InvalidSignatureException":
      return "This endpoint requires SigV4-signed requests, which the browser console does not send. Use the desktop app, or turn the requirement off with `poolhouse update-workspace --require-signature false`.";
    case "UnknownOperationException":
      return "Poolhouse does not know this operation: the console and the Poolhouse it talks to are probably different versions.";
    default:
      return undefined;
  }
}
