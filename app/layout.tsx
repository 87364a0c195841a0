import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/shop/site-header";
import { LazyToaster } from "@/components/shop/lazy-toaster";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Conveyor", template: "%s · Conveyor" },
  description: "Well-made things, shipped fast. Follow every order live from payment to your door.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-background focus:px-3 focus:py-2 focus:shadow">
          Skip to content
        </a>
        {/* No query client here: the pages that use one are under app/(shop)/(query-client) and app/admin, whose layouts put it in. */}
        <SiteHeader />
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:py-10">
          {children}
        </main>
        <LazyToaster richColors closeButton />
      </body>
    </html>
  );
}
