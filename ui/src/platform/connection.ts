/**
 * Whether the browser build's endpoint is answering, and how to start it again.
 *
 * Every HTTP call reports here: an answer (any status) means the endpoint is up, a failure to
 * connect means it is down. While it is down the endpoint is probed with backoff (1 s, 2 s,
 * 4 s … at most MAX_BACKOFF_MS) until it answers; the app then refetches what it shows. While
 * it is up and the page is visible, a light probe every HEARTBEAT_MS notices a stop even when
 * nobody clicks. The desktop app calls the core in-process and never reports here.
 *
 * The command to start it again is the one in use: the store the endpoint said it serves
 * (DescribeWorkspace's StorePath, asked while it was up), the address this page talks to, and
 * the `--ui` folder the served index.html names (`<meta name="poolhouse-ui-dir">`).
 */

export type ConnectionState = {
  /** "unknown" until the first call has answered or failed. */
  status: "unknown" | "up" | "down";
  /** When a call last got an answer (ms since the epoch): what the screens show dates from then. */
  lastAnswerAt: number | undefined;
  /** When the endpoint was found not answering. */
  downSince: number | undefined;
  /** When the next probe goes out, while down. */
  nextProbeAt: number | undefined;
  /** Probes sent since it went down. */
  attempts: number;
};

/** What `poolhouse serve` was started with, as far as the console knows. */
export type ServeFacts = {
  /** The store file, from DescribeWorkspace. */
  storePath: string | undefined;
  /** host:port this page sends its operations to. */
  address: string | undefined;
  /** The `--ui` folder, as given, from the served index.html. */
  uiDir: string | undefined;
};

export const FIRST_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 8_000;
export const HEARTBEAT_MS = 15_000;

/** The wait before probe number `attempt` (0-based): doubling from FIRST_BACKOFF_MS, capped. */
export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, attempt));
}

/** A path or value as one shell word: left bare when it is plain, else in single quotes. */
export function shellWord(s: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that starts the endpoint this page was served by, with its store and address;
 * a part the console does not know is left as a placeholder in angle brackets.
 */
export function serveCommand(facts: ServeFacts): string {
  const db = facts.storePath ? shellWord(facts.storePath) : "<store.db>";
  const addr = facts.address ? shellWord(facts.address) : "127.0.0.1:9229";
  const ui = facts.uiDir ? shellWord(facts.uiDir) : "ui/dist";
  return `poolhouse --db ${db} serve --addr ${addr} --ui ${ui}`;
}

let state: ConnectionState = { status: "unknown", lastAnswerAt: undefined, downSince: undefined, nextProbeAt: undefined, attempts: 0 };
let facts: ServeFacts = { storePath: undefined, address: undefined, uiDir: undefined };
const listeners = new Set<() => void>();
/** Sends one probe; resolves true when the endpoint answered. Set by the platform. */
let probe: (() => Promise<boolean>) | undefined;
let probeTimer: ReturnType<typeof setTimeout> | undefined;
let heartbeat: ReturnType<typeof setInterval> | undefined;

function set(next: ConnectionState): void {
  state = next;
  for (const l of [...listeners]) l();
}

export function connectionState(): ConnectionState {
  return state;
}

export function serveFacts(): ServeFacts {
  return facts;
}

/** Records what the console learned about the running endpoint. */
export function learnServeFacts(more: Partial<ServeFacts>): void {
  facts = { ...facts, ...more };
  for (const l of [...listeners]) l();
}

export function subscribeConnection(onChange: () => void): () => void {
  listeners.add(onChange);
  return () => listeners.delete(onChange);
}

/**
 * The endpoint answered (whatever the status): it is up. An operation's answer is data the
 * screens show, so it dates them; a probe's answer does not.
 */
export function noteAnswer(now: number = Date.now(), { probe: isProbe = false }: { probe?: boolean } = {}): void {
  if (probeTimer !== undefined) {
    clearTimeout(probeTimer);
    probeTimer = undefined;
  }
  const lastAnswerAt = isProbe ? state.lastAnswerAt : now;
  if (state.status === "up" && lastAnswerAt === state.lastAnswerAt) return;
  set({ status: "up", lastAnswerAt, downSince: undefined, nextProbeAt: undefined, attempts: 0 });
}

/** A call could not connect: the endpoint is down; probing starts (once). */
export function noteUnreachable(now: number = Date.now()): void {
  if (state.status === "down") return;
  set({ ...state, status: "down", downSince: now, attempts: 0 });
  scheduleProbe(now);
}

function scheduleProbe(now: number): void {
  if (probeTimer !== undefined) clearTimeout(probeTimer);
  const wait = backoffMs(state.attempts);
  set({ ...state, nextProbeAt: now + wait });
  probeTimer = setTimeout(() => void probeNow(), wait);
}

/** Probes at once (the person asked to try again, or the backoff elapsed). */
export async function probeNow(): Promise<void> {
  if (probeTimer !== undefined) {
    clearTimeout(probeTimer);
    probeTimer = undefined;
  }
  if (!probe) return;
  const answered = await probe().catch(() => false);
  if (answered) {
    noteAnswer(Date.now(), { probe: true });
    return;
  }
  if (state.status !== "down") {
    noteUnreachable();
    return;
  }
  set({ ...state, attempts: state.attempts + 1 });
  scheduleProbe(Date.now());
}

/**
 * Starts watching the endpoint with `send` as the probe (a request that resolves true on any
 * answer). The heartbeat probes only while the page is visible and the endpoint is believed up.
 */
export function watchEndpoint(send: () => Promise<boolean>, visible: () => boolean = () => true): () => void {
  probe = send;
  if (heartbeat !== undefined) clearInterval(heartbeat);
  heartbeat = setInterval(() => {
    if (state.status === "up" && visible()) void probeNow();
  }, HEARTBEAT_MS);
  return () => {
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
    if (probeTimer !== undefined) clearTimeout(probeTimer);
    probeTimer = undefined;
    probe = undefined;
  };
}

/** Back to the start (for tests). */
export function resetConnection(): void {
  if (probeTimer !== undefined) clearTimeout(probeTimer);
  if (heartbeat !== undefined) clearInterval(heartbeat);
  probeTimer = undefined;
  heartbeat = undefined;
  probe = undefined;
  state = { status: "unknown", lastAnswerAt: undefined, downSince: undefined, nextProbeAt: undefined, attempts: 0 };
  facts = { storePath: undefined, address: undefined, uiDir: undefined };
  listeners.clear();
}
