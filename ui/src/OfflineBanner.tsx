// The browser build's endpoint stopped: what the screens show is kept, marked as dating from
// the last answer; the banner names the command that starts the endpoint again (its store and
// address), and the console reconnects by itself and reloads what it shows.
import type { QueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useSyncExternalStore } from "react";
import { Button, CopyButton } from "./components/ui";
import { useNow } from "./lib/useNow";
import {
  call,
  connectionState,
  endpointAddress,
  learnServeFacts,
  probeNow,
  serveCommand,
  serveFacts,
  servedUiDir,
  subscribeConnection,
  watchBrowserEndpoint,
  type ConnectionState,
} from "./platform";
import "./styles/developer.css";

/** Asks the endpoint which store it serves, for the command that starts it again. */
function learnStore(): void {
  call("DescribeWorkspace", {}).then(
    (r) => learnServeFacts({ storePath: r.Workspace.StorePath }),
    () => {
      // Not answering, or refused: the command keeps what was learned, or a placeholder.
    },
  );
}

/**
 * Watches the browser build's endpoint while the app runs; when it answers again after a stop,
 * every query is refetched (the screens were showing what they had). Returns the state.
 */
export function useEndpointWatch(queries: QueryClient): ConnectionState {
  const connection = useSyncExternalStore(subscribeConnection, connectionState, connectionState);
  useEffect(() => {
    const address = endpointAddress();
    if (address === undefined) return;
    learnServeFacts({ address, uiDir: servedUiDir(document) });
    learnStore();
    return watchBrowserEndpoint();
  }, []);
  const was = useRef(connection.status);
  useEffect(() => {
    const before = was.current;
    was.current = connection.status;
    if (before === "down" && connection.status === "up") {
      void queries.invalidateQueries();
      learnStore();
    }
  }, [connection.status, queries]);
  return connection;
}

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function OfflineBanner({ connection }: { connection: ConnectionState }) {
  const facts = useSyncExternalStore(subscribeConnection, serveFacts, serveFacts);
  const down = connection.status === "down";
  const now = useNow(down ? 1000 : null) * 1000;
  if (!down) return null;
  const command = serveCommand(facts);
  const wait = connection.nextProbeAt !== undefined ? Math.max(0, Math.ceil((connection.nextProbeAt - now) / 1000)) : undefined;
  return (
    <div className="offline-banner" role="alert" data-testid="offline-banner">
      <div className="offline-banner-text">
        <div className="offline-banner-title">
          {connection.lastAnswerAt !== undefined
            ? `Showing data from ${clock(connection.lastAnswerAt)} — the server is not answering`
            : "The server is not answering"}
        </div>
        <div>
          {connection.lastAnswerAt !== undefined
            ? "What is on screen may be out of date, and nothing can be saved until it is back. "
            : "Nothing could be loaded. "}
          Start it again with:
          <code data-testid="offline-command">{command}</code>
        </div>
        <div className="hint" data-testid="offline-retry">
          {wait !== undefined && wait > 0 ? `Trying again in ${wait} s` : "Trying again…"} — this page reconnects by itself and
          reloads what it shows.
        </div>
      </div>
      <CopyButton text={command} label="Copy command" />
      <Button className="btn-small" onClick={() => void probeNow()} data-testid="offline-try-now">
        Try now
      </Button>
    </div>
  );
}
