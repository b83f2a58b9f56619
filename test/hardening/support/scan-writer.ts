// Child of kill-during-write.test.ts: writes scans through the store in a loop until killed, printing
// `wrote <id>` after each commit. Each scan stores a large estate (several MB), so most of the time
// is spent inside the write transaction, where a SIGKILL hurts most.
import { Store } from "@/lib/store";
import { generateEstate } from "../../snapshot/generate-estate";

const file = process.env.LOCKDOWN_DB;
if (!file) throw new Error("LOCKDOWN_DB is required");
const resources = generateEstate({ vnets: 4, subnets: 240, nsgs: 120, rulesPerNsg: 40, nics: 240 });
const profile = { name: "profile.json", value: { roles: { cyclecloud: ["vnet-0/subnet-0"], cluster: ["vnet-0/subnet-1", "vnet-1/subnet-2"] } } };

void (async () => {
  const store = await Store.open(file);
  for (let i = 0; ; i++) {
    // A distinct capturedAt makes every snapshot new, so each scan writes its own large row.
    const capturedAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    const scan = await store.createScan({ sources: [{ name: "estate.json", value: { resources, capturedAt } }], profile, label: `writer ${i}`, origin: "cli" });
    process.stdout.write(`wrote ${scan.id}\n`);
  }
})();
