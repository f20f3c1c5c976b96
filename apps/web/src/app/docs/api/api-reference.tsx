"use client";
// Swagger UI from swagger-ui-dist's prebuilt bundle, served from our own origin (no CDN).
// The prebuilt bundle (not swagger-ui-react's ES build) because Turbopack drops the
// side-effect module that gives ApiDOM's OpenAPI 3.1 elements their `refract`, and
// operations then never finish loading. It only runs in the browser, loaded on mount.
import { useEffect, useRef, useState } from "react";
import "swagger-ui-dist/swagger-ui.css";

type SwaggerUIBundle = (options: Record<string, unknown>) => unknown;

export function ApiReference({ url }: { url: string }) {
  const node = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    import("swagger-ui-dist/swagger-ui-bundle.js")
      .then((m: { default?: SwaggerUIBundle } & Record<string, unknown>) => {
        const create = (m.default ?? m) as SwaggerUIBundle;
        if (cancelled || !node.current) return;
        create({ domNode: node.current, url, docExpansion: "list", defaultModelsExpandDepth: 0, deepLinking: false, tryItOutEnabled: false, validatorUrl: null });
      })
      .catch((e: Error) => setFailed(e.message));
    return () => {
      cancelled = true;
    };
  }, [url]);
  if (failed) return <p role="alert">The API reference could not load ({failed}); the raw document is at {url}.</p>;
  return <div ref={node} data-testid="api-reference" />;
}
