import { describe, expect, it } from "vitest";
import { readingText } from "./live-scan-panel";

describe("the live read's progress words", () => {
  it("say what the read is doing, including after the last subscription, while effective routes and service tags are asked for", () => {
    expect(readingText(0, 0)).toBe("Signing in and listing subscriptions…");
    expect(readingText(1, 4)).toBe("1 of 4 subscriptions read");
    expect(readingText(4, 4)).toBe("4 of 4 subscriptions read; asking for effective route tables and service tags…");
    expect(readingText(1, 1)).toBe("1 of 1 subscription read; asking for effective route tables and service tags…");
  });
});
