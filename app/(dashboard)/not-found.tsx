import Link from "next/link";
import { BUTTON_PRIMARY } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";

export default function NotFound() {
  return (
    <EmptyState
      title="Not found"
      action={
        <Link href="/" className={BUTTON_PRIMARY}>
          Back to overview
        </Link>
      }
    >
      No stored scan, subnet or finding matches this address. Scans are never changed once stored; this one may be from another deployment or
      another database.
    </EmptyState>
  );
}
