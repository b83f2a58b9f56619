import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSnapshot, parseJsonFile, parseServiceTags } from "@/lib/snapshot";
import { anchorVnet } from "./small-estate";

const read = (file: string) => parseJsonFile(file, readFileSync(file, "utf8"));
const SUBSET = "/work/shared/arm-examples/servicetags/ServiceTags_Public_20251028.subset.json";
const LIST = "/work/shared/arm-examples/specs/ServiceTagsList.json";

describe("parseServiceTags", () => {
  it("reads the weekly ServiceTags_Public download, keyed by lower-cased name", () => {
    const raw = read(SUBSET) as { values: { name: string; properties: { addressPrefixes: string[] } }[] };
    const tags = parseServiceTags("tags.json", raw);
    expect([...tags.keys()]).toEqual(raw.values.map((v) => v.name.toLowerCase()));
    const storage = tags.get("storage")!;
    expect(storage.name).toBe("Storage");
    expect(storage.region).toBeUndefined();
    expect(storage.addressPrefixes).toEqual(raw.values.find((v) => v.name === "Storage")!.properties.addressPrefixes);
    expect(storage.addressPrefixes.some((p) => p.includes(":"))).toBe(true);
    expect(tags.get("storage.westeurope")).toMatchObject({ name: "Storage.WestEurope", region: "westeurope" });
  });

  it("reads the ARM serviceTags.list response", () => {
    const tags = parseServiceTags("list.json", read(LIST));
    expect(tags.get("servicebus.eastus2")).toEqual({ name: "ServiceBus.EastUS2", region: "eastus2", addressPrefixes: ["13.68.110.36/32", "40.70.146.64/29"] });
    expect(tags.size).toBe(5);
  });

  it("leaves out an entry with no prefixes, so it neither holds no address nor wipes an earlier entry", () => {
    const tags = parseServiceTags("tags.json", { values: [
      { name: "Storage", properties: { addressPrefixes: ["1.0.0.0/8"] } },
      { name: "Storage", properties: { addressPrefixes: [] } },
      { name: "AzureActiveDirectory", properties: { addressPrefixes: [] } },
      { name: "AzureMonitor", properties: {} },
    ] });
    expect([...tags.keys()]).toEqual(["storage"]);
    expect(tags.get("storage")!.addressPrefixes).toEqual(["1.0.0.0/8"]);
  });

  it("lets --service-tags win over a saved snapshot's tags", () => {
    const saved = { resources: [anchorVnet], serviceTags: { values: [
      { name: "Storage", properties: { addressPrefixes: ["1.0.0.0/8"] } },
      { name: "AzureMonitor", properties: { addressPrefixes: ["2.0.0.0/8"] } },
    ] } };
    const snapshot = loadSnapshot([{ name: "saved.json", value: saved }], {
      serviceTags: { name: "tags.json", value: { values: [{ name: "storage", properties: { addressPrefixes: ["3.0.0.0/8"] } }] } },
    });
    expect(snapshot.serviceTags!.get("storage")!.addressPrefixes).toEqual(["3.0.0.0/8"]);
    expect(snapshot.serviceTags!.get("azuremonitor")!.addressPrefixes).toEqual(["2.0.0.0/8"]);
  });
});
