import type { Metadata } from "next";
import { Suspense } from "react";
import { AuthCard } from "@/components/auth/auth-card";
import { CredentialsForm } from "@/components/auth/credentials-form";

export const metadata: Metadata = { title: "Sign in" };

export default function SignInPage() {
  return (
    <AuthCard title="Sign in" description="Your cart and orders from this browser come with you.">
      <Suspense>
        <CredentialsForm mode="sign-in" />
      </Suspense>
    </AuthCard>
  );
}
