// Button looks as class strings, so links and buttons share them.
export const BUTTON =
  "inline-flex items-center justify-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-50";
export const BUTTON_PRIMARY = `${BUTTON} bg-slate-900 text-white hover:bg-slate-700`;
export const BUTTON_SECONDARY = `${BUTTON} bg-white text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50`;
export const BUTTON_SMALL = "inline-flex items-center gap-1 rounded px-2 py-1 text-xs font-medium ring-1 ring-inset ring-slate-300 bg-white text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-600";
export const LINK = "font-medium text-indigo-700 hover:text-indigo-900 hover:underline";
