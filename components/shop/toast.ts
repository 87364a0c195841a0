"use client";

import type { ExternalToast } from "sonner";

/**
 * Toasts without sonner in the first-load JS: it is fetched the first time a toast is shown
 * (the Toaster itself loads right after hydration, see lazy-toaster.tsx).
 */
export const toast = {
  success: (message: string, options?: ExternalToast) => void import("sonner").then((m) => m.toast.success(message, options)),
  error: (message: string, options?: ExternalToast) => void import("sonner").then((m) => m.toast.error(message, options)),
};
