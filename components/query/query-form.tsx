// The flow query's form: a plain GET form, so the question lives in the URL (linkable, survives a reload) and works
// without client JavaScript (the protocol fields, ProtocolFields, only add tying the application protocol to TCP).
// Source and destination suggest the scan's subnets and the CycleCloud page's services.
import type { FlowQueryParams } from "@/lib/path/query-params";
import { BUTTON_PRIMARY } from "../ui/button";
import { Field } from "../ui/field";
import { QUERY_FIELD as FIELD, QUERY_LABEL as LABEL } from "./form-classes";
import { ProtocolFields } from "./protocol-fields";

/** Destinations the CycleCloud locked-down page names, offered beside the scan's subnets. */
const SERVICE_SUGGESTIONS = ["management.azure.com", "login.microsoftonline.com", "AzureResourceManager", "AzureActiveDirectory", "AzureMonitor", "Storage", "Internet", "github.com"];

/**
 * `error`: the parameter the page's error message is about (`from`, `to`, `protocol`, `port`, `app`) and that message's
 * element id; the field is marked invalid and described by it. The application protocol is offered only for TCP
 * (ProtocolFields).
 */
export function QueryForm({ action, values, subnets, error }: { action: string; values: FlowQueryParams; subnets: string[]; error?: { param: string; messageId: string } }) {
  const invalid = (param: keyof FlowQueryParams) => (error?.param === param ? { errorElsewhere: error.messageId } : {});
  return (
    <form method="get" action={action} role="search" aria-label="Flow query" className="grid gap-3 sm:grid-cols-[1fr_1fr_7rem_8rem_11rem_auto] sm:items-end">
      <Field id="query-from" label="Source" labelClassName={LABEL} {...invalid("from")}>
        {(control) => <input {...control} name="from" list="query-sources" defaultValue={values.from ?? ""} required placeholder="vnet/subnet, NIC id, scale set id or IP" className={FIELD} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field id="query-to" label="Destination" labelClassName={LABEL} {...invalid("to")}>
        {(control) => <input {...control} name="to" list="query-destinations" defaultValue={values.to ?? ""} required placeholder="vnet/subnet, IP, CIDR, service tag or FQDN" className={FIELD} autoComplete="off" spellCheck={false} />}
      </Field>
      <ProtocolFields {...(values.protocol ? { protocol: values.protocol } : {})} {...(values.app ? { app: values.app } : {})} {...(error ? { error } : {})}>
        <Field id="query-port" label="Port" labelClassName={LABEL} {...invalid("port")}>
          {(control) => <input {...control} name="port" defaultValue={values.port ?? ""} placeholder="443 or 8000-8100" className={FIELD} autoComplete="off" inputMode="numeric" />}
        </Field>
      </ProtocolFields>
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
