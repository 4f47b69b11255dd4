// The UI's only door to the core. Inside the Tauri shell an operation is a Tauri command;
// in a plain browser (e2e tests, `poolhouse serve --ui`) it is a Cognito-style JSON POST to
// the endpoint. Nothing outside this folder imports @tauri-apps/*.

import { OPERATIONS, type OperationName, type Operations } from "../api/types";
import { TARGET_PREFIXES } from "../bindings/operations";
import { snakeCase } from "../lib/naming";
import { noteAnswer, noteUnreachable, watchEndpoint } from "./connection";
import { ApiError, fromHttpFailure, toApiError } from "./errors";

export { ApiError, toApiError } from "./errors";
export {
  connectionState,
  learnServeFacts,
  probeNow,
  serveCommand,
  serveFacts,
  subscribeConnection,
  type ConnectionState,
  type ServeFacts,
} from "./connection";

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

/** Whether a host name is this computer: localhost, *.localhost, 127.0.0.0/8 or [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "[::1]" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Where browser requests go: `?endpoint=` in the page URL, else `VITE_POOLHOUSE_ENDPOINT` at
 * build time, else the page's own origin (the endpoint serves the UI). A link is anyone's to
 * craft, so `?endpoint=` may only name this page's origin or one on this computer (http or
 * https on a loopback name): anything else is refused, naming it, rather than sent every
 * operation (typed passwords included).
 */
export function endpointUrl(search: string, envEndpoint: string | undefined, origin: string): string {
  const fromQuery = new URLSearchParams(search).get("endpoint");
  if (fromQuery) {
    let url: URL;
    try {
      url = new URL("/", fromQuery);
    } catch {
      throw new ApiError("InvalidEndpoint", `The page's ?endpoint=${fromQuery} is not a URL. Remove it from the address to use ${origin}.`);
    }
    const onThisComputer = (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.hostname);
    if (url.origin !== new URL(origin).origin && !onThisComputer) {
      throw new ApiError(
        "InvalidEndpoint",
        `The page's ?endpoint= sends operations to ${url.origin}, which is neither this page's origin nor this computer. The console talks only to ${origin} or a loopback address: remove ?endpoint= from the address.`,
      );
    }
    return url.toString();
  }
  return new URL("/", envEndpoint || origin).toString();
}

/**
 * The launch secret of the endpoint that served this page (`poolhouse serve --ui` writes it
 * into index.html); undefined for a page it did not serve.
 */
export function consoleSecret(doc: Pick<Document, "querySelector">): string | undefined {
  const content = doc.querySelector('meta[name="poolhouse-console-secret"]')?.getAttribute("content");
  return content ? content : undefined;
}

/** The `--ui` folder the endpoint served this page from, as given; undefined for a page it did not serve. */
export function servedUiDir(doc: Pick<Document, "querySelector">): string | undefined {
  const content = doc.querySelector('meta[name="poolhouse-ui-dir"]')?.getAttribute("content");
  return content ? content : undefined;
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
  try {
    return new URL(browserEndpoint()).origin;
  } catch {
    // A refused ?endpoint=: every call says why; nothing is sent there.
    return window.location.origin;
  }
}

function browserEndpoint(): string {
  return endpointUrl(
    window.location.search,
    import.meta.env.VITE_POOLHOUSE_ENDPOINT as string | undefined,
    window.location.origin,
  );
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
  const url = browserEndpoint();
  const headers: Record<string, string> = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": amzTarget(op),
  };
  // The launch secret proves the call comes from the console this endpoint served; it goes
  // to that endpoint only.
  const secret = consoleSecret(document);
  if (secret !== undefined && new URL(url).origin === window.location.origin) headers["X-Poolhouse-Console"] = secret;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(input),
    });
  } catch {
    noteUnreachable();
    throw new ApiError("NetworkError", `Cannot reach the Poolhouse endpoint at ${url}.`);
  }
  noteAnswer();
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

/**
 * Starts watching the browser build's endpoint (see ./connection): probes it while it is down,
 * and now and then while it is up. Does nothing in the desktop app, which has no endpoint to
 * lose. Returns the function that stops watching.
 */
export function watchBrowserEndpoint(): () => void {
  if (isTauri()) return () => {};
  let url: string;
  try {
    url = browserEndpoint();
  } catch {
    // A refused ?endpoint=: nothing is sent there, so there is nothing to watch.
    return () => {};
  }
  // The endpoint's /health; any answer, even an opaque one, means something listens: only a
  // failed connection rejects.
  const health = new URL("/health", url).toString();
  const send = () =>
    fetch(health, { method: "GET", cache: "no-store", mode: "no-cors" }).then(
      () => true,
      () => false,
    );
  return watchEndpoint(send, () => document.visibilityState === "visible");
}

/** host:port the browser build sends its operations to; undefined in the desktop app. */
export function endpointAddress(): string | undefined {
  if (isTauri()) return undefined;
  try {
    return new URL(browserEndpoint()).host;
  } catch {
    return undefined;
  }
}

/**
 * Opens a web page (the hosted sign-in) outside the console and resolves whether it did. Only
 * http and https addresses are opened. The browser build opens a new tab, synchronously (a
 * click's user activation must still hold). The desktop app asks the system browser through
 * the opener plugin, whose scope (src-tauri/capabilities/sign-in-pages.json) admits only
 * http(s) pages on this computer: anything else, or a browser that does not start, resolves
 * false, and the caller then offers the address to copy.
 */
export function openInBrowser(url: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return Promise.resolve(false);
  if (isTauri()) return viaOpener(parsed.toString());
  // noopener: the sign-in page gets no handle on the console's window (window.open then
  // answers null whether or not a tab opened).
  window.open(parsed.toString(), "_blank", "noopener,noreferrer");
  return Promise.resolve(true);
}

async function viaOpener(url: string): Promise<boolean> {
  try {
    const { openUrl } = await import("@tauri-apps/plugin-opener");
    await openUrl(url);
    return true;
  } catch (e) {
    // Refused by the window's scope, or no browser could be started: the caller says so.
    console.warn(`The system browser did not open ${url}:`, e);
    return false;
  }
}

/** Writes text to the clipboard (Tauri's webview and browsers both offer the async API). */
export async function copyText(text: string): Promise<void> {
  await navigator.clipboard.writeText(text);
}
