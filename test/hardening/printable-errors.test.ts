// An input error is one printable line (CONTRACT §2): names and values quoted from a file cannot add a line (a forged
// "error: all inputs OK") or reorder the line on a terminal (U+202E), wherever the message is built.
import { describe, expect, it } from "vitest";
import { InputError, printable } from "@/lib/errors";
import { loadSnapshot } from "@/lib/snapshot";
import { inputErrorMessage as messageOf } from "../helpers/input-error";
import { anchorVnet, ccNsg } from "../snapshot/small-estate";

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe("printable", () => {
  it("escapes control characters, bidi controls and line separators, and leaves other text alone", () => {
    expect(printable("a\nb\r\tc")).toBe("a\\nb\\r\\tc");
    expect(printable("x\u0000\u001b[31m\u007f\u0085")).toBe("x\\u0000\\u001b[31m\\u007f\\u0085");
    expect(printable("\u202eevil\u202c \u2066\u2069 \u200e\u200f\u061c \u2028\u2029")).toBe("\\u202eevil\\u202c \\u2066\\u2069 \\u200e\\u200f\\u061c \\u2028\\u2029");
    expect(printable("nsg-gpu: Prüfung 10.0.0.0/8 «é» 日本 🙂")).toBe("nsg-gpu: Prüfung 10.0.0.0/8 «é» 日本 🙂");
  });
});

describe("InputError", () => {
  it("keeps its message on one printable line, and its parts as given", () => {
    const e = new InputError("we\nird.json", "[0].name", "rule \"evil\nerror: all inputs OK\u202e\" is bad");
    expect(e.message).toBe('we\\nird.json: [0].name: rule "evil\\nerror: all inputs OK\\u202e" is bad');
    expect(e.detail).toBe("rule \"evil\nerror: all inputs OK\u202e\" is bad");
    expect(e.file).toBe("we\nird.json");
  });

  it("names a rule whose name holds a newline and U+202E on one line (an NSG's duplicate priority)", () => {
    const nsg = clone(ccNsg) as { properties: { securityRules: { name: string }[] } };
    const copy = clone(nsg.properties.securityRules[0]);
    copy.name = "evil\nerror: all inputs OK\u202e";
    nsg.properties.securityRules.push(copy);
    const message = messageOf(() => loadSnapshot([{ name: "nsgs.json", value: [anchorVnet, nsg] }]));
    expect(message).toContain('and "evil\\nerror: all inputs OK\\u202e" both have Outbound priority');
    expect(message).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
  });
});
