"use client";

/** Last resort when the root layout itself fails: plain HTML, no providers. */
export default function GlobalError({ reset }: { error: Error; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", padding: "3rem 1rem", textAlign: "center" }}>
        <main>
          <h1>Something went wrong</h1>
          <p>The shop could not be loaded. Your cart and orders are safe.</p>
          <button type="button" onClick={reset}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
