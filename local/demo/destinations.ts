/**
 * Demand for the demo: delivery addresses in real French towns, drawn in proportion to their
 * population.
 */
import { frenchCities, nearby } from './french-cities.ts';
import { DEMO_SEED, mulberry32, pick, type Random, randomInt, weightedSampler } from './random.ts';

/** A delivery address in the shape of `POST /orders` `delivery.address`. */
export interface DemoAddress {
  line1: string;
  postcode: string;
  city: string;
  country: 'FR';
  lat: number;
  lon: number;
}

const STREETS = [
  'rue de la République',
  'avenue Jean Jaurès',
  'rue Victor Hugo',
  'boulevard Gambetta',
  'rue Pasteur',
  'rue du Général de Gaulle',
  'rue de la Gare',
  'place de la Mairie',
  'allée des Tilleuls',
  'chemin des Vignes',
  'impasse des Lilas',
  'rue Nationale',
  'avenue de la Libération',
  'rue des Écoles',
  'rue du Moulin',
];

/** Returns a function that draws one address per call; a town's chance is its share of the population. */
export function createDestinationSampler(random: Random): () => DemoAddress {
  const towns = frenchCities().filter((city) => city.postcodes.length > 0);
  const drawTown = weightedSampler(
    random,
    towns.map((town) => town.population),
  );
  return () => {
    const low = drawTown();
    const town = towns[low];
    if (!town) throw new Error('no town to draw from');
    return {
      line1: `${randomInt(random, 1, 120)} ${pick(random, STREETS)}`,
      postcode: pick(random, town.postcodes),
      city: town.name,
      country: 'FR',
      ...nearby(random, town.lat, town.lon, 0.005),
    };
  };
}

/** `count` delivery addresses in real French towns, weighted by population; the same seed gives the same list. */
export function demoDestinations(count: number, seed: number = DEMO_SEED): DemoAddress[] {
  const draw = createDestinationSampler(mulberry32(seed));
  return Array.from({ length: count }, draw);
}
