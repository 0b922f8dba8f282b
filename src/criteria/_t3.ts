import fs from "node:fs";
import { parseCriteria } from "./parse.js";
const full = fs.readFileSync(new URL("../../../shared/seeds/000_093a1d4c9d984e59.txt", import.meta.url), "utf8");
const s = full.indexOf("Inclusion criteria\n"); const e = full.indexOf("\n\nTrial design", s);
const crits = parseCriteria(full.slice(s, e), { numericOnly: true });
for (const c of crits) if (c.logic) console.log(JSON.stringify(c.logic), c.constraints.map((k: any) => k.variable).join(","));
