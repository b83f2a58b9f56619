import type { FindingStatus } from "../report/types";

/** How bad a status is; `info` never raises a subnet's status (CONTRACT §3). */
// `exempt` (accepted risk, CONTRACT §2) ranks with pass: an exempt finding never raises its subnet.
const RANK: Record<FindingStatus, number> = { pass: 0, info: 0, exempt: 0, warn: 1, fail: 2 };
export const statusRank = (s: FindingStatus) => RANK[s];
