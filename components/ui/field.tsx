// One form field: a label tied to its control, an optional hint and error under it, and the control told which of
// them describe it (`aria-describedby`) and whether it is invalid (`aria-invalid`), so screen readers announce both.
// No state and no hooks: server forms (the flow query) and client forms (accept risk, upload) share it.
import type { ReactNode } from "react";

/** The label of a stacked form field (upload, accept risk). */
export const FIELD_LABEL = "block text-sm font-medium text-slate-900";
/** The text input or date input of a stacked form field. */
export const FIELD_INPUT = "mt-1 block w-full rounded-md border border-slate-300 px-2.5 py-1.5 text-sm font-normal text-slate-900 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-500/30";

/** What the field hands its control: spread it onto the `<input>`, `<select>` or `<textarea>`. */
export interface FieldControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: true;
}

export interface FieldProps {
  /** The control's id; the label's `htmlFor`, and the hint's and error's ids (`<id>-hint`, `<id>-error`) derive from it. */
  id: string;
  label: ReactNode;
  /** Help shown under the control. */
  hint?: ReactNode;
  /** What is wrong with the value, shown under the control; marks the control invalid. */
  error?: ReactNode;
  /**
   * The id of a message about this field shown elsewhere (a form-level alert): marks the control invalid and
   * describes it by that message, without drawing a second one.
   */
  errorElsewhere?: string;
  /** The wrapper's classes (width, grid placement). */
  className?: string;
  labelClassName?: string;
  children: (control: FieldControlProps) => ReactNode;
}

/** A label, the control `children` renders with the props it is given, then the hint and the error, if any. */
export function Field({ id, label, hint, error, errorElsewhere, className, labelClassName = FIELD_LABEL, children }: FieldProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : errorElsewhere;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClassName}>
        {label}
      </label>
      {children({ id, ...(describedBy ? { "aria-describedby": describedBy } : {}), ...(errorId ? { "aria-invalid": true } : {}) })}
      {hint ? (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} role="alert" className="mt-1 text-xs font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
