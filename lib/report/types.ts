// The report of CONTRACT §3. Every renderer (json, csv, sarif, md, pdf), the CLI and the web app read this one model.
import type { Access, Direction, Role } from "../model/types";

export type FindingStatus = "pass" | "warn" | "fail" | "info";
export type SubnetStatus = "pass" | "warn" | "fail" | "unscoped";
export type FixKind = "az-cli" | "bicep" | "terraform" | "portal";

export interface Evidence {
  nsg: string;
  rule: string;
  priority: number;
  access: Access;
  direction: Direction;
  /** Extension: which NSG level decided (`nic` or `subnet`), the NIC when NIC-level, and whether a default rule decided. */
  level?: "nic" | "subnet";
  nic?: string;
  isDefault?: boolean;
}

export interface Fix {
  kind: FixKind;
  text: string;
}

export interface Finding {
  rule: string;
  status: FindingStatus;
  title: string;
  detail: string;
  evidence: Evidence[];
  fixes: Fix[];
  link: string;
  /** Extension: stable id of (subnet, rule), used by share links. */
  id?: string;
  /** Extension: the seed sentence this rule enforces. */
  requirement?: string;
  severity?: "high" | "medium" | "low";
}

export interface SubnetReport {
  id: string;
  name: string;
  vnet: string;
  role: Role | null;
  status: SubnetStatus;
  findings: Finding[];
  /** Extensions. */
  subscriptionId?: string;
  resourceGroup?: string;
  addressPrefixes?: string[];
  nsg?: string | null;
  routeTable?: string | null;
  serviceEndpoints?: string[];
  nics?: { id: string; name: string; nsg: string | null }[];
}

export interface ReadError {
  subscription: string;
  operation: string;
  code: string;
  message: string;
}

export interface Report {
  generatedAt: string;
  summary: { subnets: number; pass: number; warn: number; fail: number; unscoped: number };
  subnets: SubnetReport[];
  errors?: ReadError[];
  /** Extension: when the estate was read, and from where. */
  capturedAt?: string;
  sources?: string[];
}
