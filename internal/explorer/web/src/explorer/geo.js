// The bundled world outline (Natural Earth 1:110m via world-atlas) and what
// the views need from it: a projection, country shapes and centroids.
import { feature } from 'topojson-client';
import { geoCentroid, geoNaturalEarth1 } from 'd3-geo';
import world from 'world-atlas/countries-110m.json';

let cache;

// countries returns the GeoJSON features of the world's countries, keyed by
// their ISO 3166-1 numeric code (which M49 uses too).
export function countries() {
  if (!cache) {
    const fc = feature(world, world.objects.countries);
    const byCode = new Map();
    for (const f of fc.features) if (f.id) byCode.set(String(f.id).padStart(3, '0'), f);
    cache = { fc, byCode, centroids: new Map() };
  }
  return cache;
}

// centroid returns [lon, lat] of a country by M49 code, or null when the
// outline at this scale leaves it out (small islands, city states).
export function centroid(m49) {
  const c = countries();
  if (c.centroids.has(m49)) return c.centroids.get(m49);
  const f = c.byCode.get(m49);
  const v = f ? geoCentroid(f) : null;
  c.centroids.set(m49, v);
  return v;
}

// projection is the projection both views share.
export function projection() {
  return geoNaturalEarth1();
}
