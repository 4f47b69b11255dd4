import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";

type Toast = { id: number; text: string };
const ToastContext = createContext<(text: string) => void>(() => {});

/** Short confirmations of what just happened ("User disabled"), announced politely. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((text: string) => {
    setToasts((t) => [...t.slice(-1), { id: Date.now() + Math.random(), text }]);
  }, []);
  const remove = useCallback((id: number) => {
    setToasts((all) => all.filter((x) => x.id !== id));
  }, []);
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} onDone={remove} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastItem({ toast, onDone }: { toast: Toast; onDone: (id: number) => void }) {
  useEffect(() => {
    const t = window.setTimeout(() => onDone(toast.id), 3000);
    return () => window.clearTimeout(t);
  }, [onDone, toast.id]);
  return <div className="toast">{toast.text}</div>;
}

export function useToast(): (text: string) => void {
  return useContext(ToastContext);
}
