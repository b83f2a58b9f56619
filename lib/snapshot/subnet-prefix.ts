// A subnet the input gives no address prefix holds no address: every flow from or to it would match nothing and
// every check on it would pass vacuously ("allowed by ."). Such a subnet may stay in the estate, unscoped and listed
// in the gaps, but it can play no role and be no end of a query.
import { InputError } from "@/lib/errors";
import type { Subnet } from "@/lib/model/types";

const WHERE = "no addressPrefix, addressPrefixes or ipamPoolPrefixAllocations[].allocatedAddressPrefixes";

/**
 * Throws an InputError naming the snapshot file and the subnet's JSON path when the subnet has no address prefix,
 * `use` saying why it matters (`the profile gives it role cluster`, `--from names it`). CLI exit 2, HTTP 400.
 */
export function assertSubnetHasPrefix(subnet: Subnet, use: string): void {
  const at = subnet.missingPrefixAt;
  if (!at) return;
  throw new InputError(at.file, at.path, `missing: subnet ${subnet.vnetName}/${subnet.name} has ${WHERE}, and ${use}`);
}

/** The gap line for a subnet without a prefix that nothing asks about: it is left out of every check. */
export const NO_PREFIX_HINT = `${WHERE}: the subnet holds no address and is left out of every check; export it with \`az network vnet list\` once it has one`;
