"use client";
// swagger-ui-react is bundled (no CDN) and only runs in the browser: it touches `window`
// while loading, so it is imported without SSR.
import dynamic from "next/dynamic";
import "swagger-ui-react/swagger-ui.css";

const SwaggerUI = dynamic(() => import("swagger-ui-react"), {
  ssr: false,
  loading: () => <p role="status">Loading the API reference…</p>,
});

export function ApiReference({ url }: { url: string }) {
  return (
    <div data-testid="api-reference">
      <SwaggerUI url={url} docExpansion="list" defaultModelsExpandDepth={0} tryItOutEnabled={false} persistAuthorization={false} />
    </div>
  );
}
