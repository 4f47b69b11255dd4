import { QueryClient } from "@tanstack/react-query";
import type { ApiError } from "../platform";

// Every query and action of the console fails with an ApiError: `call` rejects with nothing
// else, and useAction maps whatever its function throws. Screens branch on `error.code`.
declare module "@tanstack/react-query" {
  interface Register {
    defaultError: ApiError;
  }
}

/**
 * The console's query client. Its defaults keep the behaviour the screens were written for:
 * an answer is shown as it came (no retries that would hide a refusal for seconds), nothing
 * refetches behind the person's back (focus, reconnect), requests go out whatever the
 * browser thinks of the network (the core is usually on this machine), and nothing is kept
 * once no screen shows it, so a screen opened again loads afresh.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: false,
        networkMode: "always",
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        gcTime: 0,
      },
      mutations: { retry: false, networkMode: "always" },
    },
  });
}
