import { useMutation } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { toApiError, type ApiError } from "../platform";
import { placeError } from "./forms";

/** What to do with one run's outcome; called only for the latest run, and only while mounted. */
export type RunCallbacks<O> = { onSuccess?: (output: O) => void; onError?: (error: ApiError) => void };

export type Action<I, O> = {
  /** Starts the action; its outcome arrives through `onSuccess` and `error` (and `callbacks`). */
  run: (input: I, callbacks?: RunCallbacks<O>) => void;
  /** Starts the action and resolves with its output (rejects with the ApiError). */
  runAsync: (input: I) => Promise<O>;
  /** The action is in flight. */
  busy: boolean;
  /** The last run's failure, until the next run or `reset`. */
  error: ApiError | undefined;
  /** The input of the run in flight or last finished (which button is busy). */
  input: I | undefined;
  /** Forgets the last run; if it is still in flight, its per-run callbacks will not be called. */
  reset: () => void;
};

/**
 * Something a person does that changes the core: busy while it runs, its failure kept as an
 * ApiError for the form to show, and `onSuccess` called with the output once it is done.
 * `busy`, `error` and `input` follow the latest run; the callbacks see the latest render's
 * values, and run even when the screen has gone meanwhile (the change happened).
 */
export function useAction<I = void, O = unknown>(
  fn: (input: I) => Promise<O>,
  { onSuccess, onError }: { onSuccess?: (output: O, input: I) => void; onError?: (error: ApiError) => void } = {},
): Action<I, O> {
  const m = useMutation<O, ApiError, I>({
    mutationFn: async (input) => {
      try {
        return await fn(input);
      } catch (e) {
        throw toApiError(e);
      }
    },
    onSuccess: (output, input) => onSuccess?.(output, input),
    onError: (error) => onError?.(error),
  });
  const { mutate } = m;
  return {
    run: useCallback(
      (input: I, callbacks?: RunCallbacks<O>) =>
        mutate(input, { onSuccess: (output) => callbacks?.onSuccess?.(output), onError: (e) => callbacks?.onError?.(e) }),
      [mutate],
    ),
    runAsync: m.mutateAsync,
    busy: m.isPending,
    error: m.error ?? undefined,
    input: m.variables,
    reset: m.reset,
  };
}

export type FormAction<I, O> = Action<I, O> & {
  /** Messages by request member: the form's own checks, then the core's refusal. */
  errors: Record<string, string>;
  /** The core's refusal when it names no field of the form (shown above the buttons). */
  general: ApiError | undefined;
  /**
   * Shows the form's own `problems` next to their fields (replacing the last ones), forgets
   * the core's last refusal, and says whether the form may be sent: it has no problems.
   */
  check: (problems: Readonly<Record<string, string>>) => boolean;
  /** Forgets every message (the edits were discarded). */
  discard: () => void;
};

/**
 * A useAction behind a form: checks made here before sending and the core's refusal, placed
 * next to the fields named by `fields` (see placeError), or shown above the buttons.
 */
export function useFormAction<I = void, O = unknown>(
  fn: (input: I) => Promise<O>,
  {
    fields,
    byCode,
    onSuccess,
    onError,
  }: {
    fields: readonly string[];
    byCode?: Readonly<Record<string, string>>;
    onSuccess?: (output: O, input: I) => void;
    onError?: (error: ApiError) => void;
  },
): FormAction<I, O> {
  const action = useAction(fn, { onSuccess, onError });
  const [problems, setProblems] = useState<Readonly<Record<string, string>>>({});
  const placed = placeError(action.error, fields, byCode);
  return {
    ...action,
    errors: { ...placed.fields, ...problems },
    general: placed.general,
    check: (found) => {
      setProblems(found);
      action.reset();
      return Object.keys(found).length === 0;
    },
    discard: () => {
      setProblems({});
      action.reset();
    },
  };
}
