"use client";
import { useState } from "react";
import { BUTTON_SMALL } from "./button";

/** Copies text (or, with `absolute`, this origin + a path) and says so for a moment; falls back when the Clipboard API is absent (plain http). */
export function CopyButton({ text, absolute = false, label = "Copy", copiedLabel = "Copied", className = BUTTON_SMALL, testId }: {
  text: string;
  absolute?: boolean;
  label?: string;
  copiedLabel?: string;
  className?: string;
  testId?: string;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  async function copy() {
    const value = absolute ? new URL(text, window.location.origin).toString() : text;
    try {
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(value);
      else legacyCopy(value);
      setState("copied");
    } catch {
      try {
        legacyCopy(value);
        setState("copied");
      } catch {
        setState("failed");
      }
    }
    window.setTimeout(() => setState("idle"), 2000);
  }
  return (
    <button type="button" onClick={copy} className={className} data-testid={testId}>
      <svg aria-hidden viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="none" stroke="currentColor" strokeWidth="1.5">
        <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" />
        <path d="M3 10.5V3.5A1 1 0 0 1 4 2.5h6.5" />
      </svg>
      <span aria-live="polite">{state === "copied" ? copiedLabel : state === "failed" ? "Copy failed" : label}</span>
    </button>
  );
}

function legacyCopy(value: string) {
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy refused");
}
