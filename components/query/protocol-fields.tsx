"use client";
// The flow query's protocol and, above TCP, its application protocol (`app`): an Azure Firewall application rule meets
// only the protocol type it names on each port, so saying "HTTPS" or "other (AMQP, SSH)" can change the answer.
// The second select means nothing for UDP, ICMP or any, so it is disabled then: a disabled control is not submitted,
// and the URL never asks for what the engine refuses. Once hydrated, "not known" is not submitted either, so the URL
// stays `from=…&to=…&protocol=…&port=…` unless an application protocol is chosen. Server-rendered in the state the URL
// gives; without JavaScript both are submitted as they stand (a blank `app` counts as not given), and a change of
// protocol is still judged by the server (an `app` on udp is named in the page's alert).
// https://learn.microsoft.com/azure/firewall/rule-processing
import { type ReactNode, useState, useSyncExternalStore } from "react";
import { Field } from "../ui/field";
import { QUERY_FIELD, QUERY_LABEL } from "./form-classes";

/** The application protocols offered, `""` (not known: the engine's own guess) first. */
export const APP_OPTIONS: readonly { value: string; label: string }[] = [
  { value: "", label: "not known" },
  { value: "https", label: "HTTPS" },
  { value: "http", label: "HTTP" },
  { value: "other", label: "other (AMQP, SSH, …)" },
];

export interface ProtocolFieldsProps {
  /** As the URL gives them (any case); protocol defaults to tcp. */
  protocol?: string;
  app?: string;
  /** The parameter the page's alert is about (`protocol`, `app`, …) and the alert's id: that field is marked invalid. */
  error?: { param: string; messageId: string };
  /** Rendered between the protocol and the application protocol (the port field, which the form asks in between). */
  children?: ReactNode;
}

const noSubscription = () => () => {};

/** The protocol select, `children`, then the application protocol select, enabled only while the protocol is TCP. */
export function ProtocolFields({ protocol, app, error, children }: ProtocolFieldsProps) {
  const [current, setCurrent] = useState((protocol ?? "tcp").toLowerCase());
  const [chosen, setChosen] = useState(APP_OPTIONS.find((o) => o.value === app?.toLowerCase())?.value ?? "");
  // False on the server and in the first render of hydration, true after: the server's markup always names the field.
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  const invalid = (param: string) => (error?.param === param ? { errorElsewhere: error.messageId } : {});
  const tcp = current === "tcp";
  return (
    <>
      <Field id="query-protocol" label="Protocol" labelClassName={QUERY_LABEL} {...invalid("protocol")}>
        {(control) => (
          <select {...control} name="protocol" value={current} onChange={(e) => setCurrent(e.target.value)} className={QUERY_FIELD}>
            <option value="tcp">TCP</option>
            <option value="udp">UDP</option>
            <option value="icmp">ICMP</option>
            <option value="any">Any</option>
          </select>
        )}
      </Field>
      {children}
      <Field id="query-app" label="Application protocol" labelClassName={QUERY_LABEL} {...invalid("app")}>
        {(control) => (
          <select {...control} {...(chosen || !hydrated ? { name: "app" } : {})} value={chosen} onChange={(e) => setChosen(e.target.value)} disabled={!tcp} title={tcp ? undefined : "Only for TCP"} className={QUERY_FIELD}>
            {APP_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  );
}
