// The UI's only door to the core. Inside the Tauri shell an operation is a Tauri command;
// in a plain browser (e2e tests, `poolhouse serve --ui`) it is a Cognito-style JSON POST to
// the endpoint. Nothing outside this folder imports @tauri-apps/*.

import { OPERATIONS, type OperationName, type Operations } from "../api/types";
import { TARGET_PREFIXES } from "../bindings/operations";
import { snakeCase } from "../lib/naming";
import { ApiError, fromHttpFailure, toApiError } from "./errors";

export { ApiError, toApiError } from "./errors";

const BY_NAME = new Map(OPERATIONS.map((o) => [o.name, o]));

/** The Tauri command of an operation, as the generated list names it. */
export function commandName(op: OperationName): string {
  return BY_NAME.get(op)?.command ?? snakeCase(op);
}

/** The `X-Amz-Target` header of an operation. */
export function amzTarget(op: OperationName): string {
  const service = BY_NAME.get(op)?.service ?? "cognito-idp";
  return `${TARGET_PREFIXES[service]}.${op}`;
}

/**
 * Where browser requests go: `?endpoint=` in the page URL, else `VITE_POOLHOUSE_ENDPOINT` at
 * build time, else the page's own origin (the endpoint serves the UI).
 */
export function endpointUrl(search: string, envEndpoint: string | undefined, origin: string): string {
  const fromQuery = new URLSearchParams(search).get("endpoint");
  const base = fromQuery || envEndpoint || origin;
  return new URL("/", base).toString();
}

function isTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/**
 * Whether the console runs in the desktop app. There, operations are Tauri commands and the
 * endpoint's signature requirement does not apply to the console; in a browser every
 * operation is an unsigned HTTP request to the endpoint.
 */
export function isDesktop(): boolean {
  return isTauri();
}

/**
 * The origin of the endpoint this browser console talks to (`http://127.0.0.1:9229`);
 * undefined in the desktop app, which calls Poolhouse directly.
 */
export function endpointOrigin(): string | undefined {
  if (isTauri()) return undefined;
  const url = endpointUrl(
    window.location.search,
    import.meta.env.VITE_POOLHOUSE_ENDPOINT as string | undefined,
    window.location.origin,
  );
  return new URL(url).origin;
}

async function viaTauri<K extends OperationName>(
  op: K,
  input: Operations[K]["input"],
): Promise<Operations[K]["output"]> {
  const { invoke } = await import("@tauri-apps/api/core");
  try {
    return await invoke<Operations[K]["output"]>(commandName(op), { input });
  } catch (e) {
    throw toApiError(e);
  }
}

async function viaHttp<K extends OperationName>(
  op: K,
  input: Operations[K]["input"],
): Promise<Operations[K]["output"]> {
  const url = endpointUrl(
    window.location.search,
    import.meta.env.VITE_POOLHOUSE_ENDPOINT as string | undefined,
    window.location.origin,
  );
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": amzTarget(op),
      },
      body: JSON.stringify(input),
    });
  } catch {
    throw new ApiError("NetworkError", `Cannot reach the Poolhouse endpoint at ${url}.`);
  }
  const text = await response.text();
  if (!response.ok) throw fromHttpFailure(response.status, text);
  if (text.trim() === "") return {} as Operations[K]["output"];
  try {
    return JSON.parse(text) as Operations[K]["output"];
  } catch {
    throw new ApiError("InvalidResponse", `The endpoint sent a response that is not JSON.`);
  }
}

/**
 * Runs one operation of the core and resolves with its output, or rejects with an ApiError —
 * always one, whatever failed on the way (the screens' queries and actions rely on it).
 */
export function call<K extends OperationName>(
  op: K,
  input: Operations[K]["input"],
): Promise<Operations[K]["output"]> {
  const sent = isTauri() ? viaTauri(op, input) : viaHttp(op, input);
  return sent.catch((e: unknown) => {
    throw toApiError(e);
  });
}

/** Writes text to the clipboard (Tauri's webview and browsers both offer the async API). */
export async function copyText(text: string): Promise<void> {
  await navigator.clipboard.writeText(text);
}
