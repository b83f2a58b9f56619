// NOTE: the place for "scan from Azure" (CONTRACT §1.3, lib/azure). A button here should POST to a live-scan route
// that runs readLiveEstate() and stores the result with store.createScan({ origin: "live", errors }), showing the
// reader's onProgress as a progress bar. Until that route exists this panel says how to read Azure from the CLI.
export function LiveScanPanel() {
  return (
    <section aria-labelledby="live-heading" className="rounded-lg border border-slate-200 bg-white px-4 py-4">
      <h2 id="live-heading" className="text-sm font-semibold text-slate-900">
        From Azure
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Reading Azure directly from the dashboard is not enabled on this server. Read it with the command line (read-only; only GET requests), then upload the
        saved snapshot here:
      </p>
      <pre className="mt-2 whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 text-xs text-slate-100">
        <code>npm run --silent audit -- --live --save estate.json --profile profile.json</code>
      </pre>
    </section>
  );
}
