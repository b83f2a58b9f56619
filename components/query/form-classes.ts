// The flow query form's control and label classes, shared by the server form and its client protocol fields.

/** A compact text input or select of the flow query form. */
export const QUERY_FIELD = "mt-1 block w-full rounded-md border-0 px-2 py-1.5 font-mono text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 disabled:cursor-not-allowed disabled:bg-slate-50 disabled:text-slate-400";
/** The label above one of them. */
export const QUERY_LABEL = "block text-xs font-medium text-slate-700";
