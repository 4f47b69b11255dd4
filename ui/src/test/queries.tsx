// For tests: components that load or change data need the query client the app provides.
import { notifyManager, QueryClientProvider } from "@tanstack/react-query";
import { render, renderHook, type RenderOptions } from "@testing-library/react";
import type { ReactElement, ReactNode } from "react";
import { createQueryClient } from "../lib/queryClient";

// Changes reach the components at once rather than after a timer, so the `act` that settles a
// mocked call, or sets data, also sees what the screen made of it.
notifyManager.setScheduler((notify) => notify());

/** A wrapper with a fresh query client, so no test sees another's answers. */
export function queryWrapper() {
  const client = createQueryClient();
  return function Wrapper({ children }: { children: ReactNode }) {
    return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  };
}

/** `render` inside a fresh query client. */
export function renderWithQueries(ui: ReactElement, options: Omit<RenderOptions, "wrapper"> = {}) {
  return render(ui, { ...options, wrapper: queryWrapper() });
}

/** `renderHook` inside a fresh query client. */
export function renderHookWithQueries<P, R>(hook: (props: P) => R, options: { initialProps?: P } = {}) {
  return renderHook(hook, { ...options, wrapper: queryWrapper() });
}
