"use client";

import dynamic from "next/dynamic";

/** The shadcn Toaster, loaded after hydration so sonner stays out of every page's first load. */
export const LazyToaster = dynamic(() => import("@/components/ui/sonner").then((m) => m.Toaster), { ssr: false });
