// The bridge between zod and the one-line InputError users see:
// `nsg.json: [3].properties.securityRules[0].priority: expected 100-4096, got "x"`.
import type { z } from "zod";
import { InputError, formatJsonPath } from "@/lib/errors";
import { expectedMessage } from "./describe-value";

export type JsonPath = (string | number)[];
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function inputError(file: string, at: JsonPath, detail: string): InputError {
  return new InputError(file, formatJsonPath(at), detail);
}

/** Parses `value` (found at `at` in `file`) or throws the first problem as an InputError. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, file: string, at: JsonPath): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Re-run only on failure to get the offending input into the issue for the message.
  const issue = (schema.safeParse(value, { reportInput: true }).error ?? result.error).issues[0];
  // A strict object's unknown key is named in the path, so the line points at the typo.
  if (issue.code === "unrecognized_keys") throw inputError(file, [...at, ...(issue.path as JsonPath), issue.keys[0]], "not a known setting");
  const detail =
    issue.code === "invalid_type" ? expectedMessage(issue.expected, (issue as { input?: unknown }).input) : issue.message;
  throw inputError(file, [...at, ...(issue.path as JsonPath)], detail);
}

/**
 * A resource or sub-resource in either form: ARM REST keeps its fields under `properties`,
 * `az` and the SDKs print them at the top level. `props` is where the fields are, `propsAt` its path.
 */
export interface ArmNode {
  raw: JsonObject;
  props: JsonObject;
  propsAt: JsonPath;
}

export function readNode(value: unknown, file: string, at: JsonPath): ArmNode {
  if (!isObject(value)) throw inputError(file, at, expectedMessage("object", value));
  const properties = value.properties;
  if (properties === undefined || properties === null) return { raw: value, props: value, propsAt: at };
  if (!isObject(properties)) throw inputError(file, [...at, "properties"], expectedMessage("object", properties));
  return { raw: value, props: properties, propsAt: [...at, "properties"] };
}

/** A sub-resource's `name`, which sits at the top level in both forms. */
export function nodeName(node: ArmNode, file: string, at: JsonPath, fallback?: string): string {
  const name = node.raw.name;
  if (typeof name === "string") return name;
  if ((name === undefined || name === null) && fallback !== undefined) return fallback;
  throw inputError(file, [...at, "name"], expectedMessage("string", name));
}

/**
 * A list field every listing of the resource prints (`az ... list`, the REST GET, Resource Graph), `[]` when empty:
 * an NSG's `securityRules`, a route table's `routes`, a VNet's `subnets`, a rule collection group's `ruleCollections`.
 * Absent or null, the file was truncated or edited, and reading it as empty would judge a resource without the rules
 * or routes it has (an NSG with only its default rules lets a flow through that its own rules deny). Call after the
 * node's schema has checked the field's type. `listing` names the command that prints it, for the message.
 * @throws InputError at the field, or at `properties` when that is null (where the field would be).
 */
export function requireListed(node: ArmNode, field: string, file: string, listing: string): void {
  const value = node.props[field];
  if (value !== undefined && value !== null) return;
  const why = `${listing} always prints ${field} (an array, [] when there are none); a file without it was truncated or edited`;
  if (node.raw.properties === null) throw inputError(file, [...node.propsAt, "properties"], `expected an object holding ${field}, got null: ${why}`);
  throw inputError(file, [...node.propsAt, field], value === null ? `expected an array, got null: ${why}` : `missing: ${why}`);
}
