import type { Metadata } from "next";
import "./globals.css";
import { SessionBar } from "@/lib/auth/ui/session-bar";

export const metadata: Metadata = {
  title: "Lockdown Auditor",
  description: "Prove an Azure network is locked down the way Azure CycleCloud documents it",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <SessionBar />
        {children}
      </body>
    </html>
  );
}
