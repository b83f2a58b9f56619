// Debian's Chromium, as every browser run here launches it: Playwright cannot download its own browser on
// these machines, and without the background-networking flags Chromium keeps dialling hosts it cannot reach.
export const CHROMIUM = {
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
};
