// The rule catalogue, in report order. Ids are fixed by CONTRACT §4.
import { ccEgressAad } from "./cc-egress-aad";
import { ccEgressArm } from "./cc-egress-arm";
import { ccEgressLockdown } from "./cc-egress-lockdown";
import { ccEgressMonitor } from "./cc-egress-monitor";
import { ccEgressStorage } from "./cc-egress-storage";
import { ccEgressPricing } from "./cc-egress-pricing";
import { ccEgressTelemetry } from "./cc-egress-telemetry";
import { ccGithubStaging } from "./cc-github-staging";
import { ccIngressAmqp } from "./cc-ingress-amqp";
import { ccIngressHttps } from "./cc-ingress-https";
import { ccSeStorage } from "./cc-se-storage";
import { netNsgAttached } from "./net-nsg-attached";
import { nodeEgressAmqp } from "./node-egress-amqp";
import { nodeEgressHttps } from "./node-egress-https";
import { nodeEgressStorage } from "./node-egress-storage";
import { nodePackages } from "./node-packages";
import { nodeSeStorage } from "./node-se-storage";
import { rpNodeHttps } from "./rp-node-https";
import { rpSsh } from "./rp-ssh";
import type { RuleCheck } from "./types";

export const RULES: readonly RuleCheck[] = [
  ccEgressStorage,
  ccEgressAad,
  ccEgressMonitor,
  ccEgressArm,
  ccEgressLockdown,
  ccSeStorage,
  ccIngressAmqp,
  ccIngressHttps,
  ccGithubStaging,
  ccEgressTelemetry,
  ccEgressPricing,
  nodeEgressAmqp,
  nodeEgressHttps,
  nodeEgressStorage,
  nodeSeStorage,
  nodePackages,
  rpSsh,
  rpNodeHttps,
  netNsgAttached,
];
