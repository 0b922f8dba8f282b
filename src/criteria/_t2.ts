import fs from "node:fs";
import { parseCriteria } from "./parse.js";
const seeds: Array<[string, string, string]> = [
  ["000_093a1d4c9d984e59.txt", "Inclusion criteria\n", "\n\nTrial design"],
  ["001_8da2837fc106f71e.txt", "Inclusion Criteria\n", "\n\nStudy & Design"],
  ["002_2a19d0d006134290.txt", "Inclusion Criteria\n", "\n18 Years"],
  ["003_8f970ab34bf76094.txt", "Inclusion Criteria\n", "\nMinimum Eligible Age"],
  ["004_f1fe85ef2dbf3c23.txt", "Inclusion Criteria:\n", "\n\nInformation from the National Library"],
];
for (const [f, a, b] of seeds) {
  const full = fs.readFileSync(new URL("../../../shared/seeds/" + f, import.meta.url), "utf8");
  const s = full.indexOf(a);
  const e = full.indexOf(b, s);
  const text = full.slice(s, e);
  const crits = parseCriteria(text, { numericOnly: true });
  const top = (k: string) => crits.filter((c) => c.depth === 0 && c.kind === k).length;
  console.log("=====", f, s, e, "incl", top("inclusion"), "excl", top("exclusion"), "unk", top("unknown"), "nested", crits.filter((c) => c.depth > 0).length);
  crits.forEach((c, i) => {
    if (process.argv[2]) console.log(i, c.kind, c.depth, c.parent, JSON.stringify(c.text.slice(0, 70)));
    for (const k of c.constraints) if (k.type === "numeric") console.log("   ", k.variable, JSON.stringify(k.mention), k.op, k.value, k.value2 ?? "", k.unit ?? "", k.relativeTo ?? "", k.qualifier ? JSON.stringify(k.qualifier) : "", JSON.stringify(text.slice(k.valueSpan[0], k.valueSpan[1])));
  });
}
