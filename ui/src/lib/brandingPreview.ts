// The branding editor's live preview: a static sign-in page with Cognito's `-customizable`
// class names, shown in an iframe `srcdoc` that runs no script (sandbox without
// allow-scripts). Its styles are applied from outside through the CSSOM (a constructed style
// sheet), never as a <style> element or attribute: the console's CSP allows no inline style,
// and the preview document inherits it. The page's own look sits in a cascade layer, so the
// customization's rules win over it in both colour schemes, as they do on the hosted pages.

export type PreviewMode = "light" | "dark";

/** The page's own look, under the customization. Light and dark, by the <html> class. */
export const PREVIEW_BASE_CSS = `@layer page {
html { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 14px; color-scheme: light; }
html.dark { color-scheme: dark; }
body { margin: 0; }
.background-customizable { min-height: 100vh; box-sizing: border-box; padding: 20px 12px; background-color: #f2f3f3; color: #16191f; }
html.dark .background-customizable { background-color: #0f141a; color: #d1d5db; }
.card { max-width: 300px; margin: 0 auto; border: 1px solid #c6c6cd; border-radius: 8px; overflow: hidden; background-color: #ffffff; }
html.dark .card { border-color: #424650; background-color: #1b232d; }
.banner-customizable { padding: 18px 0; text-align: center; background-color: #fafafa; }
html.dark .banner-customizable { background-color: #232b37; }
.logo-customizable { max-width: 60%; max-height: 30%; }
.banner-title { font-size: 18px; font-weight: 600; }
.form { padding: 14px 18px 18px; }
.textDescription-customizable { display: block; padding-bottom: 6px; font-size: 15px; }
.errorMessage-customizable { display: block; box-sizing: border-box; width: 100%; margin: 6px 0; padding: 6px 8px; border: 1px solid #d64958; border-radius: 4px; background: #fdf3f4; color: #b4232f; font-size: 13px; }
html.dark .errorMessage-customizable { background: #3a1d21; color: #ff9aa3; }
.label-customizable { display: block; margin: 10px 0 4px; font-size: 13px; font-weight: 600; }
.inputField-customizable { display: block; box-sizing: border-box; width: 100%; height: 34px; padding: 0 8px; border: 1px solid #8c8c94; border-radius: 4px; background-color: #ffffff; color: #16191f; }
html.dark .inputField-customizable { border-color: #656871; background-color: #0f141a; color: #d1d5db; }
.inputField-customizable:focus { outline: 2px solid #006ce0; }
.submitButton-customizable { display: block; box-sizing: border-box; width: 100%; height: 38px; margin: 16px 0 8px; border: 0; border-radius: 4px; background-color: #006ce0; color: #ffffff; font-weight: bold; font-size: 14px; }
.submitButton-customizable:hover { background-color: #002b66; }
html.dark .submitButton-customizable { background-color: #539fe5; color: #0f141a; }
.redirect-customizable { display: block; margin-top: 6px; text-align: center; font-size: 13px; color: #006ce0; }
html.dark .redirect-customizable { color: #89bdee; }
.passwordCheck { margin: 6px 0 0; padding: 0; list-style: none; font-size: 12px; }
.passwordCheck-valid-customizable { color: #037f0c; }
.passwordCheck-notValid-customizable { color: #b4232f; }
html.dark .passwordCheck-valid-customizable { color: #6fd07a; }
html.dark .passwordCheck-notValid-customizable { color: #ff9aa3; }
.legalText-customizable { display: block; margin-top: 10px; color: #5f6b7a; font-size: 11px; }
html.dark .legalText-customizable { color: #9ba7b6; }
}`;

/** Text for HTML: the five characters that could end an element or an attribute. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/**
 * The sign-in page of the preview, for an iframe's `srcdoc`. `logo` is a `data:` URL (the
 * only image source the console's CSP allows besides its own origin).
 */
export function previewDocument({ mode, logo, title }: { mode: PreviewMode; logo?: string; title: string }): string {
  const banner = logo?.startsWith("data:image/")
    ? `<img class="logo-customizable" src="${escapeHtml(logo)}" alt="Logo">`
    : `<span class="banner-title">${escapeHtml(title)}</span>`;
  return `<!doctype html>
<html lang="en" class="${mode}">
<head><meta charset="utf-8"><title>${escapeHtml(title)} sign-in (${mode})</title></head>
<body>
<main class="background-customizable">
<div class="card">
<div class="banner-customizable">${banner}</div>
<form class="form">
<span class="textDescription-customizable">Sign in with your username and password</span>
<span class="errorMessage-customizable" role="alert">Incorrect username or password.</span>
<label class="label-customizable" for="username">Username</label>
<input class="inputField-customizable" id="username" name="username" autocomplete="off" tabindex="-1">
<label class="label-customizable" for="password">Password</label>
<input class="inputField-customizable" id="password" name="password" type="password" autocomplete="off" tabindex="-1">
<ul class="passwordCheck">
<li class="passwordCheck-valid-customizable">&#10003; Password must contain a lower case letter</li>
<li class="passwordCheck-notValid-customizable">&#10007; Password must contain a number</li>
</ul>
<a class="redirect-customizable" href="#" tabindex="-1">Forgot your password?</a>
<button class="submitButton-customizable" type="button" tabindex="-1">Sign in</button>
<span class="redirect-customizable">Need an account? <a href="#" tabindex="-1">Sign up</a></span>
<span class="legalText-customizable">The page is a preview: it signs no one in.</span>
</form>
</div>
</main>
</body>
</html>`;
}
