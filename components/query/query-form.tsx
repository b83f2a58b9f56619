// The flow query's form: a plain GET form, so the question lives in the URL (linkable, survives a reload) and works
// without client JavaScript. Source and destination suggest the scan's subnets and the CycleCloud page's services.
import type { FlowQueryParams } from "@/lib/path/query-params";
import { BUTTON_PRIMARY } from "../ui/button";
import { Field } from "../ui/field";

const FIELD = "mt-1 block w-full rounded-md border-0 px-2 py-1.5 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";
const LABEL = "block text-xs font-medium text-slate-700";

/** Destinations the CycleCloud locked-down page names, offered beside the scan's subnets. */
const SERVICE_SUGGESTIONS = ["management.azure.com", "login.microsoftonline.com", "AzureResourceManager", "AzureActiveDirectory", "AzureMonitor", "Storage", "Internet", "github.com"];

/**
 * `error`: the parameter the page's error message is about (`from`, `to`, `protocol`, `port`) and that message's
 * element id; the field is marked invalid and described by it.
 */
export function QueryForm({ action, values, subnets, error }: { action: string; values: FlowQueryParams; subnets: string[]; error?: { param: string; messageId: string } }) {
  const invalid = (param: keyof FlowQueryParams) => (error?.param === param ? { errorElsewhere: error.messageId } : {});
  return (
    <form method="get" action={action} role="search" aria-label="Flow query" className="grid gap-3 sm:grid-cols-[1fr_1fr_8rem_8rem_auto] sm:items-end">
      <Field id="query-from" label="Source" labelClassName={LABEL} {...invalid("from")}>
        {(control) => <input {...control} name="from" list="query-sources" defaultValue={values.from ?? ""} required placeholder="vnet/subnet, NIC id, scale set id or IP" className={FIELD} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id="query-to" label="Destination" labelClassName={LABEL} {...invalid("to")}>
        {(control) => <input {...control} name="to" list="query-destinations" defaultValue={values.to ?? ""} required placeholder="vnet/subnet, IP, CIDR, service tag or FQDN" className={FIELD} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id="query-protocol" label="Protocol" labelClassName={LABEL} {...invalid("protocol")}>
        {(control) => (
          <select {...control} name="protocol" defaultValue={(values.protocol ?? "tcp").toLowerCase()} className={FIELD}>
            <option value="tcp">TCP</option>
            <option value="udp">UDP</option>
            <option value="icmp">ICMP</option>
            <option value="any">Any</option>
          </select>
        )}
      </Field>
      <Field id="query-port" label="Port" labelClassName={LABEL} {...invalid("port")}>
        {(control) => <input {...control} name="port" defaultValue={values.port ?? ""} placeholder="443 or 8000-8100" className={FIELD} autoComplete="off" inputMode="numeric" />}
      </Field>
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
