import { useCallback, useEffect, useRef, useState } from "react";
import { toApiError, type ApiError } from "../platform";

type Settled<T> = { key: string; nonce: number; data?: T; error?: ApiError };

export type Query<T> = {
  /** The latest data for this key (kept while a reload is in flight). */
  data: T | undefined;
  error: ApiError | undefined;
  /** True while the first load or a reload for the current key is in flight. */
  loading: boolean;
  reload: () => void;
  /** Replaces the data for the current key (after a mutation that returned fresh data). */
  set: (data: T) => void;
};

/**
 * Loads `fetcher()` whenever `key` changes (null: load nothing). Responses for a key that is no
 * longer current are dropped, so a slow answer never overwrites a newer one.
 */
export function useQuery<T>(key: string | null, fetcher: () => Promise<T>): Query<T> {
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const [nonce, setNonce] = useState(0);
  const fetcherRef = useRef(fetcher);
  useEffect(() => {
    fetcherRef.current = fetcher;
  });

  useEffect(() => {
    if (key === null) return;
    let live = true;
    fetcherRef.current().then(
      (data) => {
        if (live) setSettled({ key, nonce, data });
      },
      (e: unknown) => {
        if (live) setSettled({ key, nonce, error: toApiError(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [key, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const set = useCallback(
    (data: T) => {
      if (key !== null) setSettled({ key, nonce, data });
    },
    [key, nonce],
  );
  const sameKey = settled !== null && settled.key === key;
  const current = sameKey && settled.nonce === nonce;
  return {
    data: sameKey ? settled.data : undefined,
    error: current ? settled.error : undefined,
    loading: key !== null && !current,
    reload,
    set,
  };
}
