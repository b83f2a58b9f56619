"use client";
// The "and N more" of a list, as a button that shows the rest in place (and folds it again). Items are rendered by
// the server; only the first `max` show until the button is pressed. Lists longer than the items passed (`total`)
// say how many stay in the exports, so a page never ships tens of thousands of rows.
import { useState, type ReactNode } from "react";

export function ExpandableItems({ items, max, total = items.length, noun = "", moreClassName = "", testId }: {
  /** `<li>` elements with keys. */
  items: ReactNode[];
  max: number;
  /** How many the full list holds, when `items` was cut short. */
  total?: number;
  /** Words after "and N more", e.g. " NICs". */
  noun?: string;
  moreClassName?: string;
  testId?: string;
}) {
  const [all, setAll] = useState(false);
  if (total <= max) return <>{items}</>;
  const notSent = total - items.length;
  return (
    <>
      {all ? items : items.slice(0, max)}
      {all && notSent > 0 ? <li className={moreClassName}>and {notSent} more (every export lists them all)</li> : null}
      <li className={moreClassName}>
        <button
          type="button"
          aria-expanded={all}
          data-testid={testId}
          onClick={() => setAll((v) => !v)}
          className="font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {all ? "Show fewer" : `and ${total - max} more${noun}`}
        </button>
      </li>
    </>
  );
}
