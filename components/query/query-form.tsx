// The flow query's form: a plain GET form, so the question lives in the URL (linkable, survives a reload) and works
// without client JavaScript. Source and destination suggest the scan's subnets and the CycleCloud page's services.
import type { FlowQueryParams } from "@/lib/path/query-params";
import { BUTTON_PRIMARY } from "../ui/button";

const FIELD = "mt-1 block w-full rounded-md border-0 px-2 py-1.5 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";
const LABEL = "block text-xs font-medium text-slate-700";

/** Destinations the CycleCloud locked-down page names, offered beside the scan's subnets. */
const SERVICE_SUGGESTIONS = ["management.azure.com", "login.microsoftonline.com", "AzureResourceManager", "AzureActiveDirectory", "AzureMonitor", "Storage", "Internet", "github.com"];

export function QueryForm({ action, values, subnets }: { action: string; values: FlowQueryParams; subnets: string[] }) {
  return (
    <form method="get" action={action} role="search" aria-label="Flow query" className="grid gap-3 sm:grid-cols-[1fr_1fr_8rem_8rem_auto] sm:items-end">
      <div>
        <label htmlFor="query-from" className={LABEL}>
          Source
        </label>
        <input id="query-from" name="from" list="query-sources" defaultValue={values.from ?? ""} required placeholder="vnet/subnet, NIC id, scale set id or IP" className={FIELD} autoComplete="off" spellCheck={false} />
      </div>
      <div>
        <label htmlFor="query-to" className={LABEL}>
          Destination
        </label>
        <input id="query-to" name="to" list="query-destinations" defaultValue={values.to ?? ""} required placeholder="vnet/subnet, IP, CIDR, service tag or FQDN" className={FIELD} autoComplete="off" spellCheck={false} />
      </div>
      <div>
        <label htmlFor="query-protocol" className={LABEL}>
          Protocol
        </label>
        <select id="query-protocol" name="protocol" defaultValue={(values.protocol ?? "tcp").toLowerCase()} className={FIELD}>
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
          <option value="icmp">ICMP</option>
          <option value="any">Any</option>
        </select>
      </div>
      <div>
        <label htmlFor="query-port" className={LABEL}>
          Port
        </label>
        <input id="query-port" name="port" defaultValue={values.port ?? ""} placeholder="443 or 8000-8100" className={FIELD} autoComplete="off" inputMode="numeric" />
      </div>
      <button type="submit" className={BUTTON_PRIMARY}>
        Ask
      </button>
      <datalist id="query-sources">
        {subnets.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
      <datalist id="query-destinations">
        {[...subnets, ...SERVICE_SUGGESTIONS].map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </form>
  );
}
