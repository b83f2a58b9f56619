// 400s of the API that once said what was wrong without naming where, as `{error, file, path}` (README "HTTP API":
// bad input is 400 naming the file and field on every route): POST /api/scans bodies that are empty, no object, an
// unreadable form, a form without snapshot files, text where a file goes, a file as the estate; POST
// /api/estates/<e>/exemptions with a body that is no object. Each is run through the routes' own handleError.
import { describe, expect, it } from "vitest";
import { handleError } from "@/app/api/_lib/http";
import { scanInputFromBody } from "@/app/api/_lib/scan-input";
import { vnetSource } from "@/lib/store/__fixtures__/estate";
import { tempStoreForFile } from "../helpers/temp-store";

const temp = tempStoreForFile("bad-request-names");

interface Answer {
  status: number;
  body: { error: string; file?: string; path?: string };
}

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

/** What POST /api/scans answers for this body: the parse runs as in the worker, its error as the route maps it. */
async function upload(contentType: string, bytes: Uint8Array): Promise<Answer> {
  const e = await scanInputFromBody(contentType, bytes, () => Promise.resolve(temp.store)).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, "the body was accepted").toBeDefined();
  return answerOf(handleError(e, "test"));
}

async function multipart(form: FormData): Promise<[string, Uint8Array]> {
  const res = new Response(form);
  return [res.headers.get("content-type")!, new Uint8Array(await res.arrayBuffer())];
}

function expectNamed(answer: Answer, file: string, field: string | undefined, message: RegExp) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.file).toBe(file);
  expect(answer.body.path).toBe(field);
  expect(answer.body.error).toMatch(message);
  // The message says it too, in the `file: path: what` form of every other 400.
  expect(answer.body.error.startsWith(field ? `${file}: ${field}: ` : `${file}: `)).toBe(true);
}

const text = (s: string) => new TextEncoder().encode(s);

describe("POST /api/scans: 400s name the file and, where there is one, the field", () => {
  it("an empty body and a JSON body that is no object name the request body", async () => {
    expectNamed(await upload("application/json", new Uint8Array()), "request body", undefined, /empty/);
    for (const body of ["[]", '"x"', "42", "null"]) expectNamed(await upload("application/json", text(body)), "request body", undefined, /expected an object/);
  });

  it("a multipart body that does not parse names the request body", async () => {
    expectNamed(await upload("multipart/form-data; boundary=nope", text("not a form")), "request body", undefined, /not a readable multipart form/);
  });

  it("a form without snapshot files names the `snapshot` field", async () => {
    const form = new FormData();
    form.append("estate", "lab");
    expectNamed(await upload(...(await multipart(form))), "form", "snapshot", /add at least one snapshot file/);
  });

  it("text where a file goes names the field and its index", async () => {
    const form = new FormData();
    form.append("snapshot", new File([JSON.stringify(vnetSource().value)], "vnet.json"));
    form.append("snapshot", "not a file");
    expectNamed(await upload(...(await multipart(form))), "form", "snapshot[1]", /expected a file/);
  });

  it("a profile key given twice is refused, in an uploaded profile file and in a JSON body's profile (JSON.parse would drop one)", async () => {
    const form = new FormData();
    form.append("snapshot", new File([JSON.stringify(vnetSource().value)], "vnet.json"));
    form.append("profile", new File(['{"roles": {"cyclecloud": ["a/b"]}, "roles": {"cluster": ["a/c"]}}'], "profile.json"));
    expectNamed(await upload(...(await multipart(form))), "profile.json", "roles", /given twice/);
    const body = `{"snapshot": ${JSON.stringify(vnetSource().value)}, "profile": {"roles": {"cluster": [], "cluster": ["a/c"]}}}`;
    expectNamed(await upload("application/json", text(body)), "request body", "profile.roles.cluster", /given twice/);
    // A repeated key inside the snapshot first does not hide the profile's (review), and a second snapshot is refused.
    const earlier = `{"snapshot": {"value": [], "value": ${JSON.stringify(vnetSource().value)}}, "profile": {"roles": {"cluster": [], "cluster": ["a/c"]}}}`;
    expectNamed(await upload("application/json", text(earlier)), "request body", "profile.roles.cluster", /given twice/);
    const twoSnapshots = `{"snapshot": ${JSON.stringify(vnetSource().value)}, "snapshot": ${JSON.stringify(vnetSource().value)}}`;
    expectNamed(await upload("application/json", text(twoSnapshots)), "request body", "snapshot", /given twice/);
  });

  it("a file sent as the estate names the `estate` field", async () => {
    const form = new FormData();
    form.append("snapshot", new File([JSON.stringify(vnetSource().value)], "vnet.json"));
    form.append("estate", new File(["lab"], "estate.txt"));
    expectNamed(await upload(...(await multipart(form))), "form", "estate", /expected text, not a file/);
  });
});

describe("POST /api/estates/<e>/exemptions: a body that is no object names the request body", () => {
  it("an array or a string", async () => {
    const { POST } = await import("@/app/api/estates/[estate]/exemptions/route");
    for (const body of ["[]", '"x"']) {
      const res = await POST(new Request("http://localhost/api/estates/lab/exemptions", { method: "POST", headers: { "content-type": "application/json" }, body }), {
        params: Promise.resolve({ estate: "lab" }),
      });
      expectNamed(await answerOf(res), "request body", undefined, /expected one exemption/);
    }
  });
});
