import type { Metadata } from "next";
import { Suspense } from "react";
import { AuthCard } from "@/components/auth/auth-card";
import { CredentialsForm } from "@/components/auth/credentials-form";

export const metadata: Metadata = { title: "Create account" };

export default function SignUpPage() {
  return (
    <AuthCard title="Create account" description="Keep your cart and the orders you placed as a guest, on any device.">
      <Suspense>
        <CredentialsForm mode="sign-up" />
      </Suspense>
    </AuthCard>
  );
}
