"use client";
// The estate a new scan is stored in (tenant, landing zone or lab), shared by the upload form and "Scan from
// Azure": a free-text name with the estates that already hold scans offered as suggestions. The browser checks
// the shape (lib/store/estates.ts ESTATE_NAME, simplified); the server's parseEstateName has the last word.
import { useId } from "react";
import { FIELD_INPUT } from "../ui/field";

export interface EstateFieldProps {
  value: string;
  onChange: (value: string) => void;
  /** Estates that already hold scans, offered in a datalist. */
  estates?: string[];
  /** The visible label's first words (default "Estate"); two fields on one page need distinct names. */
  label?: string;
  /** The form field name (multipart uploads read `estate`). */
  name?: string;
  disabled?: boolean;
  testId?: string;
}

export function EstateField({ value, onChange, estates = [], label = "Estate", name = "estate", disabled, testId }: EstateFieldProps) {
  const listId = useId();
  return (
    <label className="block max-w-md text-sm font-medium text-slate-900">
      {label} <span className="font-normal text-slate-500">(tenant, landing zone or lab; history and &ldquo;changed since&rdquo; are per estate)</span>
      <input
        type="text"
        name={name}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        maxLength={64}
        pattern="[A-Za-z0-9 _.\-]{1,64}"
        list={estates.length ? listId : undefined}
        disabled={disabled}
        data-testid={testId}
        className={FIELD_INPUT}
      />
      {estates.length ? (
        <datalist id={listId}>
          {estates.map((e) => (
            <option key={e} value={e} />
          ))}
        </datalist>
      ) : null}
    </label>
  );
}
