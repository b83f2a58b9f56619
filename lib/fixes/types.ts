// A fix is planned as data (what to change in the estate), verified by applying it to a copy of the
// snapshot and re-running the audit, and only then rendered as az CLI / Bicep / Terraform / portal text.
import type { SecurityRule } from "../model/types";

export type Change =
  | { kind: "add-rule"; nsgKey: string; rule: SecurityRule }
  | { kind: "add-service-endpoint"; subnetKey: string; service: string }
  | { kind: "attach-new-nsg"; subnetKey: string; nsgName: string; rules: SecurityRule[] };

export interface FixPlan {
  summary: string;
  changes: Change[];
}
