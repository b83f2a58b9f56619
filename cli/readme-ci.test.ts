// The CI examples of the README ("CI gates") run the audit command with flags the CLI really accepts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./args";

const readme = readFileSync(path.resolve(__dirname, "..", "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## CI gates"), readme.indexOf("\n## ", readme.indexOf("## CI gates") + 1));
const yamlBlocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

/** Each `npm run --silent audit -- …` of a YAML block, its continuation lines (starting with `--`) joined, as argv. */
function auditCommands(yaml: string): string[][] {
  const commands: string[][] = [];
  const lines = yaml.split("\n").map((l) => l.trim());
  lines.forEach((line, i) => {
    const start = line.indexOf("npm run --silent audit -- ");
    if (start < 0) return;
    let text = line.slice(start + "npm run --silent audit -- ".length);
    for (let j = i + 1; j < lines.length && lines[j].startsWith("--"); j++) text += ` ${lines[j]}`;
    commands.push(text.replace(/\s*\|\|.*$/, "").split(/\s+/).filter(Boolean));
  });
  return commands;
}

describe("README CI examples", () => {
  it("has a GitHub Actions and an Azure Pipelines example that upload SARIF", () => {
    expect(yamlBlocks).toHaveLength(2);
    expect(yamlBlocks[0]).toContain("github/codeql-action/upload-sarif");
    expect(yamlBlocks[1]).toContain("CodeAnalysisLogs");
  });

  it("runs the audit with --fail-on, --baseline and --exemptions, each command valid for the CLI", () => {
    const commands = yamlBlocks.flatMap(auditCommands);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const argv of commands) {
      const opts = parseCliArgs(argv);
      expect(opts.baseline).toBe("lockdown/baseline.json");
      expect(opts.exemptions).toBe("lockdown/exemptions.json");
    }
    expect(commands.some((argv) => parseCliArgs(argv).failOn === "warn")).toBe(true);
    expect(commands.some((argv) => parseCliArgs(argv).format === "sarif")).toBe(true);
  });
});
