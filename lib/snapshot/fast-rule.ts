// Security rules are most of a large estate (5,000 NSGs x 50 rules in the benchmark), and zod's
// per-field bookkeeping costs several times JSON.parse there. This check accepts exactly what
// customRuleProps/defaultRuleProps accept (a property test holds the two together), without
// allocating; when it says no, the reader asks zod, which finds and words the error.
import * as leaves from "./schemas";
import { isObject, type JsonObject } from "./validate";

const CUSTOM = leaves.isPriority(100, 4096);
const DEFAULT = leaves.isPriority(65000, 65500);
// Bound once: this runs 250,000 times per large load, and module bindings compiled to CommonJS
// (tsx, the CLI) are property getters on every call.
const { isAccess, isDirection, isOptionalAddressPrefix, isOptionalPortRange, isProtocol, isResourceId, missingRuleField } = leaves;

function optionalList(value: unknown, ok: (item: unknown) => boolean): boolean {
  if (value === undefined || value === null) return true;
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!ok(value[i])) return false;
  return true;
}

const isRef = (item: unknown) => isObject(item) && isResourceId(item.id);

export function isValidRuleProps(p: JsonObject, isDefault: boolean): boolean {
  return (
    (isDefault ? DEFAULT : CUSTOM)(p.priority) &&
    isDirection(p.direction) &&
    isAccess(p.access) &&
    isProtocol(p.protocol) &&
    isOptionalAddressPrefix(p.sourceAddressPrefix) &&
    isOptionalAddressPrefix(p.destinationAddressPrefix) &&
    isOptionalPortRange(p.sourcePortRange) &&
    isOptionalPortRange(p.destinationPortRange) &&
    optionalList(p.sourceAddressPrefixes, isOptionalAddressPrefix) &&
    optionalList(p.destinationAddressPrefixes, isOptionalAddressPrefix) &&
    optionalList(p.sourcePortRanges, isOptionalPortRange) &&
    optionalList(p.destinationPortRanges, isOptionalPortRange) &&
    optionalList(p.sourceApplicationSecurityGroups, isRef) &&
    optionalList(p.destinationApplicationSecurityGroups, isRef) &&
    missingRuleField(p) === undefined
  );
}
