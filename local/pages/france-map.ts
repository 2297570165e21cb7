/**
 * The sourcing decision on a map of metropolitan France: the outline from world-atlas (Natural
 * Earth, 1:50m) through topojson-client, projected by d3-geo; the network's locations, the ones
 * chosen, the ones excluded (with their rule), the next-best plan and the destination.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { geoConicConformal, geoPath } from 'd3-geo';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { escapeHtml } from './html.ts';

export interface MapPoint {
  lat: number;
  lon: number;
}

export interface MapLocation extends MapPoint {
  locationId: string;
  name?: string;
  type?: string;
}

export interface SourcingOnMap {
  locations: readonly MapLocation[];
  destination?: MapPoint | undefined;
  chosen: readonly string[];
  excluded: readonly { locationId: string; rule: string; detail?: string; sku?: string }[];
  nextBest: readonly string[];
}

const franceIsoNumeric = '250';
const width = 420;
const height = 420;

let franceOutline: Feature<MultiPolygon> | undefined;

/** Metropolitan France and Corsica: the overseas regions share the feature and are dropped. */
function metropolitanFrance(): Feature<MultiPolygon> {
  if (franceOutline) return franceOutline;
  const require = createRequire(import.meta.url);
  const topology = JSON.parse(
    readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'),
  ) as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const countries = feature(topology, topology.objects.countries);
  const france = countries.features.find((country) => String(country.id) === franceIsoNumeric);
  if (!france) throw new Error('world-atlas has no France');
  const geometry = france.geometry as MultiPolygon | Polygon;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const metropolitan = polygons.filter((polygon) =>
    (polygon[0] ?? []).every(([lon = 0, lat = 0]) => lon > -6 && lon < 10 && lat > 41 && lat < 52),
  );
  franceOutline = {
    type: 'Feature',
    properties: {},
    geometry: { type: 'MultiPolygon', coordinates: metropolitan },
  };
  return franceOutline;
}

const projection = () =>
  geoConicConformal()
    .parallels([44, 49])
    .rotate([-3, 0])
    .fitExtent(
      [
        [12, 12],
        [width - 12, height - 12],
      ],
      metropolitanFrance(),
    );

const round = (n: number) => Math.round(n * 10) / 10;

/** An SVG map of the decision; every mark has a `<title>` that a hover shows. */
export function drawSourcingMap(decision: SourcingOnMap): string {
  const project = projection();
  const outline = geoPath(project)(metropolitanFrance()) ?? '';
  const at = (point: MapPoint) => {
    const xy = project([point.lon, point.lat]);
    return xy ? { x: round(xy[0]), y: round(xy[1]) } : undefined;
  };
  const byId = new Map(decision.locations.map((location) => [location.locationId, location]));
  const label = (id: string) => {
    const location = byId.get(id);
    return location?.name ? `${location.name} (${id})` : id;
  };
  const chosen = new Set(decision.chosen);
  const nextBest = new Set(decision.nextBest.filter((id) => !chosen.has(id)));
  const rulesOf = new Map<string, string[]>();
  for (const exclusion of decision.excluded) {
    const text = [exclusion.rule, exclusion.sku, exclusion.detail].filter(Boolean).join(' · ');
    rulesOf.set(exclusion.locationId, [...(rulesOf.get(exclusion.locationId) ?? []), text]);
  }
  const destination = decision.destination ? at(decision.destination) : undefined;
  const marks: string[] = [];
  for (const location of decision.locations) {
    const p = at(location);
    if (!p || chosen.has(location.locationId) || nextBest.has(location.locationId)) continue;
    const rules = rulesOf.get(location.locationId);
    if (rules) {
      marks.push(
        `<g class="excluded" data-location="${escapeHtml(location.locationId)}"><title>${escapeHtml(
          `${label(location.locationId)} excluded: ${rules.join('; ')}`,
        )}</title><path d="M${p.x - 4},${p.y - 4} L${p.x + 4},${p.y + 4} M${p.x + 4},${p.y - 4} L${p.x - 4},${p.y + 4}"/></g>`,
      );
    } else {
      marks.push(
        `<circle class="location" cx="${p.x}" cy="${p.y}" r="3"><title>${escapeHtml(label(location.locationId))}</title></circle>`,
      );
    }
  }
  for (const id of nextBest) {
    const location = byId.get(id);
    const p = location ? at(location) : undefined;
    if (!p) continue;
    if (destination)
      marks.push(
        `<line class="next-best-route" x1="${p.x}" y1="${p.y}" x2="${destination.x}" y2="${destination.y}"/>`,
      );
    marks.push(
      `<circle class="next-best" data-location="${escapeHtml(id)}" cx="${p.x}" cy="${p.y}" r="7"><title>${escapeHtml(
        `${label(id)}: next best plan`,
      )}</title></circle>`,
    );
  }
  for (const id of chosen) {
    const location = byId.get(id);
    const p = location ? at(location) : undefined;
    if (!p) continue;
    if (destination)
      marks.push(`<line class="route" x1="${p.x}" y1="${p.y}" x2="${destination.x}" y2="${destination.y}"/>`);
    marks.push(
      `<g class="chosen" data-location="${escapeHtml(id)}"><title>${escapeHtml(`${label(id)}: ships`)}</title>` +
        `<circle cx="${p.x}" cy="${p.y}" r="8"/><text x="${p.x + 11}" y="${p.y + 4}">${escapeHtml(
          byId.get(id)?.name ?? id,
        )}</text></g>`,
    );
  }
  if (destination) {
    marks.push(
      `<g class="destination"><title>destination</title><path d="M${destination.x},${destination.y} l-7,-14 a8,8 0 1,1 14,0 z"/></g>`,
    );
  }
  return (
    `<svg class="france-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="img" aria-label="sourcing map of France">` +
    `<path class="france" d="${outline}"/>${marks.join('')}</svg>`
  );
}
