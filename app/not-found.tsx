import Link from "next/link";

// A scan, finding or subnet that does not exist (404): the dashboard layout stops before its own header renders.
export default function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-4 text-slate-700">
        No stored scan, subnet or finding matches this address. Scans are never changed once stored; this one may be from another deployment or
        another database.
      </p>
      <Link href="/" className="mt-6 inline-block rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500">
        Back to overview
      </Link>
    </main>
  );
}
