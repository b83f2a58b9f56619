import type { Metadata } from "next";
import "./globals.css";
import { SessionBar } from "@/lib/auth/ui/session-bar";

export const metadata: Metadata = {
  title: "Lockdown Auditor",
  description: "Prove an Azure network is locked down the way Azure CycleCloud documents it",
  // Files in public/ (icon.svg is the source; the PNGs and favicon.ico are rendered from it).
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "48x48" },
      { url: "/icon.svg", type: "image/svg+xml" },
      { url: "/icon-192.png", sizes: "192x192", type: "image/png" },
    ],
    apple: { url: "/apple-touch-icon.png", sizes: "180x180" },
  },
  manifest: "/site.webmanifest",
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
