import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { boundingBox, countryCode, countryNames, distanceKm, geocodeCity, resolveNear } from "./search-geo.js";

test("great-circle distances", () => {
  // London – Paris is about 344 km; a point to itself is 0.
  const d = distanceKm(51.5074, -0.1278, 48.8566, 2.3522);
  assert.ok(Math.abs(d - 344) < 3, `${d}`);
  assert.equal(distanceKm(10, 20, 10, 20), 0);
});

test("country names, registry spellings and ISO codes resolve to one code", () => {
  for (const n of ["Germany", "germany", "DE", "de"]) assert.equal(countryCode(n), "DE");
  for (const n of ["Korea, Republic of", "South Korea", "KR"]) assert.equal(countryCode(n), "KR");
  assert.equal(countryCode("UK"), "GB");
  assert.equal(countryCode("United Kingdom"), "GB");
  assert.equal(countryCode("France"), "FR");
  assert.equal(countryCode("Russian Federation"), "RU");
  assert.equal(countryCode("Atlantis Republic"), undefined);
  assert.ok(countryNames("US").includes("United States"));
});

test("geocoding sites by city and country", () => {
  const hz = geocodeCity("Hangzhou", "China");
  assert.ok(hz && Math.abs(hz.lat - 30.29) < 0.1 && Math.abs(hz.lon - 120.16) < 0.1);
  assert.equal(geocodeCity("Paris", "France")?.countryCode, "FR");
  assert.equal(geocodeCity("Paris", "United States")?.countryCode, "US");
  assert.equal(geocodeCity("Besancon Cedex", "France")?.name, "Besançon");
  assert.equal(geocodeCity("New York", "United States")?.name, "New York City");
  assert.equal(geocodeCity("Charlotte, NC 28207", "United States")?.name, "Charlotte");
  assert.equal(geocodeCity("Nowhereville Xyz", "France"), undefined);
  assert.equal(geocodeCity("Paris", "Narnia"), undefined);
});

test("near: coordinates, city, city + country; errors name the reason", () => {
  assert.deepEqual(resolveNear("30.5, 114.3"), { lat: 30.5, lon: 114.3 });
  assert.equal(resolveNear("Guangzhou").place?.countryCode, "CN");
  assert.equal(resolveNear("Paris, US").place?.countryCode, "US");
  assert.throws(() => resolveNear("91,0"), /latitude 91/);
  assert.throws(() => resolveNear("0,181"), /longitude 181/);
  assert.throws(() => resolveNear("Paris, Narnia"), /unknown country 'Narnia'/);
  assert.throws(() => resolveNear("Qwxzv"), /unknown place 'Qwxzv'/);
  assert.throws(() => resolveNear(",,,"), /expected 'lat,lon'/);
});

test("property: every point within the radius lies inside the bounding box", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -89, max: 89, noNaN: true }),
      fc.double({ min: -179, max: 179, noNaN: true }),
      fc.double({ min: 1, max: 2000, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 360, noNaN: true }),
      (lat, lon, r, frac, bearingDeg) => {
        // A point at distance frac*r along a bearing (spherical destination formula).
        const R = 6371.0088;
        const d = (frac * r * 0.999) / R;
        const b = (bearingDeg * Math.PI) / 180;
        const φ1 = (lat * Math.PI) / 180;
        const λ1 = (lon * Math.PI) / 180;
        const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(b));
        const λ2 = λ1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2));
        const plat = (φ2 * 180) / Math.PI;
        let plon = (λ2 * 180) / Math.PI;
        plon = ((plon + 540) % 360) - 180;
        const box = boundingBox(lat, lon, r);
        assert.ok(distanceKm(lat, lon, plat, plon) <= r);
        assert.ok(plat >= box.minLat && plat <= box.maxLat, `lat ${plat} outside ${JSON.stringify(box)}`);
        assert.ok(plon >= box.minLon && plon <= box.maxLon, `lon ${plon} outside ${JSON.stringify(box)}`);
      },
    ),
    { numRuns: 1000 },
  );
});
