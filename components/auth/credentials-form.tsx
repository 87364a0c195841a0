"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { describeWait } from "@/lib/describe-wait";
import { sameOriginPath } from "@/lib/same-origin-path";

type Mode = "sign-in" | "sign-up";

const COPY: Record<Mode, { submit: string; endpoint: string; alternative: { text: string; link: string; href: string } }> = {
  "sign-in": {
    submit: "Sign in",
    endpoint: "/api/auth/sign-in/email",
    alternative: { text: "New here?", link: "Create an account", href: "/sign-up" },
  },
  "sign-up": {
    submit: "Create account",
    endpoint: "/api/auth/sign-up/email",
    alternative: { text: "Already have an account?", link: "Sign in", href: "/sign-in" },
  },
};

/**
 * Email + password against better-auth's endpoints. A guest's session cookie rides along, so
 * the library links the guest (cart, orders) to the account. A full page load afterwards
 * re-renders every server component for the new identity.
 */
export function CredentialsForm({ mode }: { mode: Mode }) {
  const copy = COPY[mode];
  // Checked where it is used (sameOriginPath): only a path on this site is ever followed.
  const next = useSearchParams().get("next");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // Until React has hydrated, a submit would be the browser's own: a GET that puts the
  // password in the address bar, the history and the server's logs. The button stays
  // disabled until the handler is attached (a disabled default button also blocks Enter).
  const hydrated = useSyncExternalStore(subscribeToNothing, () => true, () => false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    const body = mode === "sign-up" ? { email, password, name: email.split("@")[0] ?? email } : { email, password };
    const response = await fetch(copy.endpoint, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).catch(() => null);
    if (response?.ok) {
      window.location.assign(sameOriginPath(next, window.location.origin));
      return;
    }
    setPending(false);
    setError(await describeFailure(response, mode));
  }

  const hrefWithNext = next ? `${copy.alternative.href}?next=${encodeURIComponent(next)}` : copy.alternative.href;
  return (
    <form onSubmit={submit} method="post" className="grid gap-4" noValidate={false}>
      <div className="grid gap-2">
        <Label htmlFor="email">Email</Label>
        <Input id="email" name="email" type="email" autoComplete="email" required aria-invalid={error ? true : undefined} />
      </div>
      <div className="grid gap-2">
        <Label htmlFor="password">Password</Label>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete={mode === "sign-up" ? "new-password" : "current-password"}
          minLength={8}
          required
          aria-describedby={mode === "sign-up" ? "password-hint" : undefined}
          aria-invalid={error ? true : undefined}
        />
        {mode === "sign-up" && (
          <p id="password-hint" className="text-sm text-muted-foreground">
            At least 8 characters.
          </p>
        )}
      </div>
      <p role="alert" className="min-h-5 text-sm text-destructive">
        {error}
      </p>
      <Button type="submit" disabled={!hydrated || pending} className="w-full">
        {copy.submit}
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        {copy.alternative.text}{" "}
        <Link href={hrefWithNext} className="font-medium text-foreground underline underline-offset-4">
          {copy.alternative.link}
        </Link>
      </p>
    </form>
  );
}

function subscribeToNothing(): () => void {
  return () => {};
}

async function describeFailure(response: Response | null, mode: Mode): Promise<string> {
  if (!response) return "We could not reach the shop. Check your connection and try again.";
  if (response.status === 429) {
    const seconds = Number(response.headers.get("retry-after"));
    const wait = Number.isFinite(seconds) && seconds > 0 ? `in ${describeWait(seconds)}` : "later";
    return mode === "sign-in" ? `Too many sign-in attempts. Try again ${wait}.` : `Too many new accounts from your network. Try again ${wait}.`;
  }
  const body = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
  if (mode === "sign-in" && response.status === 401) return "That email and password do not match an account.";
  if (body?.code === "USER_ALREADY_EXISTS" || body?.code === "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL") return "An account with this email already exists. Sign in instead.";
  return body?.message ?? "Something went wrong. Please try again.";
}
