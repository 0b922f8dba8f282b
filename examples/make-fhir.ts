/**
 * Writes the FHIR R4 Bundle of every eligo vignette in examples/ to examples/fhir/.
 * Run after editing a vignette: npx tsx examples/make-fhir.ts
 * (test/match-examples.test.ts checks that the two stay the same patient.)
 */
import fs from "node:fs";
import { parsePatientInput } from "../src/match/input.js";
import { patientToFhir } from "../src/match/to-fhir.js";

const dir = new URL(".", import.meta.url);
fs.mkdirSync(new URL("fhir/", dir), { recursive: true });
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
  const patient = parsePatientInput(JSON.parse(fs.readFileSync(new URL(f, dir), "utf8")), f);
  const bundle = patientToFhir(patient, f.replace(/\.json$/, ""));
  fs.writeFileSync(new URL(`fhir/${f.replace(/\.json$/, ".fhir.json")}`, dir), JSON.stringify(bundle, null, 2) + "\n");
}
