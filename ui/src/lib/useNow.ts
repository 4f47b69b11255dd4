import { useEffect, useState } from "react";

/**
 * The current time in epoch seconds, re-read every `intervalMs` while `intervalMs` is not null
 * (a lockout counting down), and left alone otherwise so idle screens do not re-render. The
 * first tick comes one interval after it starts.
 */
export function useNow(intervalMs: number | null): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    if (intervalMs === null) return;
    const t = window.setInterval(() => setNow(Date.now() / 1000), intervalMs);
    return () => window.clearInterval(t);
  }, [intervalMs]);
  return now;
}
