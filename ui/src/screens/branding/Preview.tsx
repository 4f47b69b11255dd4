// What the two branding editors (classic hosted UI, managed login) share: the logo field and the
// preview of the sign-in page in light and dark. The editors differ in the formats and size a
// logo may have, and in where the preview's CSS comes from; those are props.
import { useEffect, useRef, type ReactNode } from "react";
import { Button, Field } from "../../components/ui";
import { PREVIEW_BASE_CSS, previewDocument, type PreviewMode } from "../../lib/brandingPreview";

const MODES: readonly PreviewMode[] = ["light", "dark"];

/**
 * The sign-in page in light and dark, side by side: `css` is the sheet for both modes, or one
 * per mode. `testIdPrefix` names each frame `<prefix>-light` and `<prefix>-dark`.
 */
export function PreviewPair({
  css,
  logo,
  title,
  testIdPrefix,
}: {
  css: string | Record<PreviewMode, string>;
  logo: string | undefined;
  title: string;
  testIdPrefix: string;
}) {
  return (
    <>
      {MODES.map((mode) => (
        <Preview
          key={mode}
          mode={mode}
          css={typeof css === "string" ? css : css[mode]}
          logo={logo}
          title={title}
          testId={`${testIdPrefix}-${mode}`}
        />
      ))}
    </>
  );
}

/**
 * One sign-in page of the preview: a script-less iframe whose styles (the page's, then the
 * customization's) are set through the CSSOM once it has loaded, and again when they change.
 */
function Preview({
  mode,
  css,
  logo,
  title,
  testId,
}: {
  mode: PreviewMode;
  css: string;
  logo: string | undefined;
  title: string;
  testId: string;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const doc = previewDocument({ mode, title, ...(logo ? { logo } : {}) });
  const apply = () => {
    const win = frame.current?.contentWindow as (Window & { CSSStyleSheet: typeof CSSStyleSheet }) | null;
    const d = frame.current?.contentDocument;
    if (!win || !d) return;
    const sheet = new win.CSSStyleSheet();
    sheet.replaceSync(`${PREVIEW_BASE_CSS}\n${css}`);
    d.adoptedStyleSheets = [sheet];
  };
  // The customization changed: restyle the page as it stands.
  useEffect(apply);
  return (
    <figure className="branding-preview">
      <figcaption>{mode === "light" ? "Light" : "Dark"}</figcaption>
      <iframe
        ref={frame}
        title={`Sign-in page preview, ${mode}`}
        sandbox="allow-same-origin"
        srcDoc={doc}
        onLoad={apply}
        data-testid={testId}
      />
    </figure>
  );
}

/**
 * The logo above the form: a file input and, with a logo, a way to remove it. `onFile` gets the
 * file picked (after checking it, the editor reads it with {@link readDataUrl}); `testIdPrefix`
 * names the input `<prefix>-file` and the button `<prefix>-remove`.
 */
export function LogoField({
  name,
  error,
  hint,
  accept,
  hasLogo,
  note,
  onFile,
  onRemove,
  testIdPrefix,
}: {
  name: string;
  error: string | undefined;
  hint: ReactNode;
  accept: string;
  hasLogo: boolean;
  /** Shown beside the input while there is a logo (e.g. its size). */
  note?: ReactNode;
  onFile: (file: File | undefined) => void;
  onRemove: () => void;
  testIdPrefix: string;
}) {
  const fileRef = useRef<HTMLInputElement>(null);
  return (
    <Field label="Logo" name={name} error={error} hint={hint}>
      {(p) => (
        <div className="branding-logo">
          <input
            {...p}
            ref={fileRef}
            type="file"
            accept={accept}
            onChange={(e) => onFile(e.target.files?.[0])}
            data-testid={`${testIdPrefix}-file`}
          />
          {hasLogo && note}
          {hasLogo && (
            <Button
              variant="ghost"
              onClick={() => {
                onRemove();
                if (fileRef.current) fileRef.current.value = "";
              }}
              data-testid={`${testIdPrefix}-remove`}
            >
              Remove logo
            </Button>
          )}
        </div>
      )}
    </Field>
  );
}

/** Reads a picked file as a `data:` URL and hands it to `done`. */
export function readDataUrl(file: File, done: (dataUrl: string) => void) {
  const reader = new FileReader();
  reader.onload = () => {
    if (typeof reader.result === "string") done(reader.result);
  };
  reader.readAsDataURL(file);
}
