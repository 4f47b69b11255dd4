/* global window, document */
// Before the first paint: the theme chosen in Settings (System, Light or Dark; kept in
// localStorage under "poolhouse.theme" by src/lib/theme.ts), or else the system's, as
// data-theme on <html>, so a dark console never flashes light. A classic script from the
// console's own origin, because the Content-Security-Policy allows no inline script.
// src/lib/theme.ts takes over once the app runs (and its test runs this file).
(function () {
  var choice = "system";
  try {
    var stored = window.localStorage.getItem("poolhouse.theme");
    if (stored === "light" || stored === "dark") choice = stored;
  } catch {
    // No storage: follow the system.
  }
  var systemDark = false;
  try {
    systemDark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  } catch {
    // No media queries: light.
  }
  var dark = choice === "dark" || (choice === "system" && systemDark);
  document.documentElement.setAttribute("data-theme", dark ? "dark" : "light");
})();
