import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { forgetStoredHistory } from "./lib/inspector";
import { startTheme } from "./lib/theme";
import "./styles.css";

// Earlier versions kept the token inspector's history, raw bearer tokens included, in
// localStorage; it is kept in memory now, and the stored copy goes.
try {
  forgetStoredHistory(window.localStorage);
} catch {
  // No storage at all: nothing was kept.
}

// The light or dark look, kept in step with Settings and the system setting.
startTheme();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
