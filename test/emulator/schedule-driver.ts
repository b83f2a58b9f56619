// Child-process entry for schedule.test.ts: a stand-in server process running only the scheduler (SCAN_SCHEDULE,
// WEBHOOK_URL, LOCKDOWN_DB from its environment), reading Azure through the emulator (NODE_EXTRA_CA_CERTS is set
// before Node starts). Runs until stopped.
import { startScheduler } from "../../lib/schedule/runner";
import { getStore } from "../../lib/store";

startScheduler(() => getStore(), process.env, (msg) => process.stderr.write(`${msg}\n`));
// The scheduler's timer is unref'd (it never holds a server open); this process exists only to run it.
setInterval(() => undefined, 1 << 30);
