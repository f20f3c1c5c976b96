"use client";
// Last-resort boundary (errors in the root layout): plain markup, no app styles needed.
export default function GlobalError({ retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", padding: 32 }}>
        <h1>Fanout could not load this page</h1>
        <p>Something went wrong on our side. Try again in a moment.</p>
        <button type="button" onClick={() => retry()}>Try again</button>
      </body>
    </html>
  );
}
