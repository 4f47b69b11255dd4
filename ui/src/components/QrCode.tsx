import { useEffect, useState } from "react";

type Drawn = { text: string; src?: string; failed?: boolean };

/**
 * A QR code of `text`, drawn as an SVG data URL by the `qrcode` package, which is loaded only
 * when a QR code is first shown. If it can't be drawn, says so: the caller always shows the
 * same content as text too.
 */
export function QrCode({ text, label, size = 184 }: { text: string; label: string; size?: number }) {
  const [drawn, setDrawn] = useState<Drawn>();
  useEffect(() => {
    let live = true;
    import("qrcode")
      .then((qr) => qr.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 }))
      .then(
        (svg) => {
          if (live) setDrawn({ text, src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` });
        },
        () => {
          if (live) setDrawn({ text, failed: true });
        },
      );
    return () => {
      live = false;
    };
  }, [text]);
  const current = drawn?.text === text ? drawn : undefined;
  if (current?.failed) {
    return (
      <div className="qr qr-failed" style={{ width: size, height: size }} role="note" data-testid="qr-failed">
        The QR code couldn't be drawn here: type the secret key into the app instead.
      </div>
    );
  }
  if (!current?.src) {
    return <div className="qr qr-pending" style={{ width: size, height: size }} aria-busy="true" />;
  }
  return <img className="qr" src={current.src} width={size} height={size} alt={label} data-testid="qr-code" />;
}
