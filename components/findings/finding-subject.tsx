// "NODE-EGRESS-AMQP on vnet/subnet", the subnet linking to its page at that finding: both finding views say this.
import Link from "next/link";
import type { SubnetReport } from "@/lib/report/types";
import { subnetHref } from "../links";
import { SubnetRef } from "../ui/azure-name";

export function FindingSubject({ scanId, subnet, rule }: { scanId: string; subnet: SubnetReport; rule: string }) {
  return (
    <>
      {rule} on{" "}
      <Link href={subnetHref(scanId, subnet.id, rule)} className="font-medium text-indigo-700 hover:underline">
        <SubnetRef vnet={subnet.vnet} name={subnet.name} />
      </Link>
    </>
  );
}
