"use client";

import { useState } from "react";
import { toast } from "@/components/shop/toast";
import { Button } from "@/components/ui/button";

/** Ends the session; the visitor is nobody again until their next cart line makes them a new guest. */
export function SignOutButton() {
  const [pending, setPending] = useState(false);
  async function signOut() {
    setPending(true);
    const response = await fetch("/api/auth/sign-out", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }).catch(() => null);
    if (!response?.ok) {
      setPending(false);
      toast.error("Could not sign out. Check your connection and try again.");
      return;
    }
    window.location.assign(new URL("/", window.location.origin));
  }
  return (
    <Button variant="ghost" size="sm" onClick={signOut} disabled={pending}>
      Sign out
    </Button>
  );
}
