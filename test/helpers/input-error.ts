// Bad input is one InputError with one line naming the file and field (CONTRACT: exit 2 / HTTP 400, never a stack).
import { expect } from "vitest";
import { InputError } from "../../lib/errors";

/** The message of the InputError `run` throws; the test fails if it throws anything else, nothing, or several lines. */
export function inputErrorMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected an InputError");
}
